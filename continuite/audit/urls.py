from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("donnees-personnelles/", views.privacy_notice, name="privacy_notice"),
    path("accessibilite/", views.accessibility_statement, name="accessibility_statement"),
    path("journal/", views.entry_list, name="entry_list"),
    path("droits/", views.subject_search, name="subject_search"),
    path("droits/eleves/<int:pk>/", views.student_rectify, name="student_rectify"),
    path("droits/eleves/<int:pk>/export/", views.student_export, name="student_export"),
    path("droits/responsables/<int:pk>/", views.guardian_rectify, name="guardian_rectify"),
    path("droits/responsables/<int:pk>/export/", views.guardian_export, name="guardian_export"),
]
