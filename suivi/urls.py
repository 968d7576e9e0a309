from django.urls import path

from . import views, views_absences

app_name = "suivi"

urlpatterns = [
    path("registres/", views.register_list, name="register_list"),
    path("registres/<int:session_pk>/", views.register_take, name="register_take"),
    path("travaux/<int:homework_pk>/", views.handin_mark, name="handin_mark"),
    path("signaler/", views.flag_create, name="flag_create"),
    path("signalements/", views.flag_list, name="flag_list"),
    path("dossiers/", views.case_list, name="case_list"),
    path("dossiers/ouvrir/<int:student_pk>/", views.case_open, name="case_open"),
    path("dossiers/<int:pk>/", views.case_detail, name="case_detail"),
    path("dossiers/<int:pk>/entretien/", views.case_interview, name="case_interview"),
    path("dossiers/<int:pk>/actions/", views.case_action, name="case_action"),
    path("dossiers/<int:pk>/actions/<int:action_pk>/faite/", views.case_action_done, name="case_action_done"),
    path("dossiers/<int:pk>/contacts/", views.case_contact, name="case_contact"),
    path("dossiers/<int:pk>/avis/", views.case_notice, name="case_notice"),
    path("dossiers/<int:pk>/avis/<int:notice_pk>/courrier/", views.notice_letter, name="notice_letter"),
    path("dossiers/<int:pk>/justification/", views.case_justify, name="case_justify"),
    path("dossiers/<int:pk>/direction/", views.case_escalate, name="case_escalate"),
    path("dossiers/<int:pk>/cloture/", views.case_close, name="case_close"),
    path("ma-classe/", views.tutor_summary, name="tutor_summary"),
    path("mes-actions/", views.my_actions, name="my_actions"),
    path("mes-actions/<int:action_pk>/faite/", views.my_action_done, name="my_action_done"),
    path("gpds/", views.gpds, name="gpds"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("reglages/", views.settings_edit, name="settings"),
    path("absences/", views.family_absences, name="family_absences"),
    path("vie-scolaire/absences/", views_absences.absence_list, name="absence_list"),
    path("vie-scolaire/absences/<int:pk>/justifier/", views_absences.absence_justify, name="absence_justify"),
    path("vie-scolaire/absences/<int:pk>/regler/", views_absences.absence_settle, name="absence_settle"),
    path("vie-scolaire/absences/<int:pk>/rectifier/", views_absences.absence_correct, name="absence_correct"),
    path(
        "vie-scolaire/justifications/<int:pk>/decision/",
        views_absences.justification_decide,
        name="justification_decide",
    ),
    path("vie-scolaire/eleves/<int:pk>/", views_absences.student_followup, name="student_followup"),
    path("vie-scolaire/eleves/<int:pk>/justifier/", views_absences.student_justify, name="student_justify"),
]
