"""Reads spanning several models: the week grids, the heat map, the school's overview.

Each selector makes a fixed number of queries, whatever the number of slots, sessions or
students (see the tests that pin them).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Sum, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from continuite.aggregates import Joined
from continuite.ecole.models import Division, Student

from .models import Homework, HomeworkDone, Modality, SchoolDay, Session, TimetableSlot
from .queries import audience_q_for_student, audience_q_for_students, taught_by_q, week_bounds
from .workload import Thresholds, audience_load, student_loads


def week_days(etablissement_id: int, monday: dt.date) -> list[SchoolDay]:
    return list(SchoolDay.objects.filter(etablissement_id=etablissement_id).in_week(monday))


@dataclass
class Occurrence:
    """One cell entry of a week grid: a slot on a date (with its override, if any) or a session alone."""

    date: dt.date
    start: dt.time
    end: dt.time
    subject: object
    audience: object
    slot: TimetableSlot | None = None
    session: Session | None = None
    situation: str | None = None  # a student's week: "classe" or "distance" in a hybrid session

    @property
    def modality(self) -> str:
        return self.session.modality if self.session else Modality.PRESENCE

    @property
    def modality_label(self) -> str:
        if self.session is None:
            return str(Modality.PRESENCE.label)
        if (
            self.session.modality == Modality.HYBRIDE
            and self.session.hybrid_remote_division_id
            and not self.session.hybrid_room_half
        ):
            # A shared group: one division at a distance, the others in the room (no half-groups).
            return str(_("Hybride (une classe à distance)"))
        return self.session.get_modality_display()

    @property
    def room(self) -> str:
        """The room of the occurrence: the session's when it names one, else the slot's."""
        if self.session is not None and self.session.room:
            return self.session.room
        return self.slot.room if self.slot is not None else ""

    @property
    def is_outside_timetable(self) -> bool:
        return self.slot is None

    @property
    def is_cancelled(self) -> bool:
        return self.modality == Modality.CANCELLED

    @property
    def teacher_names(self) -> str:
        """ "Mme BERNARD, M. MARTIN": the session's teachers, else the slot's, sorted by name. Read from
        the ``teachers_joined`` that ``student_week`` annotates on its rows (no query); empty elsewhere."""
        for row in (self.session, self.slot):
            joined = getattr(row, "teachers_joined", None)
            if joined:
                names = {name.strip() for name in joined.split(_NAMES_SEPARATOR) if name.strip()}
                return ", ".join(sorted(names, key=lambda name: (name.rsplit(" ", 1)[-1], name)))
        return ""


@dataclass
class WeekGrid:
    days: list[SchoolDay]
    bands: list[tuple[dt.time, dt.time]]
    cells: dict[tuple[int, dt.date], list[Occurrence]] = field(default_factory=dict)
    homework: list = field(default_factory=list)
    half: str | None = None  # a student's week: his half-group
    situation: str | None = None  # a student's week: see ``week_situation``

    @property
    def parity(self) -> str:
        return next((d.week_parity for d in self.days), "")

    def sessions(self) -> list[Session]:
        """The week's sessions (each once, an occurrence without one left out)."""
        seen = {}
        for entries in self.cells.values():
            for o in entries:
                if o.session is not None:
                    seen[id(o.session)] = o.session
        return list(seen.values())

    def rows(self):
        """[(band, [(day, [occurrences])])] for the template."""
        return [
            (band, [(day, self.cells.get((i, day.date), [])) for day in self.days]) for i, band in enumerate(self.bands)
        ]

    def by_day(self):
        """[(day, [occurrences in time order])]: the week read day by day (on a phone), from the grid's
        cells. A Saturday or a Sunday without a session is left out; a school day without one is kept,
        empty, for the page to say so."""
        result = []
        for day in self.days:
            entries = [o for i in range(len(self.bands)) for o in self.cells.get((i, day.date), [])]
            if entries or day.date.weekday() < 5:
                result.append((day, entries))
        return result


def occurrences(slots, sessions, days: list[SchoolDay]) -> list[Occurrence]:
    """The slots' occurrences in ``days`` (their override applied) and the sessions outside the timetable."""
    overrides = {(s.slot_id, s.date): s for s in sessions if s.slot_id}
    result = []
    for day in days:
        if day.is_holiday:
            continue
        for slot in slots:
            if slot.runs_on(day):
                result.append(
                    Occurrence(
                        date=day.date,
                        start=slot.start,
                        end=slot.end,
                        subject=slot.subject,
                        audience=slot.audience,
                        slot=slot,
                        session=overrides.get((slot.pk, day.date)),
                    )
                )
    result.extend(
        Occurrence(date=s.date, start=s.start, end=s.end, subject=s.subject, audience=s.audience, session=s)
        for s in sessions
        if s.slot_id is None
    )
    return sorted(result, key=lambda o: (o.date, o.start, str(o.audience)))


def _grid(days, occ: list[Occurrence]) -> WeekGrid:
    bands = sorted({(o.start, o.end) for o in occ})
    grid = WeekGrid(days=days, bands=bands)
    index = {band: i for i, band in enumerate(bands)}
    for o in occ:
        grid.cells.setdefault((index[(o.start, o.end)], o.date), []).append(o)
    return grid


_RELATED = ("subject", "division", "group")
_SESSION_RELATED = (*_RELATED, "tool", "hybrid_remote_division")
_NAMES_SEPARATOR = ", "


def _teachers_joined(model) -> Subquery:
    """The teachers of each row of ``model`` (slot or session) as families name them, "Mme BERNARD"
    (or "Claire MARTIN" without a civility), joined in one string: a subquery of the row's own query,
    so that the week names its teachers without a query more."""
    through = model.teachers.through
    owner = f"{model._meta.model_name}_id"
    name = Concat(
        Case(When(staff__civility="", then=F("staff__first_name")), default=F("staff__civility")),
        Value(" "),
        F("staff__last_name"),
        output_field=TextField(),
    )
    joined = (
        through.objects.filter(**{owner: OuterRef("pk")})
        .order_by()
        .values(owner)
        .annotate(joined=Joined(name, separator=_NAMES_SEPARATOR))
        .values("joined")
    )
    return Subquery(joined, output_field=TextField())


def teacher_week(staff, monday: dt.date) -> WeekGrid:
    """A teacher's week: 5 queries (days, his slots, sessions naming him, the week's sessions, his work)."""
    days = week_days(staff.etablissement_id, monday)
    slots = list(TimetableSlot.objects.taught_by(staff).current().select_related(*_RELATED))
    start, end = week_bounds(monday)
    sessions = list(
        Session.objects.in_week(monday)
        .filter(
            taught_by_q(staff, start=start, end=end, slot_ids=[s.pk for s in slots]),
            etablissement_id=staff.etablissement_id,
        )
        .select_related(*_SESSION_RELATED)
    )
    grid = _grid(days, occurrences(slots, sessions, days))
    grid.homework = list(
        Homework.objects.given_by(staff)
        .filter(etablissement_id=staff.etablissement_id)
        .filter(Q(due_date__range=(start, end)) | Q(given_on__range=(start, end)))
        .select_related(*_RELATED)
        .order_by("due_date", "pk")
    )
    return grid


def student_week(student, monday: dt.date) -> WeekGrid:
    """A student's week: 4 queries (days, slots, sessions, work due with "done" for him)."""
    days = week_days(student.etablissement_id, monday)
    audience = audience_q_for_student(student)
    # each slot and session with its teachers' names, for the week read day by day
    slots = list(
        TimetableSlot.objects.current()
        .filter(audience, etablissement_id=student.etablissement_id)
        .select_related(*_RELATED)
        .annotate(teachers_joined=_teachers_joined(TimetableSlot))
    )
    sessions = list(
        Session.objects.in_week(monday)
        .filter(audience, etablissement_id=student.etablissement_id)
        .select_related(*_SESSION_RELATED)
        .annotate(teachers_joined=_teachers_joined(Session))
    )
    grid = _grid(days, occurrences(slots, sessions, days))
    grid.homework = list(
        Homework.objects.due_in_week(monday)
        .filter(audience, etablissement_id=student.etablissement_id)
        .select_related(*_RELATED, "created_by")
        .annotate(done=Exists(HomeworkDone.objects.filter(homework=OuterRef("pk"), student=student)))
        .order_by("due_date", "pk")
    )
    grid.half = student_half(student)
    grid.situation = mark_situations(
        [o for entries in grid.cells.values() for o in entries], half=grid.half, division_id=student.division_id
    )
    return grid


# --- A student's own situation in hybrid sessions (his week, the home pages) ---------------------------


def student_half(student) -> str | None:
    """The student's half-group ("A"/"B") in his own division, or None: 1 query."""
    return (
        Student.groups.through.objects.filter(
            student_id=student.pk, group__kind="demi", group__division_id=student.division_id
        )
        .values_list("group__half", flat=True)
        .first()
    )


def mark_situations(entries, *, half: str | None, division_id: int | None) -> str | None:
    """Set ``situation`` ("classe"/"distance") on each hybrid entry and say the week's, no query.

    ``entries`` are ``Occurrence`` objects (or anything with ``session`` and ``situation``), the
    sessions read with their ``hybrid_remote_division``. Returns "classe" or "distance" when every
    hybrid session of the list puts the student in the same place, "mixte" when it differs, None
    without a hybrid session; "classe_distance" when every lesson is at a distance with no half in
    the room (the whole division switched). The same rule as the workload (``Session.situation_of``).
    """
    seen = set()
    all_remote, held = True, 0
    for entry in entries:
        session = entry.session
        if session is None:
            all_remote, held = False, held + 1
            continue
        if session.modality == Modality.CANCELLED:
            continue
        held += 1
        entry.situation = session.situation_of(half=half, division_id=division_id)
        if entry.situation:
            seen.add(entry.situation)
        if session.modality == Modality.PRESENCE or entry.situation == "classe":
            all_remote = False
    if held and all_remote and not any(getattr(e.session, "hybrid_room_half", "") for e in entries):
        # A switched division: every lesson at a distance, no half in the room (not a half-group rota).
        return "classe_distance"
    if not seen:
        return None
    return seen.pop() if len(seen) == 1 else "mixte"


def division_heatmap(division: Division, monday: dt.date, thresholds: Thresholds) -> dict:
    """The form tutor's view: 6 queries (days, loads, memberships, teachers' shares × 2, the week's work)."""
    days = week_days(division.etablissement_id, monday)
    students = Student.objects.current().filter(division=division)
    rows = student_loads(students=students, days=days)
    load = audience_load(rows, days, thresholds)
    memberships = defaultdict(set)
    labels = {}
    for student_id, group_id, code in Student.groups.through.objects.filter(student__in=students).values_list(
        "student_id", "group_id", "group__code"
    ):
        memberships[group_id].add(student_id)
        labels[group_id] = code
    groups = [
        (labels[gid], audience_load([r for r in rows if r.student_id in ids], days, thresholds))
        for gid, ids in sorted(memberships.items(), key=lambda item: labels[item[0]])
    ]
    start, end = week_bounds(monday)
    audience = Q(division_id=division.pk) | Q(group_id__in=sorted(memberships))
    homework_share = (
        Homework.objects.filter(audience, due_date__range=(start, end), etablissement_id=division.etablissement_id)
        .values("created_by__first_name", "created_by__last_name")
        .annotate(minutes=Sum("estimated_minutes"))
        .order_by("-minutes")
    )
    session_share = (
        Session.objects.filter(
            audience,
            date__range=(start, end),
            modality__in=[Modality.VISIO, Modality.HYBRIDE],
            etablissement_id=division.etablissement_id,
        )
        .values("teachers__first_name", "teachers__last_name")
        .annotate(minutes=Sum("minutes"))
        .order_by("-minutes")
    )
    shares: dict[str, dict] = defaultdict(lambda: {"async_minutes": 0, "video": 0})
    for row in homework_share:
        name = f"{row['created_by__first_name'] or ''} {row['created_by__last_name'] or ''}".strip() or "—"
        shares[name]["async_minutes"] += row["minutes"] or 0
    for row in session_share:
        name = f"{row['teachers__first_name'] or ''} {row['teachers__last_name'] or ''}".strip() or "—"
        shares[name]["video"] += row["minutes"] or 0
    homework = (
        Homework.objects.filter(audience, due_date__range=(start, end), etablissement_id=division.etablissement_id)
        .select_related("subject", "division", "group", "created_by")
        .order_by("due_date", "pk")
    )
    return {
        "days": days,
        "load": load,
        "groups": groups,
        "homework": list(homework),
        "shares": sorted(shares.items(), key=lambda item: -(item[1]["async_minutes"] + item[1]["video"])),
        "student_rows": sorted(rows, key=lambda r: -r.week.total_minutes)[:5],
    }


def _week_title(monday: dt.date, days) -> str:
    from continuite.french import week_label

    label = week_label(
        monday,
        next((d.week_parity for d in days), ""),
        last_day=max((d.date for d in days), default=None),
    )
    return label[:1].upper() + label[1:]


def school_overview(etablissement_id: int, mondays: list[dt.date], thresholds: Thresholds) -> list[dict]:
    """Per week, every current division with its load: 3 queries (divisions, days, loads) for any number of weeks."""
    divisions = list(Division.objects.filter(etablissement_id=etablissement_id).current().order_by("level", "code"))
    students = Student.objects.current().filter(etablissement_id=etablissement_id, division__isnull=False)
    all_days = list(SchoolDay.objects.filter(etablissement_id=etablissement_id).in_weeks(mondays))
    # the loads of every week in one aggregate, then cut into weeks
    rows = student_loads(students=students, days=all_days)
    weeks = []
    for monday in mondays:
        start, end = week_bounds(monday)
        days = [d for d in all_days if start <= d.date <= end]
        by_division = defaultdict(list)
        for row in rows:
            by_division[row.division_id].append(row.on_days(days))
        entries = [(d, audience_load(by_division.get(d.pk, []), days, thresholds)) for d in divisions]
        weeks.append(
            {
                "monday": monday,
                "days": days,
                # "Semaine 49 (B) du 30 novembre au 5 décembre": the parity, and Saturday when it has classes.
                "label": _week_title(monday, days),
                "divisions": entries,
                "over": [(d, load) for d, load in entries if load.is_over],
            }
        )
    return weeks


def audience_items(*, etablissement_id: int, students, monday: dt.date, exclude_staff_id: int | None) -> dict:
    """What other teachers put on these students this week: 3 queries (their divisions and groups, work, sessions)."""
    start, end = week_bounds(monday)
    audience = audience_q_for_students(students)
    homework = (
        Homework.objects.filter(audience, due_date__range=(start, end), etablissement_id=etablissement_id)
        .exclude(created_by_id=exclude_staff_id or 0)
        .select_related("subject", "division", "group", "created_by")
        .order_by("due_date", "pk")
    )
    sessions = (
        Session.objects.filter(
            audience,
            date__range=(start, end),
            modality__in=[Modality.VISIO, Modality.HYBRIDE],
            etablissement_id=etablissement_id,
        )
        .exclude(teachers=exclude_staff_id or 0)
        .select_related("subject", "division", "group")
        .order_by("date", "start")
    )
    return {"homework": list(homework), "sessions": list(sessions)}


def next_lesson_date(staff, *, division=None, group=None, after: dt.date) -> dt.date | None:
    """The next school day after ``after`` on which ``staff`` sees the audience: the natural "pour le".

    Two queries (his slots of that audience, the school days of the next four weeks). A half-group
    meets its teacher in its division's slots too.
    """
    if staff is None or (division is None and group is None):
        return None
    audience = Q(division_id=division.pk) if division else Q(group_id=group.pk)
    if group is not None and group.division_id:
        audience |= Q(division_id=group.division_id)
    slots = list(TimetableSlot.objects.taught_by(staff).current().filter(audience))
    if not slots:
        return None
    days = SchoolDay.objects.filter(
        etablissement_id=staff.etablissement_id,
        date__gt=after,
        date__lte=after + dt.timedelta(days=28),
        is_holiday=False,
    ).order_by("date")
    return next(
        (day.date for day in days if any(s.runs_on(day) for s in slots)),
        None,
    )


@dataclass
class DrawnGroup:
    """A group some of a division's students attend, and the other divisions its students come from."""

    group: object
    other_divisions: list[str]
    has_lessons: bool = True

    @property
    def is_shared(self) -> bool:
        """Shared with other divisions and taught in the timetable: a switch must decide for it."""
        return bool(self.other_divisions) and self.has_lessons


def groups_drawn_from(division: Division) -> list[DrawnGroup]:
    """The groups (spécialités, options, half-groups) a division's current students attend: 3 queries.

    A group whose other students come from divisions that are not switched, and that has lessons
    in the timetable, is shared: switching the division asks what to do with it.
    """
    from continuite.ecole.models import Group

    through = Student.groups.through
    own_groups = through.objects.filter(student__division=division, student__exit_date__isnull=True).values("group_id")
    rows = (
        through.objects.filter(group_id__in=own_groups, student__exit_date__isnull=True)
        .values_list("group_id", "student__division_id", "student__division__code")
        .distinct()
    )
    others: dict[int, set[str]] = defaultdict(set)
    for group_id, division_id, code in rows:
        others.setdefault(group_id, set())
        if division_id is not None and division_id != division.pk:
            others[group_id].add(code)
    groups = Group.objects.in_bulk(list(others))
    taught = set(TimetableSlot.objects.current().filter(group_id__in=list(others)).values_list("group_id", flat=True))
    return sorted(
        (
            DrawnGroup(group=groups[pk], other_divisions=sorted(codes), has_lessons=pk in taught)
            for pk, codes in others.items()
            if pk in groups
        ),
        key=lambda d: (d.group.kind != "demi", d.group.code),
    )
