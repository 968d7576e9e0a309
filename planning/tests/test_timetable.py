"""The timetable's writes: conflicts, changes and removals from a date, the days with classes."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from continuite.ecole.models import SchoolYear
from continuite.ecole.tests.factories import StaffFactory
from continuite.notifications.models import Notification
from planning import services
from planning.conflicts import school_conflicts
from planning.models import Modality, SchoolDay, Session, TimetableSlot, WeekPattern
from planning.selectors import teacher_week
from planning.tests.factories import SlotFactory

MONDAY = dt.date(2026, 11, 30)
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def _occurrences(grid):
    return sorted((o for cell in grid.cells.values() for o in cell), key=lambda o: (o.date, o.start))


def _year(w):
    return SchoolYear.objects.get(etablissement=w.etablissement)


def _create(w, **values):
    fields = {
        "etablissement": w.etablissement,
        "school_year": _year(w),
        "subject": w.subject,
        "teachers": [w.teacher],
        "weekday": 0,
        "start": dt.time(8),
        "end": dt.time(9),
    }
    fields.update(values)
    return services.slot_create(**fields)


def _change(slot, **values):
    fields = {
        "slot": slot,
        "from_date": NEXT_MONDAY,
        "subject": slot.subject,
        "teachers": list(slot.teachers.all()),
        "weekday": slot.weekday,
        "start": slot.start,
        "end": slot.end,
        "division": slot.division,
        "group": slot.group,
        "week_pattern": slot.week_pattern,
        "room": slot.room,
    }
    fields.update(values)
    return services.slot_change(**fields)


# --- Conflicts -------------------------------------------------------------------------------------


def test_it_refuses_a_teacher_in_two_places_naming_both_slots(calendar):
    w = calendar
    _create(w, division=w.division, room="B104")
    with pytest.raises(services.SlotDecisionNeeded) as caught:
        _create(w, division=w.division2, start=dt.time(8, 30), end=dt.time(9, 30), room="B105")
    (message,) = caught.value.messages
    subject = "Sciences économiques et sociales"
    assert message == (
        f"Conflit : le créneau « lundi 08:30–09:30, 1G4, {subject}, Claire MARTIN, salle B105 » "
        f"et le créneau « lundi 08:00–09:00, 1G3, {subject}, Claire MARTIN, salle B104 » "
        "ont lieu en même temps avec le même enseignant (Claire MARTIN)."
    )
    assert TimetableSlot.objects.count() == 1


def test_it_refuses_a_room_used_twice(calendar):
    w = calendar
    other = StaffFactory(etablissement=w.etablissement, is_teacher=True)
    _create(w, division=w.division, room="B104")
    with pytest.raises(services.SlotDecisionNeeded) as caught:
        _create(w, division=w.division2, teachers=[other], room="b104 ")
    assert caught.value.conflicts[0].kinds == ["room"]
    assert "la même salle (B104)" in caught.value.messages[0]


def test_it_sees_students_of_a_division_in_a_group_drawn_from_it(calendar):
    w = calendar
    other = StaffFactory(etablissement=w.etablissement, is_teacher=True)
    _create(w, division=w.division2)
    with pytest.raises(services.SlotDecisionNeeded) as caught:
        _create(w, group=w.spe_group, teachers=[other], start=dt.time(8, 30), end=dt.time(10))
    assert caught.value.conflicts[0].kinds == ["students"]
    assert "des élèves en commun" in caught.value.messages[0]


def test_it_lets_the_two_halves_of_a_division_be_taught_at_once_but_not_a_half_and_its_division(calendar):
    w = calendar
    w.student2.groups.add(w.half_b)  # a student in each half
    w.student2.division = w.division
    w.student2.save()
    first, second = (StaffFactory(etablissement=w.etablissement, is_teacher=True) for _ in range(2))
    _create(w, group=w.half_a, teachers=[first])
    _create(w, group=w.half_b, teachers=[second])
    with pytest.raises(services.SlotDecisionNeeded) as caught:
        _create(w, division=w.division)
    assert sorted(c.second.group.half for c in caught.value.conflicts) == ["A", "B"]


def test_it_lets_week_a_and_week_b_share_an_hour(calendar):
    w = calendar
    _create(w, division=w.division, week_pattern=WeekPattern.A, room="B104")
    _create(w, division=w.division2, week_pattern=WeekPattern.B, room="B104")
    with pytest.raises(services.SlotDecisionNeeded):
        _create(w, division=w.division2, week_pattern=WeekPattern.ALL, start=dt.time(8, 30), end=dt.time(9, 30))


def test_it_lets_slots_follow_each_other(calendar):
    w = calendar
    _create(w, division=w.division, room="B104")
    _create(w, division=w.division, start=dt.time(9), end=dt.time(10), room="B104")
    assert TimetableSlot.objects.count() == 2


def test_it_writes_a_conflicting_slot_when_confirmed(calendar):
    w = calendar
    _create(w, division=w.division)
    _create(w, division=w.division2, confirm_conflicts=True)
    conflicts = school_conflicts(etablissement_id=w.etablissement.pk, school_year_id=_year(w).pk, today=MONDAY)
    assert [c.kinds for c in conflicts] == [["teacher"]]
    assert "Claire MARTIN" in conflicts[0].first_label and "1G4" in conflicts[0].second_label


def test_it_lists_the_schools_conflicts_in_three_queries(calendar, django_assert_num_queries):
    w = calendar
    other = StaffFactory(etablissement=w.etablissement, is_teacher=True)
    SlotFactory(division=w.division, teachers=[w.teacher], room="B1")
    SlotFactory(division=w.division2, teachers=[w.teacher], room="B2")  # same teacher
    SlotFactory(division=w.division2, teachers=[other], weekday=1, room="B1")
    SlotFactory(division=w.division, teachers=[], weekday=1, room="b1")  # same room
    SlotFactory(group=w.spe_group, teachers=[], weekday=2, room="S1")
    SlotFactory(division=w.division2, teachers=[], weekday=2, room="S2")  # Hugo in both
    SlotFactory(division=w.division, teachers=[w.teacher], weekday=3, week_pattern=WeekPattern.A)
    SlotFactory(division=w.division2, teachers=[w.teacher], weekday=3, week_pattern=WeekPattern.B)  # no conflict
    year = _year(w)
    with django_assert_num_queries(3):
        # 1. the pairs of slots that meet and share someone (one SQL), 2. the slots named, 3. their teachers
        conflicts = school_conflicts(etablissement_id=w.etablissement.pk, school_year_id=year.pk, today=MONDAY)
        kinds = [(c.first.weekday, c.kinds) for c in conflicts]
    assert kinds == [(0, ["teacher"]), (1, ["room"]), (2, ["students"])]
    assert conflicts[0].reasons == "le même enseignant (Claire MARTIN)"


# --- Changes from a date -----------------------------------------------------------------------------


def test_it_changes_a_slot_from_a_date_and_keeps_the_weeks_before(calendar):
    w = calendar
    slot = _create(w, division=w.division, room="B104")
    new = _change(slot, weekday=1, start=dt.time(10), end=dt.time(11))
    slot.refresh_from_db()
    assert slot.valid_until == NEXT_MONDAY - dt.timedelta(days=1)
    assert new.pk != slot.pk and new.valid_from == NEXT_MONDAY and new.weekday == 1
    this_week = [(o.date, o.start) for o in _occurrences(teacher_week(w.teacher, MONDAY))]
    next_week = [(o.date, o.start) for o in _occurrences(teacher_week(w.teacher, NEXT_MONDAY))]
    assert this_week == [(MONDAY, dt.time(8))]
    assert next_week == [(NEXT_MONDAY + dt.timedelta(days=1), dt.time(10))]


def test_it_changes_a_slot_that_has_not_started_in_place(calendar):
    w = calendar
    slot = _create(w, division=w.division, valid_from=NEXT_MONDAY)
    new = _change(slot, room="C12")
    assert new.pk == slot.pk and new.room == "C12"
    assert TimetableSlot.objects.count() == 1


def test_it_refuses_a_change_in_the_past(calendar):
    w = calendar
    slot = _create(w, division=w.division)
    with pytest.raises(ValidationError, match="les semaines passées gardent ce qui a eu lieu"):
        _change(slot, from_date=MONDAY - dt.timedelta(days=7))


def test_it_refuses_a_change_that_conflicts_with_another_slot_from_that_date(calendar):
    w = calendar
    other = StaffFactory(etablissement=w.etablissement, is_teacher=True)
    slot = _create(w, division=w.division, room="B104")
    _create(w, division=w.division2, teachers=[other], weekday=1, room="B104")
    with pytest.raises(services.SlotDecisionNeeded) as caught:
        _change(slot, weekday=1)
    assert "mardi 08:00–09:00, 1G4" in caught.value.messages[0]
    assert "la même salle (B104)" in caught.value.messages[0]
    assert TimetableSlot.objects.get(pk=slot.pk).valid_until is None  # nothing written


def test_it_keeps_planned_sessions_that_still_fit_and_tells_their_teacher(calendar):
    w = calendar
    slot = _create(w, division=w.division, room="B104")
    session = services.session_plan(
        slot=slot, date=NEXT_MONDAY, modality=Modality.VISIO, link="https://classe.netocentre.fr/x"
    )
    new = _change(slot, room="C12", start=dt.time(8, 30), end=dt.time(9, 30))
    session.refresh_from_db()
    assert session.slot_id == new.pk and session.room == "C12" and session.start == dt.time(8, 30)
    assert session.modality == Modality.VISIO and session.minutes == 60
    notice = Notification.objects.get(kind="planning.slot_change", user=w.teacher.user)
    assert "à partir du lundi 7 décembre 2026" in notice.body_text
    assert "lundi 7 décembre 08:00–09:00, 1G3, Sciences économiques et sociales : Classe virtuelle — gardée" in (
        notice.body_text
    )


def test_it_asks_what_to_do_with_planned_sessions_that_no_longer_fit(calendar):
    w = calendar
    slot = _create(w, division=w.division)
    kept = services.session_plan(slot=slot, date=NEXT_MONDAY, modality=Modality.VISIO)
    cancelled = services.session_plan(slot=slot, date=NEXT_MONDAY + dt.timedelta(days=7), modality=Modality.VISIO)
    with pytest.raises(services.SlotDecisionNeeded) as caught:
        _change(slot, weekday=2)
    assert [o.session.pk for o in caught.value.undecided] == [kept.pk, cancelled.pk]
    assert caught.value.undecided[0].target == NEXT_MONDAY + dt.timedelta(days=2)
    assert Session.objects.filter(pk__in=[kept.pk, cancelled.pk]).count() == 2  # nothing dropped yet

    new = _change(slot, weekday=2, decisions={kept.pk: "keep", cancelled.pk: "cancel"})
    kept.refresh_from_db()
    assert (kept.slot_id, kept.date, kept.modality) == (new.pk, NEXT_MONDAY + dt.timedelta(days=2), Modality.VISIO)
    assert not Session.objects.filter(pk=cancelled.pk).exists()
    body = Notification.objects.get(kind="planning.slot_change", user=w.teacher.user).body_text
    assert "gardée : mercredi 9 décembre 08:00–09:00" in body and "— annulée" in body


def test_it_removes_a_slot_from_a_date_with_a_decision_for_each_planned_session(calendar):
    w = calendar
    slot = _create(w, division=w.division)
    kept = services.session_plan(slot=slot, date=NEXT_MONDAY, modality=Modality.VISIO)
    gone = services.session_plan(slot=slot, date=NEXT_MONDAY + dt.timedelta(days=7), modality=Modality.VISIO)
    with pytest.raises(services.SlotDecisionNeeded):
        services.slot_delete(slot=slot, from_date=NEXT_MONDAY)
    services.slot_delete(slot=slot, from_date=NEXT_MONDAY, decisions={kept.pk: "keep", gone.pk: "cancel"})
    slot.refresh_from_db()
    kept.refresh_from_db()
    assert slot.valid_until == NEXT_MONDAY - dt.timedelta(days=1)
    assert kept.slot_id is None and kept.date == NEXT_MONDAY  # outside the timetable, on its date
    assert not Session.objects.filter(pk=gone.pk).exists()
    assert [o.date for o in _occurrences(teacher_week(w.teacher, MONDAY))] == [MONDAY]
    body = Notification.objects.get(kind="planning.slot_change", user=w.teacher.user).body_text
    assert "est retiré de l'emploi du temps à partir du lundi 7 décembre 2026" in body


def test_it_deletes_a_slot_that_never_started(calendar):
    w = calendar
    slot = _create(w, division=w.division, valid_from=NEXT_MONDAY)
    services.slot_delete(slot=slot, from_date=NEXT_MONDAY)
    assert not TimetableSlot.objects.exists()


# --- Days with classes -----------------------------------------------------------------------------


def test_it_refuses_a_saturday_slot_when_the_school_has_no_saturday_classes(calendar):
    w = calendar
    with pytest.raises(ValidationError, match="Le samedi n'est pas un jour de classe"):
        _create(w, division=w.division, weekday=5, start=dt.time(8), end=dt.time(12))


def test_it_holds_a_saturday_morning_slot_when_the_school_has_saturday_classes(calendar):
    w = calendar
    services.planning_settings_update(etablissement=w.etablissement, class_weekdays=[0, 1, 2, 3, 4, 5])
    saturday = MONDAY + dt.timedelta(days=5)
    assert SchoolDay.objects.get(etablissement=w.etablissement, date=saturday).weekday == 5
    _create(w, division=w.division, weekday=5, start=dt.time(8), end=dt.time(12))
    grid = teacher_week(w.teacher, MONDAY)
    assert [d.date for d in grid.days][-1] == saturday
    assert [(o.date, o.start, o.end) for o in _occurrences(grid)] == [(saturday, dt.time(8), dt.time(12))]


def test_it_refuses_to_remove_a_day_that_still_holds_slots(calendar):
    w = calendar
    services.planning_settings_update(etablissement=w.etablissement, class_weekdays=[0, 1, 2, 3, 4, 5])
    _create(w, division=w.division, weekday=5, start=dt.time(8), end=dt.time(12))
    with pytest.raises(ValidationError, match="Des créneaux ont encore lieu le samedi"):
        services.planning_settings_update(etablissement=w.etablissement, class_weekdays=[0, 1, 2, 3, 4])
    assert services.planning_settings_get(etablissement=w.etablissement).class_weekdays == "012345"


def test_it_removes_the_saturdays_of_the_calendar_when_classes_stop_on_saturday(calendar):
    w = calendar
    services.planning_settings_update(etablissement=w.etablissement, class_weekdays=[0, 1, 2, 3, 4, 5])
    services.planning_settings_update(etablissement=w.etablissement, class_weekdays=[0, 1, 2, 3, 4])
    assert not SchoolDay.objects.filter(etablissement=w.etablissement, weekday=5, date__gte=MONDAY).exists()


def test_it_names_every_reason_of_a_conflict(calendar):
    w = calendar
    _create(w, division=w.division, room="B104")
    with pytest.raises(services.SlotDecisionNeeded) as caught:
        _create(w, division=w.division, room="B104", start=dt.time(8, 30), end=dt.time(9, 30))
    assert caught.value.conflicts[0].reasons == (
        "le même enseignant (Claire MARTIN), la même salle (B104) et des élèves en commun"
    )
