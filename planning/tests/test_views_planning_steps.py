"""Planning a class's week in few steps: from the grid cell to the session, on to its work, prefilled.

What the teacher and the student read on the pages, and the refusals said in French (nothing changed).
"""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from continuite.ecole.tests.factories import StaffFactory, SubjectFactory, TeachingAssignmentFactory
from planning import services
from planning.models import Homework, Modality, Session
from planning.tests.factories import HomeworkFactory, SlotFactory
from suivi.tests.factories import MarkFactory, RegisterFactory

MONDAY = dt.date(2026, 11, 30)
WEEK = f"?semaine={MONDAY.isoformat()}"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sunday_evening():
    with time_machine.travel(dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def week(calendar):
    """Claire's SES with the 1G3 on Monday 08:00 and Thursday 10:00."""
    w = calendar
    w.monday_slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    w.thursday_slot = SlotFactory(
        division=w.division, subject=w.subject, teachers=[w.teacher], weekday=3, start=dt.time(10), end=dt.time(11)
    )
    return w


def text(response) -> str:
    """The page's words, without tags, spaces collapsed (what a reader sees)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("&#x27;", "'")


def test_it_opens_the_session_form_from_the_grid_cell_with_the_gauge_drawn(week, client):
    w = week
    client.force_login(w.teacher.user)
    page = client.get(reverse("planning:week") + WEEK)
    occurrence = reverse("planning:slot_occurrence", args=[w.monday_slot.pk, "2026-11-30"])
    assert f'href="{occurrence}"' in page.text
    form = client.get(occurrence)
    words = text(form)
    assert "Sciences économiques et sociales · 1G3 , lundi 30 novembre 2026, 08:00–09:00" in words
    # Without script the gauge is there already: the load of the 1G3 that day and that week.
    assert "Charge des élèves" in words and "Charge sous les seuils de l'établissement." in words
    assert "Enregistrer et donner un travail" in words


def test_it_goes_from_the_saved_session_to_its_work_prefilled(week, client):
    w = week
    client.force_login(w.teacher.user)
    response = client.post(
        reverse("planning:slot_occurrence", args=[w.monday_slot.pk, "2026-11-30"]),
        {"modality": "visio", "link": "https://classe.netocentre.fr/ses", "then": "travail"},
    )
    session = Session.objects.get(slot=w.monday_slot, date=MONDAY)
    assert response.url == reverse("planning:homework_new") + f"?seance={session.pk}"
    form = client.get(response.url).context["form"]
    assert form.initial["audience"] == f"d{w.division.pk}"
    assert form.initial["subject"] == w.subject.pk
    assert form.initial["given_on"] == MONDAY
    assert form.initial["due_date"] == dt.date(2026, 12, 3)  # the next SES lesson with the 1G3


def test_it_gives_two_works_in_a_row_from_the_session(week, client):
    w = week
    session = services.session_plan(slot=w.monday_slot, date=MONDAY, modality=Modality.VISIO, by=w.teacher)
    client.force_login(w.teacher.user)
    url = reverse("planning:homework_new") + f"?seance={session.pk}"
    base = {
        "audience": f"d{w.division.pk}",
        "given_on": "2026-11-30",
        "due_date": "2026-12-03",
        "hand_in_mode": "aucun",
    }
    first = client.post(
        url, {**base, "title": "QCM chapitre 3", "kind": "evaluation", "estimated_minutes": 20, "then": "autre"}
    )
    assert first.url == url
    second = client.post(
        url,
        {
            **base,
            "title": "Fiche de lecture",
            "kind": "lecture",
            "estimated_minutes": 30,
            "instructions": "Lire les pages 40 à 45.",
            "link": "https://lycees.netocentre.fr/moodle/fiche",
        },
    )
    assert second.url == reverse("planning:week") + WEEK
    works = list(session.homework.order_by("pk"))
    assert [(h.heading, h.estimated_minutes) for h in works] == [
        ("Sciences économiques et sociales — Évaluation : QCM chapitre 3", 20),
        ("Sciences économiques et sociales — Lecture : Fiche de lecture", 30),
    ]
    edit = text(client.get(reverse("planning:session_edit", args=[session.pk])))
    assert "Travail donné dans cette séance" in edit
    assert "Sciences économiques et sociales — Évaluation : QCM chapitre 3 · pour le jeudi 3 décembre, 20 min" in edit


def test_work_given_on_a_sunday_leads_to_the_week_it_is_due(week, client):
    client.force_login(week.teacher.user)
    response = client.post(
        reverse("planning:homework_new"),
        {
            "audience": f"d{week.division.pk}",
            "subject": week.subject.pk,
            "given_on": "2026-11-29",  # a Sunday: its week is the one that ends
            "due_date": "2026-12-03",
            "hand_in_mode": "aucun",
            "title": "Lire le chapitre 4",
            "kind": "lecture",
            "estimated_minutes": 30,
        },
    )
    assert response.url == reverse("planning:week") + "?semaine=2026-11-30"


def test_it_shows_the_student_the_subject_minutes_instructions_and_link(week, client):
    w = week
    maths = SubjectFactory(etablissement=w.etablissement, code="MATHS", label="Mathématiques")
    paul = StaffFactory(etablissement=w.etablissement, is_teacher=True)
    TeachingAssignmentFactory(staff=paul, subject=maths, division=w.division)
    services.homework_create(
        etablissement=w.etablissement,
        title="QCM chapitre 3",
        given_on=MONDAY,
        due_date=MONDAY + dt.timedelta(days=1),
        estimated_minutes=25,
        kind="evaluation",
        by=paul,
        division=w.division,
        instructions="Vingt questions, sans calculatrice.",
        link="https://lycees.netocentre.fr/moodle/qcm3",
    )
    client.force_login(w.student.user)
    page = client.get(reverse("planning:my_week") + WEEK)
    words = text(page)
    assert "Mathématiques — Évaluation : QCM chapitre 3 Pour le mardi 1er décembre · environ 25 min" in words
    assert "Vingt questions, sans calculatrice." in words
    assert 'href="https://lycees.netocentre.fr/moodle/qcm3"' in page.text
    client.force_login(w.user("parent"))
    assert "Mathématiques — Évaluation : QCM chapitre 3" in text(client.get(reverse("planning:my_week") + WEEK))


def test_it_lists_the_teachers_work_with_its_subject_in_his_week(week, client):
    w = week
    HomeworkFactory(division=w.division, created_by=w.teacher, subject=w.subject, title="Dissertation", kind="projet")
    client.force_login(w.teacher.user)
    words = text(client.get(reverse("planning:week") + WEEK))
    assert (
        "Sciences économiques et sociales — Projet : Dissertation · 1G3 · pour le mardi 1er décembre, 30 min" in words
    )


def test_it_edits_and_deletes_work_and_the_gauge_follows(week, client):
    w = week
    homework = services.homework_create(
        etablissement=w.etablissement,
        title="Exposé",
        given_on=MONDAY,
        due_date=MONDAY + dt.timedelta(days=1),
        estimated_minutes=100,
        by=w.teacher,
        division=w.division,
    )
    client.force_login(w.teacher.user)
    gauge = reverse("planning:gauge") + f"?pour=d{w.division.pk}&date=2026-12-01"
    assert "Travail à faire 100 min 120 min" in text(client.get(gauge))  # the day: load, threshold
    edit = reverse("planning:homework_edit", args=[homework.pk])
    data = {
        "audience": f"d{w.division.pk}",
        "title": "Exposé",
        "kind": "projet",
        "given_on": "2026-11-30",
        "due_date": "2026-12-01",
        "estimated_minutes": 40,
        "hand_in_mode": "aucun",
    }
    assert client.post(edit, data).status_code == 302
    assert "Travail à faire 40 min 120 min" in text(client.get(gauge))
    refused = client.post(reverse("planning:homework_delete", args=[homework.pk]), follow=True)
    assert "Cochez « Je confirme la suppression de ce travail » pour le supprimer." in text(refused)
    assert Homework.objects.exists()
    response = client.post(reverse("planning:homework_delete", args=[homework.pk]), {"confirmer": "oui"}, follow=True)
    assert "Travail supprimé : Sciences économiques et sociales — Projet : Exposé." in text(response)
    assert not Homework.objects.exists()
    assert "Travail à faire 0 min 120 min" in text(client.get(gauge))


def test_it_refuses_another_teachers_hour_in_french_and_changes_nothing(week, client):
    w = week
    maths = SubjectFactory(etablissement=w.etablissement, code="MATHS", label="Mathématiques")
    paul = StaffFactory(etablissement=w.etablissement, is_teacher=True)
    SlotFactory(division=w.division, subject=maths, teachers=[paul], weekday=1, start=dt.time(10), end=dt.time(11))
    client.force_login(w.teacher.user)
    data = {
        "audience": f"d{w.division.pk}",
        "subject": w.subject.pk,
        "date": "2026-12-01",
        "start": "10:00",
        "end": "11:00",
        "modality": "visio",
    }
    response = client.post(reverse("planning:session_new"), data)
    assert response.status_code == 200
    assert "Les élèves ont déjà cours à ce moment-là : Mathématiques (1G3), mardi 1er décembre, 10:00–11:00." in text(
        response
    )
    assert not Session.objects.exists()


def test_it_prefills_a_session_outside_the_timetable(week, client):
    w = week
    client.force_login(w.teacher.user)
    url = reverse("planning:session_new") + f"?date=2026-12-02&debut=14:00&fin=15:00&pour=d{w.division.pk}"
    form = client.get(url).context["form"]
    assert form.initial["subject"] == w.subject.pk and form.initial["start"] == "14:00"


def test_it_deletes_an_off_timetable_session_and_refuses_once_marked(week, client):
    w = week
    session = services.session_create(
        etablissement=w.etablissement,
        date=dt.date(2026, 12, 2),
        start=dt.time(14),
        end=dt.time(15),
        subject=w.subject,
        teachers=[w.teacher],
        by=w.teacher,
        modality=Modality.VISIO,
        division=w.division,
    )
    client.force_login(w.teacher.user)
    edit = text(client.get(reverse("planning:session_edit", args=[session.pk])))
    assert "Supprimer cette séance hors emploi du temps" in edit
    register = RegisterFactory(session=session, taken_by=w.teacher)
    MarkFactory(register=register, student=w.student)
    refused = client.post(reverse("planning:session_delete", args=[session.pk]), follow=True)
    assert "L'appel de cette séance a déjà été fait : elle ne peut plus être supprimée." in text(refused)
    assert Session.objects.filter(pk=session.pk).exists()
    register.marks.all().delete()
    done = client.post(reverse("planning:session_delete", args=[session.pk]), follow=True)
    assert "Séance du mercredi 2 décembre supprimée : Sciences économiques et sociales, 1G3." in text(done)
    assert not Session.objects.exists()


def test_it_offers_a_session_outside_the_timetable_from_an_empty_cell(week, client):
    client.force_login(week.teacher.user)
    page = client.get(reverse("planning:week") + WEEK)
    # Tuesday 08:00 is free in Claire's week (her 08:00 band is Monday's): one link, the cell's date and hour.
    add = reverse("planning:session_new") + "?date=2026-12-01&amp;debut=08:00&amp;fin=09:00"
    assert f'href="{add}"' in page.text
    assert "+ séance hors emploi du temps mardi 1er décembre 08:00" in text(page)


def test_it_offers_saturday_mornings_only_when_the_school_has_saturday_classes(week, client):
    from planning import services

    services.planning_settings_update(etablissement=week.etablissement, class_weekdays=[0, 1, 2, 3, 4, 5])
    SlotFactory(
        division=week.division,
        subject=week.subject,
        teachers=[week.teacher],
        weekday=1,
        start=dt.time(14),
        end=dt.time(15),
    )
    client.force_login(week.teacher.user)
    page = text(client.get(reverse("planning:week") + WEEK))
    assert "+ séance hors emploi du temps samedi 5 décembre 08:00" in page
    assert "+ séance hors emploi du temps vendredi 4 décembre 14:00" in page
    assert "samedi 5 décembre 14:00" not in page  # no lycée teaches on Saturday afternoon


def test_it_lists_the_weeks_work_with_its_subject_to_the_form_tutor(week, client):
    w = week
    HomeworkFactory(
        division=w.division, created_by=w.teacher, subject=w.subject, title="QCM chapitre 3", kind="evaluation"
    )
    client.force_login(w.tutor.user)
    words = text(client.get(reverse("planning:division_load", args=[w.division.pk]) + WEEK))
    assert (
        "Sciences économiques et sociales — Évaluation : QCM chapitre 3 · 1G3 · pour le mardi 1er décembre, 30 min"
        " · Claire MARTIN" in words
    )
