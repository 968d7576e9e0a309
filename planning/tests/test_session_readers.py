"""Who reads a session's link and consignes, in pages and feeds alike: its students, its teachers and,
if the school allows it (``PlanningSettings.links_for_guardians``), its students' legal guardians;
other staff never. The session form says the school's actual setting.

Monday 30 November 2026 is a school day; the 1G3's SES virtual class is at 08:00.
"""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.urls import reverse

from planning import services
from planning.models import Modality, PlanningSettings, Session
from planning.tests.factories import SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)
LINK = "https://visio.netocentre.fr/b/ses-1g3"
CONSIGNES = "Relire le chapitre 3 et préparer deux questions."


def text(response) -> str:
    """The page's words, tags removed and spaces collapsed."""
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def allow_guardians(w, allowed: bool) -> None:
    PlanningSettings.objects.update_or_create(etablissement=w.etablissement, defaults={"links_for_guardians": allowed})


@pytest.fixture
def lesson(calendar):
    w = calendar
    slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    SessionFactory(
        division=w.division,
        subject=w.subject,
        teachers=[w.teacher],
        slot=slot,
        date=dt.date(2026, 11, 30),
        modality=Modality.VISIO,
        link=LINK,
        notes=CONSIGNES,
    )
    return w


def get(client, user, url):
    with time_machine.travel(MONDAY, tick=False):
        client.force_login(user)
        response = client.get(url)
    assert response.status_code == 200
    return response


def week_url(**extra) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"semaine": "2026-11-30", **extra}.items())
    return reverse("planning:my_week") + "?" + query


def feed(client, user) -> str:
    token = services.calendar_feed_get(user=user).token
    with time_machine.travel(MONDAY, tick=False):
        body = client.get(reverse("planning:ical_feed", args=[token])).content.decode()
    return body.replace("\r\n ", "").replace("\\,", ",")


def test_it_shows_the_student_the_consignes_on_his_week_as_in_his_feed(lesson, client):
    page = text(get(client, lesson.user("student"), week_url()))
    assert f"Consignes : {CONSIGNES}" in page
    assert CONSIGNES in feed(client, lesson.user("student"))


def test_it_shows_the_student_the_consignes_of_today_on_his_home(lesson, client):
    page = text(get(client, lesson.user("student"), reverse("home")))
    assert f"Consignes : {CONSIGNES}" in page


def test_it_shows_the_teacher_the_consignes_on_his_week(lesson, client):
    page = text(get(client, lesson.teacher.user, reverse("planning:week") + "?semaine=2026-11-30"))
    assert f"Consignes : {CONSIGNES}" in page


@pytest.mark.parametrize("allowed", [False, True], ids=["not-allowed", "allowed"])
def test_it_shows_guardians_the_link_and_consignes_only_if_the_school_allows_it(lesson, client, allowed):
    allow_guardians(lesson, allowed)
    parent = lesson.user("parent")
    week = get(client, parent, week_url(eleve=lesson.student.pk))
    home = get(client, parent, reverse("home"))
    calendar = feed(client, parent)
    for body in (week.content.decode(), home.content.decode(), calendar):
        assert (LINK in body) is allowed
        assert (CONSIGNES in body) is allowed
    assert ("Rejoindre la classe virtuelle" in text(home)) is allowed
    # the session itself is there either way
    assert "08:00–09:00 · Sciences économiques et sociales" in text(home)


def test_it_gives_the_student_his_link_on_his_home_whatever_the_school_says_of_guardians(lesson, client):
    allow_guardians(lesson, False)
    home = get(client, lesson.user("student"), reverse("home"))
    assert f'href="{LINK}"' in home.content.decode()
    assert "Rejoindre la classe virtuelle" in text(home)


@pytest.mark.parametrize("role", ["cpe", "direction", "gestionnaire", "tutor"])
def test_it_never_shows_other_staff_the_consignes(lesson, client, role):
    allow_guardians(lesson, True)
    user = lesson.user(role)
    for url in (
        reverse("planning:division_timetable", args=[lesson.division.pk]) + "?semaine=2026-11-30",
        reverse("planning:student_timetable", args=[lesson.student.pk]) + "?semaine=2026-11-30",
    ):
        with time_machine.travel(MONDAY, tick=False):
            client.force_login(user)
            response = client.get(url)
        if response.status_code == 200:
            assert "Sciences" in text(response)
        body = response.content.decode()
        assert CONSIGNES not in body and LINK not in body


@pytest.mark.parametrize("allowed", [False, True], ids=["not-allowed", "allowed"])
def test_the_session_form_says_who_reads_the_link_as_the_school_set_it(lesson, client, allowed):
    allow_guardians(lesson, allowed)
    session = Session.objects.get(notes=CONSIGNES)
    page = text(get(client, lesson.teacher.user, reverse("planning:session_edit", args=[session.pk])))
    if allowed:
        assert (
            "Le lien et les consignes ne sont montrés qu'aux élèves de la séance, à ses enseignants et aux "
            "responsables légaux de ces élèves (réglage de l'établissement)." in page
        )
    else:
        assert (
            "Le lien et les consignes ne sont montrés qu'aux élèves de la séance et à ses enseignants, pas aux "
            "responsables légaux (réglage de l'établissement)." in page
        )
    # one statement, not two that contradict each other
    assert page.count("montrés qu'aux") == 1
    assert "n'est montré qu'aux" not in page and "si l'établissement le permet" not in page
    assert "Lues par les mêmes personnes que le lien" in page
