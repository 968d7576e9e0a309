from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("deposer/", views.job_create, name="job_create"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/appliquer/", views.job_apply, name="job_apply"),
    path("<int:pk>/relancer/", views.job_retry, name="job_retry"),
    path("<int:pk>/abandonner/", views.job_cancel, name="job_cancel"),
    path("<int:pk>/etat.json", views.job_status, name="job_status"),
    path("invitations/", views.invite_confirm, name="invite_confirm"),
    path("invitations/envoyer/", views.invite_send, name="invite_send"),
    path("exports/divisions.csv", views.export_divisions, name="export_divisions"),
    path("exports/personnels.csv", views.export_staff, name="export_staff"),
]
