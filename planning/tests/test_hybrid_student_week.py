"""In a hybrid session the student reads what to do: follow live with the link, or work alone; the room
when in class; and that the virtual class is not recorded (the instruction is the teacher's)."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from planning import services
from planning.models import Modality, RemoteMode
from planning.tests.factories import SlotFactory

MONDAY = dt.date(2026, 11, 30)
WEEK = f"?semaine={MONDAY.isoformat()}"
NOT_FILMED = "La classe virtuelle n'est ni filmée ni enregistrée."
DO_NOT_FILM = "Ne pas filmer ni enregistrer la classe virtuelle (droit à l'image)."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC), tick=False):
        yield


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("&#x27;", "'")


def _hybrid(w, *, room_half, mode, link="", slot=None):
    slot = slot or SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0, room="B12")
    services.session_plan(
        slot=slot,
        date=MONDAY,
        modality=Modality.HYBRIDE,
        hybrid_room_half=room_half,
        hybrid_remote_mode=mode,
        link=link,
        by=w.teacher,
    )
    return slot


def test_it_gives_the_remote_half_the_link_to_follow_live(calendar, client):
    w = calendar  # Léa is in half-group A
    _hybrid(w, room_half="B", mode=RemoteMode.LIVE, link="https://classe.netocentre.fr/ses")
    client.force_login(w.student.user)
    response = client.get(reverse("planning:my_week") + WEEK)
    page = text(response)
    assert "Vous : à distance" in page and "Vous suivez le cours en direct (visio)." in page
    assert 'href="https://classe.netocentre.fr/ses"' in response.content.decode()
    assert NOT_FILMED in page and DO_NOT_FILM not in page and "Enregistrer" not in page


def test_it_says_the_link_is_to_come_or_that_the_remote_half_works_alone(calendar, client):
    w = calendar
    slot = _hybrid(w, room_half="B", mode=RemoteMode.LIVE)
    client.force_login(w.student.user)
    assert "Lien à venir : votre professeur le donnera." in text(client.get(reverse("planning:my_week") + WEEK))
    _hybrid(w, room_half="B", mode=RemoteMode.AUTONOMY, slot=slot)
    page = text(client.get(reverse("planning:my_week") + WEEK))
    assert "Vous travaillez en autonomie (consignes de votre professeur)." in page
    assert "Lien à venir" not in page
    assert NOT_FILMED not in page  # there is no video class to record


def test_it_gives_the_room_to_the_half_in_class(calendar, client):
    w = calendar
    _hybrid(w, room_half="A", mode=RemoteMode.LIVE, link="https://classe.netocentre.fr/ses")
    client.force_login(w.student.user)
    response = client.get(reverse("planning:my_week") + WEEK)
    page = text(response)
    assert "Vous : en classe" in page and "Salle B12" in page
    assert "https://classe.netocentre.fr/ses" not in response.content.decode()


def test_it_keeps_the_instruction_not_to_record_for_the_teacher(calendar, client):
    w = calendar
    _hybrid(w, room_half="A", mode=RemoteMode.LIVE, link="https://classe.netocentre.fr/ses")
    client.force_login(w.teacher.user)
    page = text(client.get(reverse("planning:week") + WEEK))
    assert DO_NOT_FILM in page and NOT_FILMED not in page and "Ne pas enregistrer." not in page


def test_it_says_not_to_film_under_the_link_rather_than_not_to_save(world):
    from planning.forms import ModalityForm

    for form in (ModalityForm(), ModalityForm(etablissement=world.etablissement)):
        help_text = str(form.fields["link"].help_text)
        assert help_text.endswith(DO_NOT_FILM) and "Ne pas enregistrer" not in help_text
