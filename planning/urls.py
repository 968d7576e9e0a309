from django.urls import path

from . import timetable_views, views

app_name = "planning"

urlpatterns = [
    path("semaine/", views.week, name="week"),
    path("semaine/copier/", views.week_copy, name="week_copy"),
    path("creneaux/", views.slot_list, name="slot_list"),
    path("creneau/nouveau/", views.slot_new, name="slot_new"),
    path("creneau/<int:pk>/modifier/", views.slot_edit, name="slot_edit"),
    path("creneau/<int:pk>/retirer/", views.slot_delete, name="slot_delete"),
    path("creneau/<int:pk>/<str:date>/", views.slot_occurrence, name="slot_occurrence"),
    path("seance/nouvelle/", views.session_new, name="session_new"),
    path("seance/<int:pk>/", views.session_edit, name="session_edit"),
    path("seance/<int:pk>/supprimer/", views.session_delete, name="session_delete"),
    path("travail/nouveau/", views.homework_new, name="homework_new"),
    path("travail/<int:pk>/", views.homework_edit, name="homework_edit"),
    path("travail/<int:pk>/supprimer/", views.homework_delete, name="homework_delete"),
    path("travail/<int:pk>/fait/", views.homework_done, name="homework_done"),
    path("jauge/", views.gauge, name="gauge"),
    path("ma-semaine/", views.my_week, name="my_week"),
    path("ma-classe/", views.my_division_load, name="my_division_load"),
    path("classe/<int:pk>/charge/", views.division_load, name="division_load"),
    path("classe/<int:pk>/charge.csv", views.division_week_csv, name="division_week_csv"),
    path("classe/<int:pk>/basculer/", views.division_switch, name="division_switch"),
    path("classe/<int:pk>/emploi-du-temps/", timetable_views.division_timetable, name="division_timetable"),
    path("groupe/<int:pk>/emploi-du-temps/", timetable_views.group_timetable, name="group_timetable"),
    path("eleve/<int:pk>/semaine/", timetable_views.student_timetable, name="student_timetable"),
    path("etablissement/charge/", views.school_load, name="school_load"),
    path("etablissement/charge.csv", views.school_load_csv, name="school_load_csv"),
    path("etablissement/seuils/", views.thresholds_edit, name="thresholds"),
    path("agenda/", views.calendar_links, name="calendar_links"),
    path("agenda/renouveler/", views.calendar_renew, name="calendar_renew"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical_feed"),
    path("ical/<str:token>/classe/<int:pk>.ics", views.ical_division, name="ical_division"),
]
