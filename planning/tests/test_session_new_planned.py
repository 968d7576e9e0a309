"""« Nouvelle séance » on the hour of a session already planned refuses and links to it: nothing is overwritten."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from planning import services
from planning.models import Modality, Session
from planning.tests.factories import SlotFactory

MONDAY = dt.date(2026, 11, 30)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("&#x27;", "'")


@pytest.fixture(autouse=True)
def sunday_evening():
    with time_machine.travel(dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_it_refuses_a_new_session_over_a_planned_one_and_links_to_it(calendar, client):
    w = calendar
    slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    planned = services.session_plan(
        slot=slot, date=MONDAY, modality=Modality.VISIO, by=w.teacher, link="https://classe.netocentre.fr/ses"
    )
    client.force_login(w.teacher.user)
    data = {
        "audience": f"d{w.division.pk}",
        "subject": w.subject.pk,
        "date": MONDAY.isoformat(),
        "start": f"{slot.start:%H:%M}",
        "end": f"{slot.end:%H:%M}",
        "modality": "visio",
        "link": "https://classe.netocentre.fr/autre",
    }
    response = client.post(reverse("planning:session_new"), data)
    assert response.status_code == 200
    page = text(response)
    assert f"Vous avez déjà cours avec {w.division} à ce moment-là : {w.subject}, lundi 30 novembre" in page
    assert "modifiez cette séance" in page and "Modifier la séance déjà prévue" in page
    assert f'href="{planned.get_absolute_url()}"' in response.content.decode()
    assert Session.objects.get().link == "https://classe.netocentre.fr/ses"
