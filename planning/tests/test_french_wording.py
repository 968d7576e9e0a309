"""What the teacher reads in French: « 1er décembre » in the gauge, « plus d'une évaluation », plurals
and what a copy of the week skips, and no « élève le plus chargé » when nobody has any load."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from planning import services
from planning.models import Modality, Session
from planning.tests.factories import HomeworkFactory, SlotFactory
from planning.workload import Thresholds

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sunday_evening():
    with time_machine.travel(dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC), tick=False):
        yield


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("&#x27;", "'")


def test_it_writes_the_first_of_the_month_and_names_no_student_without_load(calendar, client):
    w = calendar
    client.force_login(w.teacher.user)
    page = text(client.get(reverse("planning:gauge") + f"?pour=d{w.division.pk}&date=2026-12-01"))
    assert "le mardi 1er décembre (élève le plus chargé)" in page
    assert "Élève le plus chargé de la semaine" not in page
    HomeworkFactory(division=w.division, subject=w.subject, due_date=dt.date(2026, 12, 1), estimated_minutes=30)
    page = text(client.get(reverse("planning:gauge") + f"?pour=d{w.division.pk}&date=2026-12-01"))
    assert "Élève le plus chargé de la semaine" in page


def test_it_says_more_than_one_assessment(calendar):
    thresholds = Thresholds(
        video_day=240,
        async_day=120,
        assessments_day=1,
        video_week=900,
        async_week=600,
        assessments_week=3,
        video_share=50,
    )
    assert thresholds.rule("day", "assessments") == "plus d'une évaluation par jour"
    assert thresholds.rule("week", "assessments") == "plus de 3 évaluations par semaine"


def test_it_counts_copied_sessions_in_french_and_says_what_is_not_copied(calendar, client):
    w = calendar
    client.force_login(w.teacher.user)
    services.session_plan(
        slot=SlotFactory(
            division=w.division, subject=w.subject, teachers=[w.teacher], weekday=1, start=dt.time(14), end=dt.time(15)
        ),
        date=dt.date(2026, 12, 1),
        modality=Modality.VISIO,
        by=w.teacher,
    )
    url = reverse("planning:week_copy") + "?semaine=2026-11-30"
    page = text(client.post(url, {"weeks": 1}, follow=True))
    assert "1 séance copiée." in page
    assert "Les séances hors emploi du temps et les travaux ne sont pas copiés" in page
    # copied again: next week's session is now planned, the copy leaves it and says so
    page = text(client.post(url, {"weeks": 1}, follow=True))
    assert (
        "0 séance copiée ; 1 séance déjà planifiée laissée telle quelle (cochez « Remplacer » pour les écraser)."
        in page
    )
    page = text(client.post(url, {"weeks": 1, "replace": "on"}, follow=True))
    assert "1 séance copiée." in page
    # more weeks than the form allows: said on the week, nothing copied
    before = Session.objects.count()
    page = text(client.post(url, {"weeks": 9}, follow=True))
    assert (
        "Rien n'a été copié. « Copier sur les semaines suivantes (nombre) » : "
        "Assurez-vous que cette valeur est inférieure ou égale à 8." in page
    )
    assert Session.objects.count() == before


THRESHOLDS = {
    "max_video_minutes_per_day": 240,
    "max_async_minutes_per_day": 120,
    "max_assessments_per_day": 1,
    "max_video_minutes_per_week": 900,
    "max_async_minutes_per_week": 600,
    "max_assessments_per_week": 3,
    "max_video_share_percent": 50,
    "min_remote_minutes_for_share": 300,
    "class_weekdays": ["0", "1", "2", "3", "4"],
}


def test_it_answers_wrong_thresholds_in_french_and_changes_nothing(calendar, client):
    client.force_login(calendar.direction.user)
    bad = {
        **THRESHOLDS,
        "max_video_share_percent": 150,
        "max_video_minutes_per_week": 100,
        "max_async_minutes_per_day": 0,
    }
    response = client.post(reverse("planning:thresholds"), bad)
    page = text(response)
    assert response.status_code == 200
    assert "Une part se donne en pourcentage : 100 % au plus." in page
    assert (
        "Le seuil de la semaine pour la classe virtuelle ne peut pas être plus bas que celui d'un jour (240)." in page
    )
    assert "Un seuil de 0 min par jour signalerait chaque jour : 1 min au moins." in page
    assert "planningsettings_share_pct" not in page
    assert client.post(reverse("planning:thresholds"), THRESHOLDS).status_code == 302


def test_it_names_each_week_of_the_school_load_with_its_parity(calendar, client):
    from planning.models import SchoolDay

    w = calendar
    parity = {
        m: f" ({SchoolDay.objects.get(etablissement=w.etablissement, date=m).week_parity})"
        for m in (dt.date(2026, 11, 30), dt.date(2026, 12, 7))
    }
    assert parity[dt.date(2026, 11, 30)] in (" (A)", " (B)")
    client.force_login(w.direction.user)
    page = text(client.get(reverse("planning:school_load") + "?semaine=2026-11-30"))
    assert f"Semaine 49{parity[dt.date(2026, 11, 30)]} du 30 novembre au 4 décembre" in page
    assert f"Semaine 50{parity[dt.date(2026, 12, 7)]} du 7 décembre au 11 décembre" in page
    assert f"Charge par division, Semaine 49{parity[dt.date(2026, 11, 30)]}" in page


def test_it_explains_the_white_cells_of_the_heat_map(calendar, client):
    w = calendar
    client.force_login(w.tutor.user)
    page = text(client.get(reverse("planning:division_load", args=[w.division.pk]) + "?semaine=2026-11-30"))
    assert "vert : sous le seuil ; blanc : aucune charge ce jour-là." in page
