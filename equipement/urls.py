from django.urls import path

from . import views

app_name = "equipement"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("reglages/", views.settings_edit, name="settings"),
    path("besoins/", views.need_list, name="need_list"),
    path("besoins/nouveau/", views.need_create, name="need_create"),
    path("besoins/<int:pk>/", views.need_detail, name="need_detail"),
    path("besoins/<int:pk>/decider/", views.need_decide, name="need_decide"),
    path("besoins/<int:pk>/clore/", views.need_close, name="need_close"),
    path("materiels/", views.device_list, name="device_list"),
    path("materiels/nouveau/", views.device_create, name="device_create"),
    path("materiels/import/", views.device_import, name="device_import"),
    path("materiels/export.csv", views.device_export, name="device_export"),
    path("materiels/<int:pk>/", views.device_edit, name="device_edit"),
    path("prets/<int:pk>/", views.loan_detail, name="loan_detail"),
    path("prets/<int:pk>/preparer/", views.loan_prepare, name="loan_prepare"),
    path("prets/<int:pk>/convention/renvoyer/", views.loan_agreement_resend, name="loan_agreement_resend"),
    path("prets/<int:pk>/remettre/", views.loan_hand_over, name="loan_hand_over"),
    path("prets/<int:pk>/retour/", views.loan_return, name="loan_return"),
    path("convention/<str:token>/", views.agreement, name="agreement"),
    path("numerique/", views.readiness_list, name="readiness_list"),
    path("numerique/classes/<int:pk>/export.csv", views.readiness_export, name="readiness_export"),
    path("numerique/eleves/<int:student_pk>/", views.readiness_edit, name="readiness_edit"),
]
