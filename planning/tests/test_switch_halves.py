"""Switching a division covers its groups; half-groups named as halves, alternating, said to the student."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from continuite.ecole.models import Student
from planning import services
from planning.models import Modality, RemoteMode, SchoolDay, Session
from planning.tests.factories import SlotFactory
from planning.workload import student_loads

MONDAY = dt.date(2026, 11, 30)
FRIDAY = MONDAY + dt.timedelta(days=4)
WEEK = f"?semaine={MONDAY.isoformat()}"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def parity(w, day):
    return SchoolDay.objects.get(etablissement=w.etablissement, date=day).week_parity


def timetable(w):
    """1G3's Monday lesson, the SES spécialité (1G3 and 1G4) on Tuesday, half-group A's lesson on Wednesday."""
    return (
        SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0),
        SlotFactory(
            group=w.spe_group, subject=w.subject, teachers=[w.teacher], weekday=1, start=dt.time(14), end=dt.time(15)
        ),
        SlotFactory(group=w.half_a, subject=w.subject, teachers=[w.teacher], weekday=2),
    )


def week_load(w, student):
    days = list(SchoolDay.objects.filter(etablissement=w.etablissement).in_week(MONDAY))
    (load,) = student_loads(students=Student.objects.filter(pk=student.pk), days=days)
    return load.week


def switch(w, **kwargs):
    return services.division_modality_switch(
        division=w.division, start=MONDAY, end=FRIDAY, modality=Modality.VISIO, **kwargs
    )


def test_it_refuses_to_switch_without_a_decision_for_a_shared_group(calendar):
    w = calendar
    timetable(w)
    with pytest.raises(ValidationError, match="Décidez pour chaque groupe partagé .* : 1SPESES"):
        switch(w)
    assert not Session.objects.exists()


def test_it_puts_the_divisions_students_at_a_distance_in_a_shared_group_the_others_in_class(calendar):
    w = calendar
    lesson, spe, half = timetable(w)
    assert switch(w, shared_groups={w.spe_group.pk: services.SHARED_HYBRID}) == 3
    spe_session = Session.objects.get(slot=spe)
    assert spe_session.modality == Modality.HYBRIDE and spe_session.hybrid_remote_division == w.division
    assert spe_session.hybrid_label == "élèves de la 1G3 à distance, les autres en classe"
    assert Session.objects.get(slot=lesson).modality == Session.objects.get(slot=half).modality == Modality.VISIO
    assert week_load(w, w.student).video == 180  # Léa: her class, her spécialité, her half-group
    assert week_load(w, w.student2).remote == 0  # Hugo (1G4) stays in class


def test_it_puts_a_whole_shared_group_at_a_distance_when_so_decided(calendar):
    w = calendar
    _lesson, spe, _half = timetable(w)
    switch(w, shared_groups={w.spe_group.pk: services.SHARED_ALL})
    assert Session.objects.get(slot=spe).modality == Modality.VISIO
    assert week_load(w, w.student2).video == 60


def test_it_brings_back_in_class_only_what_the_switch_put_at_a_distance(calendar):
    w = calendar
    _lesson, spe, _half = timetable(w)
    switch(w, shared_groups={w.spe_group.pk: services.SHARED_HYBRID})
    services.division_modality_switch(division=w.division, start=MONDAY, end=FRIDAY, modality=Modality.PRESENCE)
    assert not Session.objects.exists()


def test_it_runs_a_rota_over_the_halves_of_the_division_and_of_its_groups(calendar):
    w = calendar
    lesson, spe, half = timetable(w)
    in_room = parity(w, MONDAY)  # semaine A: half A in the room
    switch(w, hybrid_rota=True, shared_groups={w.spe_group.pk: services.SHARED_ALL})
    assert Session.objects.get(slot=lesson).hybrid_room_half == in_room
    assert Session.objects.get(slot=spe).hybrid_room_half == in_room  # a spécialité has halves too
    # half-group A's own lesson: in class the weeks half A is in the room (nothing stored), else remote
    assert Session.objects.filter(slot=half).exists() == (in_room != "A")


def test_it_allows_hybrid_for_a_group_whose_students_have_halves_and_refuses_it_for_a_half_group(calendar):
    w = calendar
    _lesson, spe, half = timetable(w)
    tuesday = MONDAY + dt.timedelta(days=1)
    session = services.session_plan(
        slot=spe, date=tuesday, modality=Modality.HYBRIDE, hybrid_room_half="A", hybrid_remote_mode=RemoteMode.LIVE
    )
    assert session.hybrid_label == "demi-groupe A en classe, demi-groupe B à distance"
    assert week_load(w, w.student).video == 0  # Léa is in half-group A: in the room
    with pytest.raises(ValidationError, match="demande des demi-groupes A et B"):
        services.session_plan(
            slot=half,
            date=MONDAY + dt.timedelta(days=2),
            modality=Modality.HYBRIDE,
            hybrid_room_half="A",
            hybrid_remote_mode=RemoteMode.LIVE,
        )


def test_it_alternates_the_half_in_the_room_when_a_week_is_copied(calendar):
    w = calendar
    lesson, _spe, _half = timetable(w)
    services.session_plan(
        slot=lesson, date=MONDAY, modality=Modality.HYBRIDE, hybrid_room_half="A", hybrid_remote_mode=RemoteMode.LIVE
    )
    services.week_copy(
        staff=w.teacher, from_monday=MONDAY, to_mondays=[MONDAY + dt.timedelta(days=7 * k) for k in (1, 2)]
    )
    halves = dict(Session.objects.filter(slot=lesson).values_list("date", "hybrid_room_half"))
    for k in (1, 2):
        day = MONDAY + dt.timedelta(days=7 * k)
        assert halves[day] == ("A" if parity(w, day) == parity(w, MONDAY) else "B")
    assert halves[MONDAY + dt.timedelta(days=7)] == "B"


def test_it_tells_the_student_where_she_is_this_week(calendar, client):
    w = calendar
    lesson, _spe, _half = timetable(w)
    next_monday = MONDAY + dt.timedelta(days=7)
    switch(w, hybrid_rota=True, shared_groups={w.spe_group.pk: services.SHARED_HYBRID}, first_half_in_room="A")
    services.division_modality_switch(
        division=w.division,
        start=next_monday,
        end=next_monday + dt.timedelta(days=4),
        modality=Modality.VISIO,
        hybrid_rota=True,
        first_half_in_room="A",
        shared_groups={w.spe_group.pk: services.SHARED_HYBRID},
    )
    client.force_login(w.student.user)
    this_week = client.get(reverse("planning:my_week") + WEEK).text
    next_week = client.get(reverse("planning:my_week") + f"?semaine={next_monday.isoformat()}").text
    in_class, away = (this_week, next_week) if parity(w, MONDAY) == "A" else (next_week, this_week)
    assert "Cette semaine, vous êtes en classe pour les séances hybrides." in in_class
    assert "Vous êtes dans le demi-groupe A" in in_class
    assert "demi-groupe A en classe, demi-groupe B à distance" in in_class
    assert "Vous : en classe" in in_class and "Vous : à distance" not in in_class
    assert "Cette semaine, vous êtes à distance pour les séances hybrides." in away
    assert "demi-groupe B en classe, demi-groupe A à distance" in away
    assert "Semaine A" not in this_week + next_week


def test_it_tells_the_parent_where_her_child_is(calendar, client):
    w = calendar
    lesson, _spe, _half = timetable(w)
    services.session_plan(
        slot=lesson,
        date=MONDAY,
        modality=Modality.HYBRIDE,
        hybrid_room_half="B",
        hybrid_remote_mode=RemoteMode.LIVE,
    )
    client.force_login(w.guardian.user)
    page = client.get(reverse("planning:my_week") + WEEK).text
    assert "Cette semaine, Léa est à distance pour les séances hybrides." in page
    assert "Léa : à distance" in page


def test_it_lists_the_shared_groups_on_the_switch_page_and_switches_them(calendar, client):
    w = calendar
    _lesson, spe, _half = timetable(w)
    client.force_login(w.tutor.user)
    url = reverse("planning:division_switch", args=[w.division.pk])
    page = client.get(url).text
    assert "Spécialité SES (aussi des élèves de 1G4)" in page
    assert "Hybride : les élèves de la 1G3 à distance, les autres en classe" in page
    data = {"start": "2026-11-30", "end": "2026-12-04", "modality": "visio", "first_half_in_room": "A"}
    data["hybrid_remote_mode"] = "live"
    refused = client.post(url, data)
    assert "Décidez pour chaque groupe partagé" in refused.text
    response = client.post(url, {**data, f"groupe_{w.spe_group.pk}": "hybride"}, follow=True)
    assert "3 séances planifiées pour la 1G3 et ses groupes." in response.text
    assert Session.objects.get(slot=spe).hybrid_remote_division == w.division
