from django.urls import path

from . import views

app_name = "ecole"

urlpatterns = [
    path("divisions/", views.division_list, name="division_list"),
    path("divisions/<int:pk>/", views.division_detail, name="division_detail"),
    path("eleves/<int:pk>/", views.student_detail, name="student_detail"),
    path("personnels/", views.staff_list, name="staff_list"),
    path("personnels/<int:pk>/inviter/", views.staff_invite, name="staff_invite"),
]
