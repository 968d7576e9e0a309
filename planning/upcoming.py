"""What comes next, for the home pages: the next school days' sessions and the work due soon.

"Today" is the day the page is read; when it is not a school day (a weekend, a holiday) the
pages say so and show the next school days instead. Each function makes a fixed number of
queries, whatever the number of children, slots, sessions or pieces of work.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from continuite import french
from continuite.ecole.models import Division, Student, TeachingAssignment

from .models import Homework, HomeworkDone, Modality, SchoolDay, Session, TimetableSlot
from .queries import monday_of, taught_by_q
from .selectors import Occurrence, occurrences, week_days
from .workload import AudienceLoad, Thresholds, audience_load, student_loads

# Work due within this many days (today included) is listed on the home pages.
HORIZON_DAYS = 7
# How far ahead the next school day is looked for (the longest holidays are two weeks).
LOOKAHEAD_DAYS = 21

_RELATED = ("subject", "division", "group")


@dataclass
class Ahead:
    """The school days the home page talks about, and what it says about today."""

    today: dt.date
    today_row: SchoolDay | None
    open_days: list[SchoolDay]

    @property
    def is_school_day(self) -> bool:
        return self.today_row is not None and not self.today_row.is_holiday

    @property
    def no_class_today(self) -> str:
        """ "Pas de cours aujourd'hui (Vacances de Noël)." — empty on a school day."""
        if self.is_school_day:
            return ""
        if self.today_row is not None and self.today_row.holiday_name:
            return _("Pas de cours aujourd'hui (%(name)s).") % {"name": self.today_row.holiday_name}
        return _("Pas de cours aujourd'hui.")

    def label(self, date: dt.date) -> str:
        """ "Aujourd'hui, lundi 30 novembre", "Demain, mardi 1er décembre" or "Lundi 30 novembre"."""
        text = french.long_date(date, year=False)
        if date == self.today:
            return _("Aujourd'hui, %(day)s") % {"day": text}
        # On a weekend or a holiday the page names the next school days plainly, after saying
        # there is no class today: "Demain" would read as if the week went on.
        if date == self.today + dt.timedelta(days=1) and self.is_school_day:
            return _("Demain, %(day)s") % {"day": text}
        return capfirst(text)


def days_ahead(etablissement_id: int, today: dt.date) -> Ahead:
    """Today's calendar row and the school days from today on: one query."""
    rows = list(
        SchoolDay.objects.filter(
            etablissement_id=etablissement_id, date__range=(today, today + dt.timedelta(days=LOOKAHEAD_DAYS))
        ).order_by("date")
    )
    today_row = rows[0] if rows and rows[0].date == today else None
    return Ahead(today=today, today_row=today_row, open_days=[d for d in rows if not d.is_holiday])


@dataclass
class Upcoming:
    """One session of a coming day, as one student lives it."""

    occurrence: Occurrence
    remote: bool | None = None  # hybride: is this student's half at a distance? None when unknown
    may_open_link: bool = False

    @property
    def session(self):
        return self.occurrence.session


@dataclass
class DayPlan:
    date: dt.date
    label: str
    items: list = field(default_factory=list)


def subjects_shown(homework: list[Homework]) -> None:
    """Set ``subject_shown`` on each piece of work: its subject, or its author's subject for that audience.

    Work given before homework carried a subject has none; when its author teaches that audience
    exactly one subject, that is the subject. One query, only when some work lacks a subject.
    """
    missing = [hw for hw in homework if hw.subject_id is None and hw.created_by_id]
    taught: dict[tuple, set] = defaultdict(set)
    if missing:
        for assignment in TeachingAssignment.objects.filter(
            staff_id__in=sorted({hw.created_by_id for hw in missing})
        ).select_related("subject"):
            taught[(assignment.staff_id, assignment.division_id, assignment.group_id)].add(assignment.subject)
    for hw in homework:
        if hw.subject_id is not None:
            hw.subject_shown = hw.subject
            continue
        subjects = taught.get((hw.created_by_id, hw.division_id, hw.group_id), set())
        hw.subject_shown = next(iter(subjects)) if len(subjects) == 1 else None


def _audience_match(row, division_id, group_ids) -> bool:
    return (row.division_id is not None and row.division_id == division_id) or (
        row.group_id is not None and row.group_id in group_ids
    )


@dataclass
class StudentAhead:
    student: Student
    half: str
    days: list[DayPlan]
    homework: list[Homework]


def students_ahead(
    students: list[Student], *, etablissement_id: int, today: dt.date
) -> tuple[Ahead, list[StudentAhead]]:
    """For each student, the next two school days' sessions and the work due in the next days.

    Queries: memberships, school days, slots, sessions, work due, the students' "done" marks
    (+ one when some work has no subject), whatever the number of students.
    """
    ids = [s.pk for s in students]
    groups: dict[int, set[int]] = defaultdict(set)
    halves: dict[tuple[int, int], str] = {}
    for student_id, group_id, kind, half, division_id in Student.groups.through.objects.filter(
        student_id__in=ids
    ).values_list("student_id", "group_id", "group__kind", "group__half", "group__division_id"):
        groups[student_id].add(group_id)
        if kind == "demi":
            halves[(student_id, division_id)] = half
    ahead = days_ahead(etablissement_id, today)
    shown_days = ahead.open_days[:2]
    division_ids = sorted({s.division_id for s in students if s.division_id})
    group_ids = sorted(set().union(*groups.values()) if groups else set())
    audience = Q(division_id__in=division_ids) | Q(group_id__in=group_ids)
    slots = list(
        TimetableSlot.objects.current()
        .filter(audience, etablissement_id=etablissement_id, weekday__in=sorted({d.weekday for d in shown_days}))
        .select_related(*_RELATED)
    )
    sessions = list(
        Session.objects.filter(audience, etablissement_id=etablissement_id, date__in=[d.date for d in shown_days])
        .select_related(*_RELATED, "tool")
        .order_by("date", "start")
    )
    homework = list(
        Homework.objects.filter(
            audience,
            etablissement_id=etablissement_id,
            due_date__range=(today, today + dt.timedelta(days=HORIZON_DAYS - 1)),
        )
        .select_related(*_RELATED, "created_by")
        .order_by("due_date", "pk")
    )
    subjects_shown(homework)
    done = set(
        HomeworkDone.objects.filter(homework_id__in=[hw.pk for hw in homework], student_id__in=ids).values_list(
            "homework_id", "student_id"
        )
    )
    result = []
    for student in students:
        own_groups = groups.get(student.pk, set())
        half = halves.get((student.pk, student.division_id), "")
        own_slots = [s for s in slots if _audience_match(s, student.division_id, own_groups)]
        own_sessions = [s for s in sessions if _audience_match(s, student.division_id, own_groups)]
        by_date: dict[dt.date, list] = defaultdict(list)
        for occ in occurrences(own_slots, own_sessions, shown_days):
            by_date[occ.date].append(_as_lived(occ, student, half))
        days = [DayPlan(date=d.date, label=ahead.label(d.date), items=by_date.get(d.date, [])) for d in shown_days]
        own_work = []
        for hw in homework:
            if _audience_match(hw, student.division_id, own_groups):
                own_work.append(_with_done(hw, (hw.pk, student.pk) in done))
        result.append(StudentAhead(student=student, half=half, days=days, homework=own_work))
    return ahead, result


def _with_done(hw: Homework, done: bool) -> Homework:
    # A parent's two children share a piece of work addressed to a group: each gets his own copy.
    copy = Homework.__new__(Homework)
    copy.__dict__ = {**hw.__dict__, "done": done}
    return copy


def _as_lived(occ: Occurrence, student: Student, half: str) -> Upcoming:
    session = occ.session
    remote = None
    if session is not None and session.modality == Modality.HYBRIDE:
        # The rule of the student's week and of the workload (a group's halves, a division away).
        remote = session.situation_of(half=half or None, division_id=student.division_id) == "distance"
    may_open = bool(
        session is not None
        and session.link
        and session.modality in (Modality.VISIO, Modality.ASYNC_DISTANCE, Modality.HYBRIDE)
        and remote is not False
    )
    return Upcoming(occurrence=occ, remote=remote, may_open_link=may_open)


@dataclass
class TeacherAhead:
    ahead: Ahead
    day: DayPlan | None
    homework: list[Homework]
    divisions: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    registers_due: int = 0  # his past video and hybrid sessions of the last weeks whose register is not taken


REGISTER_MODALITIES = (Modality.VISIO, Modality.HYBRIDE)


def teacher_ahead(staff, *, today: dt.date) -> TeacherAhead:
    """His sessions of today (or of his next school day with classes) and the work due in his classes.

    Queries: school days, his slots, the sessions naming him, the sessions, his divisions and
    groups, the work due (+ one when some work has no subject), his past registers not taken.
    """
    ahead = days_ahead(staff.etablissement_id, today)
    slots = list(TimetableSlot.objects.taught_by(staff).current().select_related(*_RELATED))
    day = None
    if ahead.open_days:
        start, end = ahead.open_days[0].date, ahead.open_days[-1].date
        sessions = list(
            Session.objects.filter(
                taught_by_q(staff, start=start, end=end, slot_ids=[s.pk for s in slots]),
                etablissement_id=staff.etablissement_id,
                date__range=(start, end),
            ).select_related(*_RELATED, "tool")
        )
        by_date: dict[dt.date, list] = defaultdict(list)
        for occ in occurrences(slots, sessions, ahead.open_days):
            by_date[occ.date].append(occ)
        first = next((d for d in ahead.open_days if by_date.get(d.date)), None)
        if first is not None:
            day = DayPlan(date=first.date, label=ahead.label(first.date), items=by_date[first.date])
    assignments = list(TeachingAssignment.objects.filter(staff=staff).select_related("division", "group"))
    audiences = {(a.division_id, a.group_id) for a in assignments} | {(s.division_id, s.group_id) for s in slots}
    division_ids = sorted({d for d, _g in audiences if d})
    group_ids = sorted({g for _d, g in audiences if g})
    homework = list(
        Homework.objects.filter(
            Q(division_id__in=division_ids) | Q(group_id__in=group_ids),
            etablissement_id=staff.etablissement_id,
            due_date__range=(today, today + dt.timedelta(days=HORIZON_DAYS - 1)),
        )
        .select_related(*_RELATED, "created_by")
        .order_by("due_date", "pk")
    )
    subjects_shown(homework)
    classes = sorted({a.division for a in assignments if a.division_id}, key=lambda d: d.code)
    groups = sorted({a.group for a in assignments if a.group_id}, key=lambda g: g.code)
    # The same window as the register list of suivi (three weeks back).
    registers_due = Session.objects.filter(
        teachers=staff,
        modality__in=REGISTER_MODALITIES,
        date__range=(today - dt.timedelta(days=21), today - dt.timedelta(days=1)),
        etablissement_id=staff.etablissement_id,
        register__isnull=True,
    ).count()
    return TeacherAhead(
        ahead=ahead, day=day, homework=homework, divisions=classes, groups=groups, registers_due=registers_due
    )


# The rules' names, as the tutor's panel says which one a day or the week goes over.
RULE_NAMES = {
    "video": _lazy("classe virtuelle"),
    "async_minutes": _lazy("travail à faire"),
    "assessments": _lazy("évaluations"),
    "video_share": _lazy("part de classe virtuelle"),
}


def rule_names(overs: list[str]) -> str:
    return ", ".join(str(RULE_NAMES.get(name, name)) for name in overs)


@dataclass
class DivisionWeek:
    division: Division
    load: AudienceLoad
    over_days: list = field(default_factory=list)  # [(day cell, "travail à faire, évaluations")]
    week_overs: str = ""


def tutor_week(division_ids: list[int], *, etablissement_id: int, today: dt.date, thresholds: Thresholds):
    """The load of the tutor's divisions this week (the coming one once this one is over).

    Queries: the divisions, the week's days, the students' loads (one aggregate for all).
    """
    monday = monday_of(today)
    divisions = list(Division.objects.filter(pk__in=division_ids, etablissement_id=etablissement_id).order_by("code"))
    days = week_days(etablissement_id, monday)
    if today.weekday() >= 5 and not any(d.date >= today and not d.is_holiday for d in days):
        # The week is over (a Sunday, or a Saturday without classes): the coming one is read (+1 query).
        monday += dt.timedelta(days=7)
        days = week_days(etablissement_id, monday)
    rows = student_loads(
        students=Student.objects.current().filter(division_id__in=[d.pk for d in divisions]), days=days
    )
    by_division = defaultdict(list)
    for row in rows:
        by_division[row.division_id].append(row)
    weeks = []
    for division in divisions:
        load = audience_load(by_division.get(division.pk, []), days, thresholds)
        weeks.append(
            DivisionWeek(
                division=division,
                load=load,
                over_days=[(c, rule_names(c.overs)) for c in load.days if c.overs],
                week_overs=rule_names(load.week_overs),
            )
        )
    return monday, days, weeks
