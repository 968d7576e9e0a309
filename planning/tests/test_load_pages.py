"""The form tutor's heat map and the direction's table: what is over says which rule, and only that is red."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from continuite.ecole.tests.factories import StudentFactory
from planning import services
from planning.models import HomeworkKind, Modality, RemoteMode
from planning.tests.factories import HomeworkFactory, SessionFactory

MONDAY = dt.date(2026, 11, 30)
TUESDAY = MONDAY + dt.timedelta(days=1)
WEEK = f"?semaine={MONDAY.isoformat()}"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def heat_map(client, w):
    client.force_login(w.tutor.user)
    return client.get(reverse("planning:division_load", args=[w.division.pk]) + WEEK).text


def test_it_reds_only_the_exceeded_metric_and_names_its_rule(calendar, client):
    w = calendar
    HomeworkFactory(division=w.division, due_date=TUESDAY, estimated_minutes=150)
    page = heat_map(client, w)
    assert (
        '<td class="planning-heat-over">150 min<span class="d-block small">'
        "au-dessus du seuil (travail à faire : plus de 120 min par jour)</span></td>"
    ) in page
    assert page.count('small">au-dessus du seuil (') == 1  # not the 0 min of video that Tuesday
    assert '<td class="planning-heat-none">0 min</td>' in page
    assert "<li>mardi 1er décembre : 150 min — travail à faire : plus de 120 min par jour</li>" in page


def test_it_flags_the_weekly_total_over_its_threshold(calendar, client):
    w = calendar
    for day in range(5):  # 100 min a day: under the daily 120, 500 over the weekly 480
        HomeworkFactory(division=w.division, due_date=MONDAY + dt.timedelta(days=day), estimated_minutes=100)
    page = heat_map(client, w)
    assert (
        '<td class="planning-heat-over">500 min<span class="d-block small">'
        "au-dessus du seuil (travail à faire : plus de 480 min par semaine)</span></td>"
    ) in page
    assert "<li>sur la semaine : 500 min — travail à faire : plus de 480 min par semaine</li>" in page


def test_it_flags_the_video_share_of_the_students_remote_hours_past_the_minimum(calendar, client):
    w = calendar
    for day in range(2):  # 8 h of classe virtuelle, nothing else at a distance
        SessionFactory(division=w.division, date=MONDAY + dt.timedelta(days=day), start=dt.time(8), end=dt.time(12))
    page = heat_map(client, w)
    assert "Part de classe virtuelle dans les heures à distance des élèves : 100 % (seuil 50 %)." in page
    assert "Au-dessus du seuil (classe virtuelle : plus de 50 % des heures à distance de la semaine)." in page
    assert "qu&#x27;à partir de 6 h à distance dans la semaine" in page


def test_it_does_not_compare_the_share_of_one_remote_hour(calendar, client):
    w = calendar
    SessionFactory(division=w.division, date=MONDAY)
    page = heat_map(client, w)
    assert "des élèves : 100 % (seuil 50 %)." in page
    assert "Non comparée au seuil : trop peu d'heures à distance." in page
    assert "Cette semaine reste sous les seuils" in page


def test_it_averages_the_share_over_the_students_remote_hours(calendar, client):
    w = calendar
    # Léa: 6 h of classe virtuelle; a classmate of the half B: the same, plus 6 h of autonomous work.
    classmate = StudentFactory(division=w.division)
    classmate.groups.set([w.half_b])
    for day in range(3):
        SessionFactory(division=w.division, date=MONDAY + dt.timedelta(days=day), start=dt.time(8), end=dt.time(10))
        SessionFactory(
            group=w.half_b,
            date=MONDAY + dt.timedelta(days=day),
            start=dt.time(14),
            end=dt.time(16),
            modality="async_distance",
        )
    page = heat_map(client, w)
    assert "des élèves : 67 % (seuil 50 %)." in page  # 720 video / 1080 remote, not Léa's 100 %


def test_it_names_the_exceeded_rules_in_the_directions_table(calendar, client):
    w = calendar
    HomeworkFactory(division=w.division, due_date=TUESDAY, estimated_minutes=150)
    client.force_login(w.direction.user)
    page = client.get(reverse("planning:school_load") + WEEK).text
    assert "<li>travail à faire : plus de 120 min par jour (mardi 1er décembre : 150 min)</li>" in page


def test_it_shows_each_week_of_the_directions_table_with_its_own_figures(calendar, client):
    w = calendar
    next_monday = MONDAY + dt.timedelta(days=7)
    classmate = StudentFactory(division=w.division)  # half B: at a distance when half A is in the room
    classmate.groups.set([w.half_b])
    # This week: 2 h of hybrid class in 1G3 (Léa's half A in the room, the half B live at a distance),
    # 40 min of work for the spécialité (1G3 and 1G4).
    SessionFactory(
        division=w.division,
        date=MONDAY,
        start=dt.time(8),
        end=dt.time(10),
        modality=Modality.HYBRIDE,
        hybrid_room_half="A",
        hybrid_remote_mode=RemoteMode.LIVE,
    )
    HomeworkFactory(group=w.spe_group, due_date=TUESDAY, estimated_minutes=40)
    # Next week: 1 h of classe virtuelle in 1G3, a 45 min évaluation for the spécialité.
    SessionFactory(division=w.division, date=next_monday, start=dt.time(14), end=dt.time(15))
    HomeworkFactory(
        group=w.spe_group,
        due_date=next_monday + dt.timedelta(days=1),
        estimated_minutes=45,
        kind=HomeworkKind.ASSESSMENT,
    )
    client.force_login(w.direction.user)
    page = client.get(reverse("planning:school_load") + WEEK).content.decode()
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#x27;", "'")
    rows = re.findall(r"(1G\d) (\d+) min (\d+) min (\d+) (—|\d+ %)", page)
    assert rows == [
        # this week: video, work, évaluations, share of video in the remote hours
        ("1G3", "120", "40", "0", "100 %"),
        ("1G4", "0", "40", "0", "—"),
        # next week
        ("1G3", "60", "45", "1", "100 %"),
        ("1G4", "0", "45", "1", "—"),
    ]
    assert page.index("Semaine 49") < page.index("Semaine 50")


@pytest.mark.parametrize("extra", [0, 4], ids=["small", "bigger"])
def test_it_renders_the_heat_map_with_a_fixed_number_of_queries(calendar, client, django_assert_num_queries, extra):
    w = calendar
    services.planning_settings_get(etablissement=w.etablissement)
    for i in range(1 + extra):
        StudentFactory(division=w.division).groups.set([w.spe_group, w.half_b])
        HomeworkFactory(division=w.division, created_by=w.teacher, due_date=TUESDAY, estimated_minutes=50)
        SessionFactory(group=w.spe_group, teachers=[w.teacher], date=MONDAY + dt.timedelta(days=i % 5))
    client.force_login(w.tutor.user)
    with django_assert_num_queries(13):
        # 1 session, 2 user (with the divisions he tutors), 3 the division, 4 thresholds, 5 school days,
        # 6 the students' loads (one query), 7 memberships, 8 teachers' work, 9 teachers' sessions,
        # 10 the week's work listed, 11-13 the session's save
        response = client.get(reverse("planning:division_load", args=[w.division.pk]) + WEEK)
    assert "Charge de la 1G3" in response.text
    with django_assert_num_queries(3):  # the map from the cache: session, user, the division (gate)
        again = client.get(reverse("planning:division_load", args=[w.division.pk]) + WEEK)
    assert again.text == response.text


@pytest.mark.parametrize("extra", [0, 4], ids=["small", "bigger"])
def test_it_renders_the_school_table_with_a_fixed_number_of_queries(calendar, client, django_assert_num_queries, extra):
    w = calendar
    services.planning_settings_get(etablissement=w.etablissement)
    for _i in range(1 + extra):
        StudentFactory(division=w.division2).groups.set([w.spe_group])
        HomeworkFactory(group=w.spe_group, created_by=w.teacher, due_date=TUESDAY, estimated_minutes=150)
    client.force_login(w.direction.user)
    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 thresholds, 4 divisions, 5 the two weeks' days,
        # 6 the two weeks' loads (one aggregate), 7-9 the session's save
        response = client.get(reverse("planning:school_load") + WEEK)
    assert "1G4" in response.text
