"""The iCalendar feeds as real clients read them: Mozilla's ical.js (Thunderbird), node-ical and the
``icalendar`` package, on devices set to Paris, UTC and Montreal time, across both changes of 2027.

Also what a polling client gets (ETag, 304, HEAD, refresh hint), work due as all-day events, whole
holidays, and the privacy of links: a CPE's or gestionnaire's class feed carries no link or notes.
"""

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from continuite.ecole.models import SchoolYear
from planning import services
from planning.ical import uid_domain
from planning.models import Modality, PlanningSettings
from planning.tests.factories import HomeworkFactory, SessionFactory

pytestmark = pytest.mark.django_db

READER = Path(__file__).with_name("ical_read.mjs")
ZONES = ("Europe/Paris", "UTC", "America/Montreal")


def feed_url(client, user, division=None) -> str:
    token = services.calendar_feed_get(user=user).token
    if division is not None:
        return reverse("planning:ical_division", args=[token, division.pk])
    return reverse("planning:ical_feed", args=[token])


def session(w, date: dt.date, **extra):
    values = {
        "date": date,
        "start": dt.time(10),
        "end": dt.time(11),
        "division": w.division,
        "subject": w.subject,
        "teachers": [w.teacher],
        "modality": Modality.VISIO,
        "link": "https://classe.netocentre.fr/ses",
        "notes": "Relire le chapitre 3 avant.",
    }
    values.update(extra)
    return SessionFactory(**values)


def read_with_node(body: bytes, tmp_path: Path, zone: str) -> dict:
    node = shutil.which("node")
    assert node, "node est nécessaire pour lire le flux avec ical.js et node-ical"
    path = tmp_path / "feed.ics"
    path.write_bytes(body)
    env = {**os.environ, "TZ": zone}
    done = subprocess.run(
        [node, str(READER), str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def read_with_icalendar(body: bytes) -> dict:
    result = {}
    for event in Calendar.from_ical(body).walk("VEVENT"):
        start = event.decoded("dtstart")
        if isinstance(start, dt.datetime):
            result[str(event["uid"])] = start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return result


@pytest.mark.parametrize(
    "today, dates, instants",
    [
        # Summer time starts on Sunday 28 March 2027: 10:00 in Paris is 09:00 UTC, then 08:00 UTC.
        (dt.date(2027, 3, 24), [dt.date(2027, 3, 26), dt.date(2027, 3, 29)], ["09:00", "08:00"]),
        # It ends on Sunday 31 October 2027: 08:00 UTC before, 09:00 UTC after.
        (dt.date(2027, 10, 20), [dt.date(2027, 10, 21), dt.date(2027, 11, 9)], ["08:00", "09:00"]),
    ],
)
def test_it_gives_the_same_instant_in_every_client_and_time_zone(calendar, client, tmp_path, today, dates, instants):
    w = calendar
    # The school year is stretched to the autumn of 2027, so that its days with classes exist.
    year = SchoolYear.objects.get(etablissement=w.etablissement)
    year.end = dt.date(2027, 12, 18)
    year.save()
    services.school_calendar_build(school_year=year)
    made = [session(w, date) for date in dates]
    with time_machine.travel(dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC), tick=False):
        body = client.get(feed_url(client, w.teacher.user)).content
    host = uid_domain()
    expected = {
        f"session-{s.pk}@{host}": f"{date.isoformat()}T{instant}:00.000Z"
        for s, date, instant in zip(made, dates, instants, strict=True)
    }
    python = read_with_icalendar(body)
    assert {uid: python[uid] for uid in expected} == expected
    for zone in ZONES:
        read = read_with_node(body, tmp_path, zone)
        assert {uid: read["icaljs"][uid] for uid in expected} == expected, zone
        assert {uid: read["nodeical"][uid] for uid in expected} == expected, zone


def test_it_puts_work_due_as_an_all_day_event_with_subject_and_minutes(calendar, client, tmp_path):
    w = calendar
    HomeworkFactory(
        division=w.division,
        subject=w.subject,
        created_by=w.teacher,
        title="QCM chapitre 3",
        estimated_minutes=45,
        due_date=dt.date(2026, 12, 3),
    )
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False):
        body = client.get(feed_url(client, w.student.user)).content
    read = read_with_node(body, tmp_path, "America/Montreal")
    work = [uid for uid in read["icaljsAllDay"] if uid.startswith("homework-")]
    assert [read["icaljsAllDay"][uid] for uid in work] == [["2026-12-03", "2026-12-04"]]
    assert read["nodeicalAllDay"][work[0]] == "À rendre : Sciences économiques et sociales — QCM chapitre 3 (45 min)"


def test_it_shows_christmas_as_one_event_over_its_whole_span(calendar, client, tmp_path):
    with time_machine.travel(dt.datetime(2026, 12, 16, 12, tzinfo=dt.UTC), tick=False):
        body = client.get(feed_url(client, calendar.student.user)).content
    read = read_with_node(body, tmp_path, "Europe/Paris")
    holidays = {read["nodeicalAllDay"][uid]: read["icaljsAllDay"][uid] for uid in read["icaljsAllDay"]}
    # Saturday 19 December to Sunday 3 January included (classes again on Monday 4 January).
    assert holidays == {"Vacances de Noël": ["2026-12-19", "2027-01-04"]}


def test_it_answers_head_a_304_and_says_how_often_to_poll(world, client):
    url = feed_url(client, world.teacher.user)
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    body = first.content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body and "X-PUBLISHED-TTL:PT1H" in body
    assert "BEGIN:VTIMEZONE" in body and "TZID:Europe/Paris" in body
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert (again.status_code, again.content) == (304, b"")
    head = client.head(url)
    assert (head.status_code, head["ETag"], head.content) == (200, first["ETag"], b"")


def test_it_dates_the_feed_and_answers_if_modified_since(calendar, client):
    """Last-Modified alongside the ETag: a client that keeps only the date gets a 304 while nothing
    changed, and the whole feed as soon as a session changed, even within the same second."""
    from django.utils.http import http_date, parse_http_date

    item = session(calendar, dt.date(2026, 12, 1))
    url = feed_url(client, calendar.teacher.user)
    with time_machine.travel(dt.datetime(2026, 11, 30, 7, 0, 0, tzinfo=dt.UTC), tick=False):
        first = client.get(url)
        assert first.status_code == 200
        assert first["Last-Modified"] == "Mon, 30 Nov 2026 07:00:00 GMT"
        stamp = first["Last-Modified"]
    with time_machine.travel(dt.datetime(2026, 11, 30, 8, 0, 0, tzinfo=dt.UTC), tick=False):
        again = client.get(url, headers={"If-Modified-Since": stamp})
        assert (again.status_code, again.content) == (304, b"")
        assert (again["Last-Modified"], again["ETag"]) == (stamp, first["ETag"])  # the same bytes since 07:00
        assert client.head(url, headers={"If-Modified-Since": stamp}).status_code == 304
        older = http_date(parse_http_date(stamp) - 1)
        assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200
        # If-None-Match decides when both are sent (RFC 9110): another ETag is another feed.
        assert client.get(url, headers={"If-Modified-Since": stamp, "If-None-Match": '"autre"'}).status_code == 200

        item.notes = "Apporter le manuel."
        item.save()
        changed = client.get(url, headers={"If-Modified-Since": stamp})
        assert changed.status_code == 200 and "Apporter le manuel." in changed.content.decode()
        assert changed["ETag"] != first["ETag"]
        assert changed["Last-Modified"] == "Mon, 30 Nov 2026 08:00:00 GMT"

        item.notes = "Apporter le manuel et une calculatrice."
        item.save()
        same_second = client.get(url, headers={"If-Modified-Since": changed["Last-Modified"]})
        assert same_second.status_code == 200  # a change in the same second is not hidden
        assert parse_http_date(same_second["Last-Modified"]) > parse_http_date(changed["Last-Modified"])


@pytest.mark.django_db(transaction=True)
def test_a_real_http_client_polls_the_feed_by_its_date(calendar, live_server, tmp_path):
    """curl, as a calendar client keeping the file: -R dates the file by Last-Modified, -z asks
    If-Modified-Since that date."""
    if shutil.which("curl") is None:
        pytest.skip("curl introuvable : installez-le (paquet Debian curl) pour ce test.")
    session(calendar, dt.date(2026, 12, 1))
    url = live_server.url + feed_url(None, calendar.teacher.user)
    kept = tmp_path / "planning.ics"

    def poll() -> str:
        command = ["curl", "-s", "-R", "-o", str(kept), "-w", "%{http_code}", url]
        if kept.exists():
            command[1:1] = ["-z", str(kept)]
        return subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout

    assert poll() == "200" and b"BEGIN:VCALENDAR" in kept.read_bytes()
    assert poll() == "304"
    assert b"BEGIN:VCALENDAR" in kept.read_bytes()  # kept as it was


@pytest.mark.parametrize("role", ["cpe", "gestionnaire", "referent", "tutor"])
def test_it_keeps_the_link_and_notes_out_of_class_feeds_of_staff_who_do_not_teach(calendar, client, role):
    w = calendar
    session(w, dt.date(2026, 12, 1))
    HomeworkFactory(division=w.division, created_by=w.teacher, link="https://lycees.netocentre.fr/moodle/qcm")
    reader = getattr(w, role).user
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False):
        body = client.get(feed_url(client, reader, w.division)).content.decode()
        own = client.get(feed_url(client, w.teacher.user, w.division)).content.decode()
    unfolded = body.replace("\r\n ", "")
    assert "SES" in unfolded or "Sciences" in unfolded
    assert "netocentre.fr" not in unfolded and "Relire le chapitre 3" not in unfolded
    own = own.replace("\r\n ", "")
    assert "https://classe.netocentre.fr/ses" in own and "Relire le chapitre 3" in own


def test_it_gives_guardians_the_link_only_if_the_school_allows_it(calendar, client):
    w = calendar
    session(w, dt.date(2026, 12, 1))
    with time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False):
        url = feed_url(client, w.guardian.user)
        assert "classe.netocentre.fr" not in client.get(url).content.decode().replace("\r\n ", "")
        client.force_login(w.guardian.user)
        page = client.get(reverse("planning:my_week") + "?semaine=2026-11-30").content.decode()
        assert "classe.netocentre.fr" not in page
        PlanningSettings.objects.update_or_create(etablissement=w.etablissement, defaults={"links_for_guardians": True})
        assert "https://classe.netocentre.fr/ses" in client.get(url).content.decode().replace("\r\n ", "")
        page = client.get(reverse("planning:my_week") + "?semaine=2026-11-30").content.decode()
        assert "https://classe.netocentre.fr/ses" in page


def test_it_installs_the_calendar_clients_from_the_npm_registry_only():
    lock = json.loads((Path(settings.BASE_DIR) / "package-lock.json").read_text())
    packages = lock["packages"]
    assert {"node_modules/ical.js", "node_modules/node-ical"} <= set(packages)
    for name, entry in packages.items():
        resolved = entry.get("resolved")
        assert resolved is None or resolved.startswith("https://registry.npmjs.org/"), name
