"""Two plans of one slot occurrence at the same moment (two tabs, the teacher and the direction):
one session, the second plan applied to it, no duplicate key and no 500."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from continuite.ecole.models import SchoolYear
from planning import services
from planning.models import Session
from planning.tests.factories import SlotFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once: PostgreSQL"),
]


def test_it_keeps_one_session_when_two_plans_of_an_occurrence_arrive_together(world):
    services.school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    slot = SlotFactory(division=world.division, subject=world.subject, teachers=[world.teacher], weekday=0)
    day = dt.date(2026, 11, 30)
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def plan(modality):
        try:
            barrier.wait(timeout=10)
            services.session_plan(slot=slot, date=day, modality=modality, by=world.teacher)
        except Exception as exc:  # the point: nothing at all may escape
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=plan, args=(m,)) for m in ("async_distance", "async_distance")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Session.objects.filter(slot=slot, date=day).count() == 1
