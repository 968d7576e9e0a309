"""Staff find their calendar feeds (menu, a class's page), a class feed carries its students' whole week
(their groups and spécialités too), and the bytes are iCalendar as RFC 5545 writes it: CRLF line ends,
one UID domain (SITE_URL's host name, no port), the same on every request.

Monday 30 November 2026 is a school day (week 49).
"""

import datetime as dt
import html
import http.client
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from icalendar import Calendar

from continuite.ecole.tests.factories import GroupFactory, StudentFactory
from planning import services
from planning.models import Modality
from planning.tests.factories import HomeworkFactory, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)
SITE = "https://continuite.lycee-jean-zay.fr:8443"


def text(response) -> str:
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def page(client, user, url):
    with time_machine.travel(NOW, tick=False):
        client.force_login(user)
        response = client.get(url)
    assert response.status_code == 200
    return response


def division_feed(client, user, division) -> Calendar:
    token = services.calendar_feed_get(user=user).token
    with time_machine.travel(NOW, tick=False):
        body = client.get(reverse("planning:ical_division", args=[token, division.pk])).content
    return Calendar.from_ical(body)


def summaries(cal: Calendar) -> dict[str, str]:
    return {str(e["summary"]): str(e.get("description", "")) for e in cal.walk("VEVENT")}


@pytest.fixture
def weeks(calendar):
    """The 1G3's SES lesson on Monday, its half-group A on Tuesday, the SES spécialité (1G3 and 1G4
    students) on Wednesday, and an option of the 1G4 alone on Thursday."""
    w = calendar
    SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    SlotFactory(group=w.half_a, subject=w.subject, teachers=[w.teacher], weekday=1)
    SessionFactory(
        group=w.spe_group,
        subject=w.subject,
        teachers=[w.teacher],
        date=dt.date(2026, 12, 2),
        modality=Modality.VISIO,
        link="https://visio.netocentre.fr/b/spe",
        notes="Apporter le dossier.",
    )
    option = GroupFactory(school_year=w.division2.school_year, code="LATIN", label="Latin", kind="option")
    w.student2.groups.add(option)
    SlotFactory(group=option, subject=w.subject, teachers=[w.teacher], weekday=3)
    HomeworkFactory(group=w.spe_group, created_by=w.teacher, title="Dossier SES", due_date=dt.date(2026, 12, 3))
    w.option = option
    return w


@pytest.mark.parametrize("role", ["cpe", "gestionnaire", "direction", "referent", "teacher", "parent"])
def test_it_puts_my_agenda_in_the_account_menu_of_everyone(world, client, role):
    body = page(client, world.user(role), reverse("home")).content.decode()
    link = f'<a class="nav-link" href="{reverse("planning:calendar_links")}">Mon agenda (iCalendar)</a>'
    assert body.count(link) == 2  # the desktop account menu and the phone menu


def test_it_offers_the_class_calendar_on_the_division_page(weeks, client):
    w = weeks
    division_page = page(client, w.cpe.user, reverse("ecole:division_detail", args=[w.division.pk]))
    agenda = f"{reverse('planning:calendar_links')}?classe={w.division.pk}#classe"
    assert f'href="{html.escape(agenda)}"' in division_page.content.decode()
    assert "S'abonner au calendrier de la 1G3" in text(division_page)

    with override_settings(SITE_URL=SITE):
        response = page(client, w.cpe.user, agenda.split("#")[0])
    token = services.calendar_feed_get(user=w.cpe.user).token
    path = reverse("planning:ical_division", args=[token, w.division.pk])
    body = response.content.decode()
    assert f'value="{SITE}{path}"' in body
    assert f'href="webcal://continuite.lycee-jean-zay.fr:8443{path}"' in body
    words = text(response)
    assert "Lien du calendrier de la 1G3" in words
    assert "chaque groupe (spécialité, option) où est au moins l'un de ses élèves" in words
    # without JavaScript the address is a plain field; the script reveals the button
    assert re.search(r'<button[^>]*data-copy="ical-classe"[^>]*hidden>Copier le lien</button>', body)
    assert 'src="/static/planning/copy.js"' in body


def test_it_puts_the_students_groups_in_the_class_feed(weeks, client):
    w = weeks
    events = summaries(division_feed(client, w.cpe.user, w.division))
    titles = " | ".join(events)
    assert "Sciences économiques et sociales — 1G3 |" in titles + " |"
    assert f"Sciences économiques et sociales — {w.half_a} |" in titles + " |"
    spe = events["Sciences économiques et sociales — Spécialité SES (hors emploi du temps)"]
    # Léa (1G3) and Hugo (1G4) are in the spécialité: the CPE reads how many are his class's
    assert "Élèves de la 1G3 dans ce groupe : 1 sur 2." in spe.replace("\\n", "\n")
    # he does not teach it: no link, no consignes
    assert "visio.netocentre.fr" not in spe and "Apporter le dossier" not in spe
    assert any(s.startswith("À rendre") and "Dossier SES" in s for s in events)
    # the 1G4's option has no 1G3 student
    assert "Latin" not in titles


def test_it_counts_a_group_only_of_the_class_without_a_note(weeks, client):
    w = weeks
    w.student2.groups.remove(w.spe_group)
    events = summaries(division_feed(client, w.cpe.user, w.division))
    spe = events["Sciences économiques et sociales — Spécialité SES (hors emploi du temps)"]
    assert "Élèves de la 1G3" not in spe


def test_it_gives_the_1g4_feed_its_option_and_the_shared_spécialité(weeks, client):
    w = weeks
    titles = " | ".join(summaries(division_feed(client, w.cpe.user, w.division2)))
    assert "— Latin" in titles and "— Spécialité SES" in titles


def test_it_writes_crlf_line_ends_in_the_bytes_a_client_receives(weeks, live_server):
    """Read off the socket with http.client: no test client, no file, no newline translation."""
    w = weeks
    StudentFactory(division=w.division, last_name="L'HERMITTE", first_name="Zoé")
    token = services.calendar_feed_get(user=w.student.user).token
    for path in (
        reverse("planning:ical_feed", args=[token]),
        reverse("planning:ical_division", args=[services.calendar_feed_get(user=w.cpe.user).token, w.division.pk]),
    ):
        parts = urlsplit(live_server.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/calendar; charset=utf-8"
        assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
        assert re.search(rb"(?<!\r)\n", body) is None, "a line ends with LF alone"
        assert b"\r\r" not in body
        assert all(len(line) <= 75 for line in body.split(b"\r\n")), "a line is longer than 75 octets"


@override_settings(SITE_URL=SITE)
def test_it_gives_every_uid_one_domain_stable_across_requests(weeks, client):
    w = weeks
    token = services.calendar_feed_get(user=w.student.user).token
    url = reverse("planning:ical_feed", args=[token])
    uids = []
    for host in ("127.0.0.1:8000", "localhost"):
        with time_machine.travel(NOW, tick=False):
            body = client.get(url, HTTP_HOST=host).content
        uids.append(sorted(str(e["uid"]) for e in Calendar.from_ical(body).walk("VEVENT")))
    assert uids[0] == uids[1]
    kinds = {uid.split("-")[0] for uid in uids[0]}
    assert {"slot", "session", "homework", "holiday"} <= kinds
    assert all(uid.endswith("@continuite.lycee-jean-zay.fr") for uid in uids[0]), uids[0]


def test_it_tells_the_teacher_not_to_film_and_the_student_that_no_one_films(weeks, client):
    def description(user) -> str:
        token = services.calendar_feed_get(user=user).token
        with time_machine.travel(NOW, tick=False):
            body = client.get(reverse("planning:ical_feed", args=[token])).content
        cal = Calendar.from_ical(body)
        return next(
            str(e["description"])
            for e in cal.walk("VEVENT")
            if "Modalité : " in str(e["description"]) and "visio" in str(e["description"]).lower()
        )

    teacher, student = description(weeks.teacher.user), description(weeks.student.user)
    assert "Ne pas filmer ni enregistrer la classe virtuelle (droit à l'image)." in teacher
    assert "La classe virtuelle n'est ni filmée ni enregistrée." in student and "Ne pas" not in student
