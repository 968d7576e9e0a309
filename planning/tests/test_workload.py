"""The workload rules on tricky cases, each asserting exact minutes."""

import datetime as dt

import pytest

from continuite.ecole.models import Student
from continuite.ecole.tests.factories import StudentFactory
from planning.models import HomeworkKind, Modality, RemoteMode, SchoolDay
from planning.tests.factories import HomeworkFactory, SessionFactory
from planning.workload import Extra, Load, Thresholds, audience_load, student_loads

MONDAY = dt.date(2026, 11, 30)
TUESDAY = MONDAY + dt.timedelta(days=1)
THURSDAY = MONDAY + dt.timedelta(days=3)
THRESHOLDS = Thresholds(
    video_day=240, async_day=120, assessments_day=1, video_week=900, async_week=480, assessments_week=3, video_share=50
)


def week(etablissement, monday=MONDAY):
    return list(SchoolDay.objects.filter(etablissement=etablissement).in_week(monday))


def loads_by_student(w, monday=MONDAY, **kwargs):
    rows = student_loads(
        students=Student.objects.filter(etablissement=w.etablissement), days=week(w.etablissement, monday), **kwargs
    )
    return {row.student_id: row for row in rows}


pytestmark = pytest.mark.django_db


def test_it_sums_work_of_a_specialite_group_across_divisions(calendar):
    w = calendar
    HomeworkFactory(group=w.spe_group, due_date=TUESDAY, estimated_minutes=60)
    HomeworkFactory(division=w.division, due_date=TUESDAY, estimated_minutes=90)
    loads = loads_by_student(w)
    assert loads[w.student.pk].days[TUESDAY].async_minutes == 150  # 1G3 + spécialité
    assert loads[w.student2.pk].days[TUESDAY].async_minutes == 60  # 1G4: the spécialité only


def test_it_takes_the_most_loaded_student_as_the_load_of_a_division(calendar):
    w = calendar
    HomeworkFactory(group=w.spe_group, due_date=TUESDAY, estimated_minutes=60)
    StudentFactory(division=w.division2)  # a 1G4 student outside the spécialité: 0 minute
    days = week(w.etablissement)
    rows = student_loads(students=Student.objects.filter(division=w.division2), days=days)
    load = audience_load(rows, days, THRESHOLDS)
    assert load.days[1].load.async_minutes == 60
    assert load.week.async_minutes == 60
    assert load.most_loaded.student_id == w.student2.pk


def test_it_gives_video_minutes_only_to_the_remote_half_of_a_hybrid_session(calendar):
    w = calendar
    half_b_student = StudentFactory(division=w.division)
    half_b_student.groups.set([w.half_b])
    SessionFactory(
        division=w.division,
        date=MONDAY,
        start=dt.time(10, 0),
        end=dt.time(10, 55),
        modality=Modality.HYBRIDE,
        hybrid_room_half="A",
        hybrid_remote_mode=RemoteMode.LIVE,
    )
    loads = loads_by_student(w)
    assert loads[w.student.pk].days[MONDAY].video == 0  # Léa is in half A, in the room
    assert loads[w.student.pk].days[MONDAY].remote == 0
    assert loads[half_b_student.pk].days[MONDAY].video == 55
    assert loads[half_b_student.pk].days[MONDAY].remote == 55


def test_it_counts_a_remote_half_in_autonomy_as_remote_but_not_video(calendar):
    w = calendar
    SessionFactory(
        division=w.division,
        date=MONDAY,
        modality=Modality.HYBRIDE,
        hybrid_room_half="B",
        hybrid_remote_mode=RemoteMode.AUTONOMY,
    )
    SessionFactory(division=w.division, date=MONDAY, start=dt.time(14, 0), end=dt.time(15, 0))  # visio
    load = loads_by_student(w)[w.student.pk]
    assert load.days[MONDAY].video == 60
    assert load.days[MONDAY].remote == 120
    assert load.week.video_share == 50


def test_it_alternates_the_half_in_the_room_with_the_week_parity(calendar):
    w = calendar
    next_monday = MONDAY + dt.timedelta(days=7)
    parities = {d.date: d.week_parity for d in SchoolDay.objects.filter(date__in=[MONDAY, next_monday])}
    assert parities[MONDAY] != parities[next_monday]
    for monday in (MONDAY, next_monday):
        SessionFactory(
            division=w.division,
            date=monday,
            modality=Modality.HYBRIDE,
            hybrid_room_half=parities[monday],
            hybrid_remote_mode=RemoteMode.LIVE,
        )
    this_week = loads_by_student(w)[w.student.pk]
    next_week = loads_by_student(w, next_monday)[w.student.pk]
    # Léa (half A) is at a distance exactly in the semaine B
    assert this_week.days[MONDAY].video == (60 if parities[MONDAY] == "B" else 0)
    assert next_week.days[next_monday].video == (60 if parities[next_monday] == "B" else 0)


def test_it_counts_nothing_on_a_holiday(calendar):
    w = calendar
    armistice = dt.date(2026, 11, 11)
    days = week(w.etablissement, dt.date(2026, 11, 9))
    holiday = next(d for d in days if d.date == armistice)
    assert holiday.is_holiday and holiday.holiday_name == "Armistice"
    HomeworkFactory(division=w.division, given_on=dt.date(2026, 11, 9), due_date=armistice, estimated_minutes=45)
    rows = student_loads(students=Student.objects.filter(pk=w.student.pk), days=days)
    load = audience_load(rows, days, THRESHOLDS)
    assert rows[0].days[armistice] == Load()
    assert load.days[2].level == "holiday"
    assert load.week.async_minutes == 0


def test_it_counts_a_session_moved_out_of_its_slot_on_its_new_date(calendar):
    w = calendar
    moved = SessionFactory(division=w.division, date=THURSDAY, start=dt.time(14, 0), end=dt.time(16, 0))
    assert moved.is_outside_timetable
    load = loads_by_student(w)[w.student.pk]
    assert load.days[THURSDAY].video == 120
    assert load.week.video == 120


def test_it_counts_assessments_due_each_day_and_flags_two_on_one_day(calendar):
    w = calendar
    HomeworkFactory(division=w.division, due_date=TUESDAY, kind=HomeworkKind.ASSESSMENT, estimated_minutes=60)
    HomeworkFactory(group=w.spe_group, due_date=TUESDAY, kind=HomeworkKind.ASSESSMENT, estimated_minutes=60)
    days = week(w.etablissement)
    rows = student_loads(students=Student.objects.filter(division=w.division), days=days)
    load = audience_load(rows, days, THRESHOLDS)
    assert load.days[1].load.assessments == 2
    assert load.days[1].overs == ["assessments"]


def test_it_adds_the_change_being_considered(calendar):
    w = calendar
    HomeworkFactory(division=w.division, due_date=TUESDAY, estimated_minutes=90)
    days = week(w.etablissement)
    rows = student_loads(
        students=Student.objects.filter(division=w.division),
        days=days,
        extras=[Extra(date=TUESDAY, load=Load(async_minutes=45))],
    )
    load = audience_load(rows, days, THRESHOLDS)
    assert load.days[1].load.async_minutes == 135
    assert load.days[1].overs == ["async_minutes"]


def test_it_excludes_the_item_being_edited(calendar):
    w = calendar
    edited = HomeworkFactory(division=w.division, due_date=TUESDAY, estimated_minutes=90)
    load = loads_by_student(w, exclude_homework_id=edited.pk)[w.student.pk]
    assert load.days[TUESDAY].async_minutes == 0


def test_it_computes_any_number_of_students_in_one_query(calendar, django_assert_num_queries):
    w = calendar
    for _ in range(5):
        StudentFactory(division=w.division).groups.set([w.spe_group, w.half_b])
        HomeworkFactory(group=w.spe_group, due_date=TUESDAY)
        SessionFactory(division=w.division, date=THURSDAY)
    days = week(w.etablissement)
    with django_assert_num_queries(1):  # students with their per-day subqueries
        rows = student_loads(students=Student.objects.filter(etablissement=w.etablissement), days=days)
    assert len(rows) == 7
