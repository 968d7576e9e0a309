from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/lu/", views.notification_read, name="read"),
    path("tout-lu/", views.notification_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("reglages/", views.school_settings, name="school_settings"),
    path("envois/", views.delivery_report, name="delivery_report"),
    path("accuse/<str:token>/", views.acknowledge, name="acknowledge"),
]
