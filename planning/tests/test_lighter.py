"""Lighter days: never in the past, never today nor the day the work is given, the next week too."""

import datetime as dt
import html

import pytest
import time_machine
from django.urls import reverse

from continuite.ecole.models import Student
from planning.lighter import lighter_days
from planning.models import HomeworkKind
from planning.services import planning_settings_get
from planning.tests.factories import HomeworkFactory
from planning.workload import Thresholds

MONDAY = dt.date(2026, 11, 30)
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)

pytestmark = pytest.mark.django_db


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


def _lighter(w, *, due, given_on, today, minutes=45, is_assessment=False):
    # The school's defaults: 120 min of work a day, 480 a week, 1 évaluation a day, 3 a week.
    return [
        c.day.date
        for c in lighter_days(
            etablissement_id=w.etablissement.pk,
            students=Student.objects.current().filter(division=w.division),
            due_date=due,
            given_on=given_on,
            today=today,
            minutes=minutes,
            is_assessment=is_assessment,
            thresholds=Thresholds.of(planning_settings_get(etablissement=w.etablissement)),
        )
    ]


def _work(w, due: dt.date, minutes: int, kind=HomeworkKind.EXERCISE):
    HomeworkFactory(
        division=w.division, created_by=w.tutor, given_on=MONDAY, due_date=due, estimated_minutes=minutes, kind=kind
    )


def test_it_never_proposes_today_the_day_the_work_is_given(calendar):
    w = calendar
    _work(w, day(1), 100)  # Tuesday is heavy; Monday (today) is empty
    assert _lighter(w, due=day(1), given_on=MONDAY, today=MONDAY) == [day(2), day(3)]


def test_it_never_proposes_a_day_before_the_work_is_given(calendar):
    w = calendar
    _work(w, day(4), 100)
    # Given on Wednesday for Friday: Thursday only is left this week; the next Monday is as light.
    assert _lighter(w, due=day(4), given_on=day(2), today=MONDAY) == [day(3), NEXT_MONDAY]


def test_it_never_proposes_the_past_and_looks_into_the_next_week(calendar):
    w = calendar
    with time_machine.travel(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC), tick=False):  # Thursday
        _work(w, day(4), 100)  # Friday, the last day of the week, is heavy
        assert _lighter(w, due=day(4), given_on=MONDAY, today=day(3)) == [NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(1)]


def test_it_proposes_in_the_next_week_only_under_its_weekly_limit(calendar):
    w = calendar
    _work(w, day(3), 100)
    _work(w, day(4), 100)
    for n in range(4):  # next week: 4 × 110 = 440 min; 45 more would pass the 480 of the week, 20 would not
        _work(w, NEXT_MONDAY + dt.timedelta(days=n), 110)
    assert _lighter(w, due=day(4), given_on=day(2), today=day(2)) == []
    assert _lighter(w, due=day(4), given_on=day(2), today=day(2), minutes=20) == [
        NEXT_MONDAY + dt.timedelta(days=4),
        day(3),
    ]


def test_it_proposes_for_an_evaluation_only_days_without_one(calendar):
    w = calendar
    _work(w, day(2), 30, kind=HomeworkKind.ASSESSMENT)
    _work(w, day(3), 100)
    assert _lighter(w, due=day(3), given_on=MONDAY, today=MONDAY, is_assessment=True) == [day(1), day(4)]


def test_it_reads_two_queries_whatever_the_audience(calendar, django_assert_num_queries):
    w = calendar
    _work(w, day(1), 100)
    thresholds = Thresholds.of(planning_settings_get(etablissement=w.etablissement))
    with django_assert_num_queries(2):
        # 1. the school days of the two weeks, 2. the students' loads over them (one aggregate)
        lighter_days(
            etablissement_id=w.etablissement.pk,
            students=Student.objects.current().filter(division=w.division),
            due_date=day(1),
            given_on=MONDAY,
            today=MONDAY,
            minutes=45,
            is_assessment=False,
            thresholds=thresholds,
        )


def test_it_shows_in_the_gauge_lighter_days_after_the_day_the_work_is_given(calendar, client):
    w = calendar
    _work(w, day(1), 100)
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(w.teacher.user)
        url = reverse("planning:gauge") + f"?pour=d{w.division.pk}&date=2026-12-01&kind=exercice&minutes=45"
        response = client.get(url + "&donne=2026-12-02")
    text = " ".join(html.unescape(response.text).split())
    assert "Jours plus légers :" in text
    assert "après aujourd'hui et après le jour où le travail est donné, cette semaine ou la suivante" in text
    # Given on Wednesday: Thursday and Friday of this week, never Monday (today) nor Wednesday.
    assert 'data-pick-date="2026-12-03"' in text and 'data-pick-date="2026-12-04"' in text
    assert 'data-pick-date="2026-11-30"' not in text and 'data-pick-date="2026-12-02"' not in text
