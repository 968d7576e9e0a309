"""The teacher's home says how many past registers are still to take, with a link to them."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from planning.models import Modality
from planning.tests.factories import SessionFactory
from planning.tests.test_home import text
from suivi.tests.factories import RegisterFactory

pytestmark = pytest.mark.django_db


def test_it_tells_the_teacher_of_past_registers_to_take(calendar, client):
    w = calendar
    for day in (23, 24, 25):
        SessionFactory(
            division=w.division,
            subject=w.subject,
            date=dt.date(2026, 11, day),
            modality=Modality.VISIO,
            teachers=[w.teacher],
        )
    taken = SessionFactory(
        division=w.division,
        subject=w.subject,
        date=dt.date(2026, 11, 26),
        modality=Modality.VISIO,
        teachers=[w.teacher],
    )
    RegisterFactory(session=taken, taken_by=w.teacher)
    client.force_login(w.teacher.user)
    with time_machine.travel(dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC), tick=False):
        response = client.get(reverse("home"))
    page = text(response)
    assert "3 appels de classes virtuelles ou de séances hybrides passées restent à faire. Mes appels" in page
    assert f'href="{reverse("suivi:register_list")}"' in response.content.decode()
