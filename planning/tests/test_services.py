"""The writes: calendar, overrides, copies, switches, homework, and the overload notice."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from continuite.notifications.models import Notification
from planning import services
from planning.models import HomeworkDone, Modality, RemoteMode, SchoolDay, Session, WeekPattern
from planning.tests.factories import SlotFactory

MONDAY = dt.date(2026, 11, 30)

pytestmark = pytest.mark.django_db


def test_it_builds_the_school_calendar_with_zone_b_and_public_holidays(calendar):
    days = {d.date: d for d in SchoolDay.objects.filter(etablissement=calendar.etablissement)}
    assert days[dt.date(2026, 9, 1)].week_parity == "A"
    assert days[dt.date(2026, 12, 21)].is_holiday and "Noël" in days[dt.date(2026, 12, 21)].holiday_name
    assert days[dt.date(2026, 11, 11)].holiday_name == "Armistice"
    assert not days[MONDAY].is_holiday
    # the week after the Noël holidays follows the last school week's parity
    assert days[dt.date(2027, 1, 4)].week_parity != days[dt.date(2026, 12, 14)].week_parity


def test_it_builds_the_calendar_only_once(calendar):
    from continuite.ecole.models import SchoolYear

    assert services.school_calendar_build(school_year=SchoolYear.objects.get(etablissement=calendar.etablissement)) == 0


def test_it_stores_only_the_override_and_removes_it_back_in_presence(calendar):
    w = calendar
    slot = SlotFactory(division=w.division, teachers=[w.teacher], weekday=0)
    session = services.session_plan(
        slot=slot, date=MONDAY, modality=Modality.VISIO, link="https://classe.netocentre.fr/x"
    )
    assert session.minutes == 60 and list(session.teachers.all()) == [w.teacher]
    assert not session.is_outside_timetable
    assert services.session_plan(slot=slot, date=MONDAY, modality=Modality.PRESENCE) is None
    assert not Session.objects.exists()


def test_it_refuses_to_plan_on_a_holiday_in_french(calendar):
    slot = SlotFactory(division=calendar.division, weekday=2)
    with pytest.raises(ValidationError, match="vacances ou férié"):
        services.session_plan(slot=slot, date=dt.date(2026, 11, 11), modality=Modality.VISIO)


def test_it_refuses_a_slot_on_a_day_it_does_not_run(calendar):
    slot = SlotFactory(division=calendar.division, weekday=0, week_pattern=WeekPattern.A)
    parity = SchoolDay.objects.get(etablissement=calendar.etablissement, date=MONDAY).week_parity
    date = MONDAY if parity == "B" else MONDAY + dt.timedelta(days=7)
    with pytest.raises(ValidationError, match="n'a pas lieu"):
        services.session_plan(slot=slot, date=date, modality=Modality.VISIO)


def test_it_requires_halves_for_a_hybrid_session(calendar):
    slot = SlotFactory(division=calendar.division, weekday=0)
    with pytest.raises(ValidationError, match="demi-groupe"):
        services.session_plan(slot=slot, date=MONDAY, modality=Modality.HYBRIDE)


def test_it_marks_a_session_outside_the_timetable_unless_it_fits_a_slot(calendar):
    w = calendar
    slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    outside = services.session_create(
        etablissement=w.etablissement,
        date=MONDAY + dt.timedelta(days=3),
        start=dt.time(14),
        end=dt.time(15, 30),
        subject=w.subject,
        teachers=[w.teacher],
        modality=Modality.VISIO,
        division=w.division,
    )
    assert outside.is_outside_timetable and outside.minutes == 90
    fitting = services.session_create(
        etablissement=w.etablissement,
        date=MONDAY,
        start=slot.start,
        end=slot.end,
        subject=w.subject,
        teachers=[w.teacher],
        modality=Modality.VISIO,
        division=w.division,
    )
    assert fitting.slot == slot


def test_it_copies_a_week_onto_the_next_weeks_skipping_holidays(calendar):
    w = calendar
    slot = SlotFactory(division=w.division, teachers=[w.teacher], weekday=0)
    services.session_plan(slot=slot, date=MONDAY, modality=Modality.VISIO)
    made = services.week_copy(
        staff=w.teacher,
        from_monday=MONDAY,
        to_mondays=[MONDAY + dt.timedelta(days=7 * k) for k in (1, 2, 3)],  # the third is in the Noël holidays
    )
    assert (made.copied, made.kept) == (2, 0)
    assert sorted(Session.objects.values_list("date", flat=True)) == [
        MONDAY,
        MONDAY + dt.timedelta(days=7),
        MONDAY + dt.timedelta(days=14),
    ]


def test_a_copy_never_erases_a_week_already_planned_unless_asked(calendar):
    w = calendar
    slot = SlotFactory(division=w.division, teachers=[w.teacher], weekday=0)
    other = SlotFactory(division=w.division, teachers=[w.teacher], weekday=1)
    next_monday = MONDAY + dt.timedelta(days=7)
    services.session_plan(slot=slot, date=MONDAY, modality=Modality.VISIO)
    services.session_plan(slot=other, date=MONDAY + dt.timedelta(days=1), modality=Modality.VISIO)
    services.session_plan(
        slot=slot, date=next_monday, modality=Modality.ASYNC_DISTANCE, notes="Lire le chapitre 3", by=w.teacher
    )
    done = services.week_copy(staff=w.teacher, from_monday=MONDAY, to_mondays=[next_monday])
    assert (done.copied, done.kept) == (1, 1)
    kept = Session.objects.get(slot=slot, date=next_monday)
    assert (kept.modality, kept.notes) == (Modality.ASYNC_DISTANCE, "Lire le chapitre 3")
    assert Session.objects.get(slot=other, date=next_monday + dt.timedelta(days=1)).modality == Modality.VISIO

    done = services.week_copy(staff=w.teacher, from_monday=MONDAY, to_mondays=[next_monday], replace=True)
    assert (done.copied, done.kept) == (2, 0)
    assert Session.objects.get(slot=slot, date=next_monday).modality == Modality.VISIO


def test_it_switches_a_division_to_a_hybrid_rota_alternating_by_week(calendar):
    w = calendar
    SlotFactory(division=w.division, teachers=[w.teacher], weekday=0)
    SlotFactory(division=w.division, teachers=[w.tutor], weekday=1)
    count = services.division_modality_switch(
        division=w.division,
        start=MONDAY,
        end=MONDAY + dt.timedelta(days=13),
        modality=Modality.HYBRIDE,
        hybrid_rota=True,
        hybrid_remote_mode=RemoteMode.LIVE,
    )
    assert count == 4
    halves = {s.date: (s.hybrid_room_half, s.get_modality_display()) for s in Session.objects.all()}
    parity = SchoolDay.objects.get(etablissement=w.etablissement, date=MONDAY).week_parity
    other = "B" if parity == "A" else "A"
    assert halves[MONDAY][0] == parity
    assert halves[MONDAY + dt.timedelta(days=7)][0] == other


def test_it_refuses_homework_without_minutes_in_french(calendar):
    w = calendar
    with pytest.raises(ValidationError, match="durée estimée"):
        services.homework_create(
            etablissement=w.etablissement,
            title="Lire",
            given_on=MONDAY,
            due_date=MONDAY,
            estimated_minutes=0,
            by=w.teacher,
            division=w.division,
        )


def test_it_notifies_the_form_tutor_once_when_a_week_goes_over(calendar):
    w = calendar
    for title in ("Dissertation", "Exposé"):
        services.homework_create(
            etablissement=w.etablissement,
            title=title,
            given_on=MONDAY,
            due_date=MONDAY + dt.timedelta(days=1),
            estimated_minutes=90,
            by=w.teacher,
            group=w.spe_group,
        )
    notices = Notification.objects.filter(kind="planning.overload")
    assert [n.user_id for n in notices] == [w.tutor.user.pk]  # 1G3's tutor only, once; 1G4 has none
    assert "1G3" in notices[0].subject
    assert "180 min" in notices[0].body_text


def test_it_lets_a_student_tick_work_done_once(calendar):
    w = calendar
    homework = services.homework_create(
        etablissement=w.etablissement,
        title="Exercices",
        given_on=MONDAY,
        due_date=MONDAY,
        estimated_minutes=30,
        by=w.teacher,
        group=w.half_a,
    )
    services.homework_mark_done(homework=homework, student=w.student)
    services.homework_mark_done(homework=homework, student=w.student)
    assert HomeworkDone.objects.count() == 1
    with pytest.raises(ValidationError):
        services.homework_mark_done(homework=homework, student=w.student2)
