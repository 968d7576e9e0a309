"""The direction's timetable pages: change or remove a slot from a date, conflicts, days with classes."""

import datetime as dt
import html

import pytest
import time_machine
from django.urls import reverse

from continuite.ecole.tests.factories import StaffFactory
from planning import services
from planning.models import Modality, Session, TimetableSlot
from planning.tests.factories import SlotFactory

MONDAY = dt.date(2026, 11, 30)
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def _text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def _form(slot, **values) -> dict:
    data = {
        "audience": f"d{slot.division_id}",
        "subject": slot.subject_id,
        "teachers": [t.pk for t in slot.teachers.all()],
        "weekday": slot.weekday,
        "start": slot.start.strftime("%H:%M"),
        "end": slot.end.strftime("%H:%M"),
        "week_pattern": slot.week_pattern,
        "room": slot.room,
        "from_date": NEXT_MONDAY.isoformat(),
    }
    data.update(values)
    return data


def test_it_tells_the_direction_of_a_conflict_naming_both_slots_then_saves_when_confirmed(calendar, client):
    w = calendar
    other = StaffFactory(etablissement=w.etablissement, is_teacher=True, first_name="Paul", last_name="ROY")
    slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0, room="B104")
    SlotFactory(division=w.division2, subject=w.subject, teachers=[other], weekday=1, room="B104")
    client.force_login(w.direction.user)
    url = reverse("planning:slot_edit", kwargs={"pk": slot.pk})

    page = client.get(url)
    assert "Créneau actuel : lundi 08:00–09:00, 1G3, Sciences économiques et sociales, Claire MARTIN, salle B104" in (
        _text(page)
    )

    response = client.post(url, _form(slot, weekday=1))
    text = _text(response)
    assert response.status_code == 200
    assert (
        "Conflit : le créneau « mardi 08:00–09:00, 1G3, Sciences économiques et sociales, Claire MARTIN, salle B104 » "
        "et le créneau « mardi 08:00–09:00, 1G4, Sciences économiques et sociales, Paul ROY, salle B104 » "
        "ont lieu en même temps avec la même salle (B104)."
    ) in text
    assert "Confirmer malgré le conflit" in text
    assert TimetableSlot.objects.count() == 2  # nothing written

    response = client.post(url, _form(slot, weekday=1, confirm_conflicts="1"), follow=True)
    assert "Créneau modifié à partir du lundi 7 décembre 2026" in _text(response)
    slot.refresh_from_db()
    assert slot.valid_until == NEXT_MONDAY - dt.timedelta(days=1)
    assert TimetableSlot.objects.filter(valid_from=NEXT_MONDAY, weekday=1, room="B104").exists()


def test_it_saves_a_change_that_moves_out_of_the_conflict(calendar, client):
    w = calendar
    other = StaffFactory(etablissement=w.etablissement, is_teacher=True)
    slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0, room="B104")
    SlotFactory(division=w.division2, subject=w.subject, teachers=[other], weekday=1, room="B104")
    client.force_login(w.direction.user)
    url = reverse("planning:slot_edit", kwargs={"pk": slot.pk})
    assert client.post(url, _form(slot, weekday=1)).status_code == 200
    response = client.post(url, _form(slot, weekday=1, room="C12"))
    assert response.status_code == 302
    assert TimetableSlot.objects.filter(valid_from=NEXT_MONDAY, weekday=1, room="C12").exists()


def test_it_lists_the_planned_sessions_to_decide_when_a_slot_moves(calendar, client):
    w = calendar
    slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    session = services.session_plan(slot=slot, date=NEXT_MONDAY, modality=Modality.VISIO)
    client.force_login(w.direction.user)
    url = reverse("planning:slot_edit", kwargs={"pk": slot.pk})
    text = _text(client.post(url, _form(slot, weekday=3)))
    assert "1 séance planifiée sur ce créneau" in text
    assert "lundi 7 décembre 08:00–09:00, 1G3, Sciences économiques et sociales : Classe virtuelle" in text
    assert "la garder sur le créneau modifié, le jeudi 10 décembre 2026" in text
    assert "Décidez si la séance planifiée listée est gardée ou annulée." in text
    response = client.post(url, _form(slot, weekday=3, **{f"decision_{session.pk}": "keep"}))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.date == dt.date(2026, 12, 10) and session.modality == Modality.VISIO


def test_it_lists_the_future_planned_sessions_before_removing_a_slot(calendar, client):
    w = calendar
    slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    past = services.session_plan(slot=slot, date=MONDAY - dt.timedelta(days=7), modality=Modality.VISIO)
    future = services.session_plan(slot=slot, date=NEXT_MONDAY, modality=Modality.ASYNC_DISTANCE)
    client.force_login(w.direction.user)
    url = reverse("planning:slot_delete", kwargs={"pk": slot.pk})
    text = _text(client.get(url))
    assert "1 séance planifiée sur ce créneau" in text
    assert "lundi 7 décembre 08:00–09:00, 1G3, Sciences économiques et sociales : Asynchrone à distance" in text
    assert "23 novembre" not in text  # the past stays as it was
    assert "la garder à sa date (hors emploi du temps)" in text and "l'annuler" in text

    response = client.post(url, {"from_date": MONDAY.isoformat()})
    assert "Décidez si la séance planifiée listée est gardée ou annulée." in _text(response)
    response = client.post(url, {"from_date": MONDAY.isoformat(), f"decision_{future.pk}": "cancel"}, follow=True)
    assert "Créneau retiré de l'emploi du temps à partir du lundi 30 novembre 2026." in _text(response)
    assert not Session.objects.filter(pk=future.pk).exists()
    assert Session.objects.filter(pk=past.pk, slot=slot).exists()


def test_it_lists_the_schools_conflicts_and_an_audiences_slots_in_a_fixed_number_of_queries(
    calendar, client, django_assert_num_queries
):
    w = calendar
    client.force_login(w.direction.user)
    url = reverse("planning:slot_list") + f"?pour=d{w.division.pk}"
    SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0, room="B104")
    SlotFactory(division=w.division2, subject=w.subject, teachers=[w.teacher], weekday=0, room="B105")
    client.get(url)  # warm the session
    with django_assert_num_queries(11):
        # 1. session, 2. user with profiles, 3. current school year, 4. conflicting pairs (one SQL),
        # 5. slots named, 6. their teachers, 7. divisions and 8. groups of the choice list,
        # 9. the division shown, 10. its slots, 11. their teachers
        response = client.get(url)
    text = _text(response)
    assert "1 conflit : une personne ou une salle à deux endroits à la fois." in text
    assert "En même temps, avec le même enseignant (Claire MARTIN)." in text
    for i in range(5):
        hour = dt.time(8 + i)
        end = hour.replace(minute=59)
        SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=1, start=hour, end=end)
    with django_assert_num_queries(11):
        client.get(url)


def test_it_shows_saturday_in_the_week_only_for_a_school_with_saturday_classes(calendar, client):
    w = calendar
    client.force_login(w.direction.user)
    data = {
        "max_video_minutes_per_day": 240,
        "max_async_minutes_per_day": 120,
        "max_assessments_per_day": 1,
        "max_video_minutes_per_week": 900,
        "max_async_minutes_per_week": 480,
        "max_assessments_per_week": 3,
        "max_video_share_percent": 50,
        "min_remote_minutes_for_share": 360,
        "class_weekdays": ["0", "1", "2", "3", "4", "5"],
    }
    assert "samedi" in _text(client.get(reverse("planning:thresholds")))
    assert client.post(reverse("planning:thresholds"), data).status_code == 302
    response = client.post(
        reverse("planning:slot_new"),
        {
            "audience": f"d{w.division.pk}",
            "subject": w.subject.pk,
            "teachers": [w.teacher.pk],
            "weekday": 5,
            "start": "08:00",
            "end": "12:00",
            "week_pattern": "all",
            "room": "B104",
        },
    )
    assert response.status_code == 302
    client.force_login(w.teacher.user)
    text = _text(client.get(reverse("planning:week") + f"?semaine={MONDAY.isoformat()}"))
    assert '<th scope="col">Samedi 5 décembre</th>' in text and "08:00–12:00" in text


def test_it_shows_no_saturday_in_the_week_of_a_school_without_saturday_classes(calendar, client):
    w = calendar
    SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    client.force_login(w.teacher.user)
    text = _text(client.get(reverse("planning:week") + f"?semaine={MONDAY.isoformat()}"))
    assert "Vendredi 4 décembre" in text and "samedi" not in text.lower()
