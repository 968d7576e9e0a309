"""Pages: content, pinned query counts that do not grow with the data, feeds and exports."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from continuite.ecole.tests.factories import StudentFactory
from planning import services
from planning.models import HomeworkDone, Modality, RemoteMode
from planning.tests.factories import HomeworkFactory, SessionFactory, SlotFactory

MONDAY = dt.date(2026, 11, 30)
WEEK = f"?semaine={MONDAY.isoformat()}"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def timetable(w, extra: int = 0):
    """The teacher's slots, an override, a session outside the timetable and homework; ``extra`` more of each."""
    services.planning_settings_get(etablissement=w.etablissement)
    for i in range(1 + extra):
        slot = SlotFactory(
            division=w.division,
            subject=w.subject,
            teachers=[w.teacher],
            weekday=i % 5,
            start=dt.time(8 + i % 8),
            end=dt.time(9 + i % 8),
        )
        SlotFactory(group=w.spe_group, subject=w.subject, teachers=[w.teacher], weekday=(i + 1) % 5)
        SessionFactory(
            slot=slot,
            division=w.division,
            subject=w.subject,
            teachers=[w.teacher],
            date=MONDAY + dt.timedelta(i % 5),
            start=slot.start,
            end=slot.end,
            link=f"https://visio.netocentre.fr/b/{i}",
        )
        # a link the policy refuses now (saved before the rule): each link is checked in memory
        SessionFactory(
            division=w.division,
            subject=w.subject,
            teachers=[w.teacher],
            date=MONDAY + dt.timedelta(days=3),
            link="https://discord.gg/x",
        )
        HomeworkFactory(
            division=w.division,
            created_by=w.teacher,
            due_date=MONDAY + dt.timedelta(days=1),
            link=f"https://lycees.netocentre.fr/moodle/{i}",
        )
        StudentFactory(division=w.division).groups.set([w.spe_group, w.half_b])


@pytest.mark.parametrize("extra", [0, 4], ids=["small", "bigger"])
def test_it_renders_the_teacher_week_with_a_fixed_number_of_queries(calendar, client, django_assert_num_queries, extra):
    timetable(calendar, extra)
    client.force_login(calendar.teacher.user)
    with django_assert_num_queries(11):
        # 1 session, 2 user (with his profiles, roles and unread notifications), 3 school days,
        # 4 his slots, 5 sessions naming him, 6 the week's sessions, 7 the work he gives,
        # 8 the link policy (the school's catalogue with its allowed domains, once for all the links),
        # 9-11 the session's save (savepoint, update, release)
        response = client.get(reverse("planning:week") + WEEK)
    assert response.status_code == 200
    assert "hors emploi du temps" in response.text
    assert "Classe virtuelle" in response.text
    with django_assert_num_queries(2):  # the week from the cache: session, user
        client.get(reverse("planning:week") + WEEK)


@pytest.mark.parametrize("extra,over", [(0, False), (4, True), (12, True)], ids=["small", "bigger", "biggest"])
def test_it_answers_the_gauge_with_a_fixed_number_of_queries(calendar, client, django_assert_num_queries, extra, over):
    timetable(calendar, extra)
    client.force_login(calendar.teacher.user)
    url = reverse("planning:gauge") + f"?pour=d{calendar.division.pk}&date=2026-12-01&minutes=30&kind=exercice"
    with django_assert_num_queries(14 if over else 12):
        # 1 session, 2 user (roles, unread notifications), 3 the audience, 4 school days, 5 thresholds,
        # 6 the students' loads (one query), 7 their divisions and groups, 8 other teachers' work,
        # 9 their sessions, 10-12 the session's save; over the daily limit, the lighter days:
        # 13 the school days of two weeks, 14 the students' loads over them
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_num_queries(2):  # the same gauge again, from the cache: session, user
        assert client.get(url).content == response.content


def test_it_turns_the_gauge_and_proposes_lighter_days_over_the_threshold(calendar, client):
    w = calendar
    HomeworkFactory(group=w.spe_group, created_by=w.tutor, due_date=MONDAY + dt.timedelta(days=1), estimated_minutes=90)
    client.force_login(w.teacher.user)
    base = reverse("planning:gauge") + f"?pour=d{w.division.pk}&date=2026-12-01&kind=exercice"
    light = client.get(base + "&minutes=20")
    assert 'data-state="ok"' in light.text and "110 min" in light.text
    heavy = client.get(base + "&minutes=45")
    assert 'data-state="over"' in heavy.text and "135 min" in heavy.text
    assert 'data-pick-date="2026-12-02"' in heavy.text  # Wednesday is free
    assert 'data-pick-date="2026-11-30"' not in heavy.text  # today, the day the work is given
    assert "Travail 0" in heavy.text or "90 min" in heavy.text  # the other teacher's work is listed


def test_the_gauge_says_a_day_without_class_is_not_one(calendar, client):
    client.force_login(calendar.teacher.user)
    url = reverse("planning:gauge") + f"?pour=d{calendar.division.pk}&date=2026-12-06&minutes=20&kind=exercice"
    page = client.get(url).text
    assert 'data-state="no-class"' in page and 'data-state="ok"' not in page
    assert "Le dimanche 6 décembre n'est pas un jour de classe" in " ".join(page.split())


def test_it_counts_only_the_remote_half_in_the_gauge_of_a_hybrid_session(calendar, client):
    w = calendar
    StudentFactory(division=w.division).groups.set([w.half_b])
    client.force_login(w.teacher.user)
    url = reverse("planning:gauge") + f"?pour=d{w.division.pk}&date=2026-11-30&video=300&distance=B"
    response = client.get(url)
    assert "300 min" in response.text and 'data-state="over"' in response.text


def test_it_shows_a_student_his_week_with_links_and_lets_him_tick_work(calendar, client):
    w = calendar
    SessionFactory(
        division=w.division, subject=w.subject, modality=Modality.VISIO, link="https://classe.netocentre.fr/ses"
    )
    homework = HomeworkFactory(group=w.half_a, created_by=w.teacher, title="Lire le chapitre 3", due_date=MONDAY)
    client.force_login(w.student.user)
    page = client.get(reverse("planning:my_week") + WEEK)
    assert "https://classe.netocentre.fr/ses" in page.text and "Lire le chapitre 3" in page.text
    assert "La classe virtuelle n'est ni filmée ni enregistrée." in page.text.replace("&#x27;", "'")
    response = client.post(reverse("planning:homework_done", args=[homework.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"#travail-{homework.pk}")
    assert HomeworkDone.objects.filter(homework=homework, student=w.student).exists()
    week = client.get(response["Location"]).text
    assert "Travail noté comme fait" in week and f'id="travail-{homework.pk}"' in week


def test_it_hides_another_divisions_session_from_a_student(calendar, client):
    w = calendar
    SessionFactory(division=w.division2, subject=w.subject, link="https://classe.netocentre.fr/secret")
    client.force_login(w.student.user)
    assert "secret" not in client.get(reverse("planning:my_week") + WEEK).text


@pytest.mark.parametrize("extra", [0, 3], ids=["small", "bigger"])
def test_it_renders_the_student_week_with_a_fixed_number_of_queries(calendar, client, django_assert_num_queries, extra):
    timetable(calendar, extra)
    client.force_login(calendar.student.user)
    with django_assert_num_queries(13):
        # 1 session, 2 user (with his profiles and unread notifications), 3 school days, 4 his groups,
        # 5 slots, 6 sessions, 7 work due with "done", 8 his half-group, 9 his own load,
        # 10 the link policy (the school's catalogue with its allowed domains, once for all the links),
        # 11-13 the session's save
        response = client.get(reverse("planning:my_week") + WEEK)
    assert response.status_code == 200
    with django_assert_num_queries(2):  # the week from the cache: session, user
        client.get(reverse("planning:my_week") + WEEK)


def test_it_shows_the_tutor_the_heat_map_with_the_overloaded_day(calendar, client):
    w = calendar
    HomeworkFactory(
        division=w.division, created_by=w.teacher, due_date=MONDAY + dt.timedelta(days=1), estimated_minutes=150
    )
    client.force_login(w.tutor.user)
    response = client.get(reverse("planning:division_load", args=[w.division.pk]) + WEEK)
    assert response.status_code == 200
    assert "au-dessus du seuil" in response.text and "150 min" in response.text
    assert "Claire MARTIN" in response.text  # the teacher's share


def test_it_lists_the_divisions_over_threshold_to_the_direction(calendar, client):
    w = calendar
    SessionFactory(division=w.division2, subject=w.subject, start=dt.time(8), end=dt.time(13), date=MONDAY)
    client.force_login(w.direction.user)
    response = client.get(reverse("planning:school_load") + WEEK)
    assert (
        "1 division au-dessus d&#x27;un seuil." in response.text or "1 division au-dessus d'un seuil." in response.text
    )
    csv = client.get(reverse("planning:school_load_csv") + WEEK)
    assert "1G4;300;0;0;100;classe virtuelle : plus de 240 min par jour" in csv.content.decode()


def test_it_lets_the_direction_change_the_thresholds(calendar, client):
    client.force_login(calendar.direction.user)
    data = {
        "max_video_minutes_per_day": 180,
        "max_async_minutes_per_day": 90,
        "max_assessments_per_day": 1,
        "max_video_minutes_per_week": 600,
        "max_async_minutes_per_week": 400,
        "max_assessments_per_week": 2,
        "max_video_share_percent": 40,
        "min_remote_minutes_for_share": 300,
        "class_weekdays": ["0", "1", "2", "3", "4"],
    }
    assert client.post(reverse("planning:thresholds"), data).status_code == 302
    assert calendar.etablissement.planning_settings.max_async_minutes_per_day == 90


def test_it_serves_an_icalendar_feed_that_parses(calendar, client):
    w = calendar
    slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    services.session_plan(slot=slot, date=MONDAY, modality=Modality.CANCELLED)
    services.session_plan(
        slot=slot,
        date=MONDAY + dt.timedelta(days=7),
        modality=Modality.HYBRIDE,
        hybrid_room_half="A",
        hybrid_remote_mode=RemoteMode.LIVE,
        link="https://classe.netocentre.fr/h",
    )
    token = services.calendar_feed_get(user=w.student.user).token
    response = client.get(reverse("planning:ical_feed", args=[token]))
    cal = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    cancelled = events[f"slot-{slot.pk}-2026-11-30@127.0.0.1"]
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled.decoded("dtstart").tzinfo.key == "Europe/Paris"
    hybrid = events[f"slot-{slot.pk}-2026-12-07@127.0.0.1"]
    assert "https://classe.netocentre.fr/h" in str(hybrid["description"])
    holidays = [e for e in events.values() if str(e["uid"]).startswith("holiday-")]
    assert any("Noël" in str(e["summary"]) for e in holidays)


def test_it_revokes_the_old_calendar_link(calendar, client):
    w = calendar
    old = services.calendar_feed_get(user=w.teacher.user).token
    client.force_login(w.teacher.user)
    client.post(reverse("planning:calendar_renew"))
    client.logout()
    assert client.get(reverse("planning:ical_feed", args=[old])).status_code == 404


def test_it_plans_a_slot_occurrence_from_the_form(calendar, client):
    w = calendar
    slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    client.force_login(w.teacher.user)
    url = reverse("planning:slot_occurrence", args=[slot.pk, "2026-11-30"])
    response = client.post(url, {"modality": "hybride", "hybrid_room_half": "A", "hybrid_remote_mode": "live"})
    assert response.status_code == 302
    assert slot.sessions.get().modality == "hybride"


def test_it_names_the_students_of_the_audience_on_paper_copies(calendar, client):
    from equipement.tests.factories import DecidedNeedFactory

    w = calendar
    homework = HomeworkFactory(division=w.division, created_by=w.teacher, hand_in_mode="papier")
    for student in (w.student, w.student2):
        DecidedNeedFactory(student=student, decision="papier", declared_at=timezone.now() - dt.timedelta(days=3))
    client.force_login(w.teacher.user)
    response = client.get(reverse("planning:homework_edit", args=[homework.pk]))
    assert "1 élève sans équipement à la maison" in response.text  # Léa only: Hugo is not in 1G3
    assert f"<strong>{w.student.full_name}</strong> : sans ordinateur — copies papier" in response.text
    assert w.student2.full_name not in response.text
