"""Conflicts of the timetable: nobody in two places at once.

Two versions of slots conflict when they can meet on one date and share someone:

- **meet**: the same weekday, times that overlap (08:00–09:00 and 09:00–10:00 do not), week
  patterns that can fall on the same week (semaine A and semaine B never do; "toutes les
  semaines" meets both), and validity periods that overlap (a slot changed from a date ends the
  day before; its old and new versions never meet);
- **share**: a teacher, a room (the same name, case ignored), or students — a division and a
  group drawn from it, two groups with a student in common, a half-group and its division
  (the two halves of a division share no student).

Both reads are a fixed number of queries, whatever the size of the school: ``slot_conflicts``
(a slot being entered or changed, before it is saved) and ``school_conflicts`` (every conflict
of a school's timetable, for instance after an import).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from continuite.ecole.models import Student

from .models import TimetableSlot, WeekPattern
from .queries import audience_students_q

KIND_LABELS = {
    "teacher": _("le même enseignant"),
    "room": _("la même salle"),
    "students": _("des élèves en commun"),
}


@dataclass
class SlotSpec:
    """A slot as it would be saved: the candidate of a creation or of a change."""

    etablissement_id: int
    school_year_id: int
    weekday: int
    start: dt.time
    end: dt.time
    teacher_ids: list[int]
    division_id: int | None = None
    group_id: int | None = None
    week_pattern: str = WeekPattern.ALL
    room: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


@dataclass
class Conflict:
    """Two slots that would put someone in two places at once, and why."""

    first: object  # a TimetableSlot or, for a candidate, the slot being changed (or None)
    second: TimetableSlot
    kinds: list[str] = field(default_factory=list)
    teachers: list[str] = field(default_factory=list)

    @property
    def first_label(self) -> str:
        return slot_label(self.first)

    @property
    def second_label(self) -> str:
        return slot_label(self.second)

    @property
    def reasons(self) -> str:
        parts = []
        for kind in self.kinds:
            if kind == "teacher" and self.teachers:
                parts.append(_("le même enseignant (%(names)s)") % {"names": ", ".join(self.teachers)})
            elif kind == "room":
                parts.append(_("la même salle (%(room)s)") % {"room": self.second.room})
            else:
                parts.append(str(KIND_LABELS[kind]))
        if len(parts) > 1:
            return _("%(first)s et %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}
        return parts[0]


def slot_label(slot) -> str:
    """ "lundi 08:00–09:00 (semaine A), 1G3, Mathématiques, M. DUPONT, salle B104": what a person reads."""
    from .models import WEEKDAY_NAMES

    parts = [f"{WEEKDAY_NAMES[slot.weekday]} {slot.start:%H:%M}–{slot.end:%H:%M}"]
    if slot.week_pattern != WeekPattern.ALL:
        parts[0] += f" ({WeekPattern(slot.week_pattern).label.lower()})"
    audience = slot.audience
    parts.append(getattr(audience, "code", str(audience)))
    parts.append(slot.subject.label)
    names = [str(t) for t in slot.teachers.all()]
    parts.append(", ".join(names) if names else _("sans enseignant"))
    parts.append(_("salle %(room)s") % {"room": slot.room} if slot.room else _("sans salle"))
    return ", ".join(parts)


def _meets_q(spec: SlotSpec) -> Q:
    q = Q(
        etablissement_id=spec.etablissement_id,
        school_year_id=spec.school_year_id,
        weekday=spec.weekday,
        start__lt=spec.end,
        end__gt=spec.start,
    )
    if spec.week_pattern != WeekPattern.ALL:
        q &= Q(week_pattern__in=[WeekPattern.ALL, spec.week_pattern])
    if spec.valid_from is not None:
        q &= Q(valid_until__isnull=True) | Q(valid_until__gte=spec.valid_from)
    if spec.valid_until is not None:
        q &= Q(valid_from__isnull=True) | Q(valid_from__lte=spec.valid_until)
    return q


def slot_conflicts(spec: SlotSpec, *, exclude_ids=(), first=None) -> list[Conflict]:
    """The slots the candidate would conflict with: 3 queries (memberships, slots, their teachers).

    The audience's students are read once as the divisions and groups they belong to; the slots
    that meet the candidate are then filtered on those values (as ``audience_q_for_students``).
    """
    students = Student.objects.current().filter(
        audience_students_q(division_id=spec.division_id, group_id=spec.group_id),
        etablissement_id=spec.etablissement_id,
    )
    division_ids, group_ids = set(), set()
    for division_id, group_id in students.order_by().values_list("division_id", "groups").distinct():
        division_ids.add(division_id)
        group_ids.add(group_id)
    # The same audience, even without students yet.
    division_ids.add(spec.division_id)
    group_ids.add(spec.group_id)
    division_ids.discard(None)
    group_ids.discard(None)
    shares_students = Q(division_id__in=sorted(division_ids)) | Q(group_id__in=sorted(group_ids))
    teacher_ids = sorted(set(spec.teacher_ids))
    same_teacher = Exists(
        TimetableSlot.teachers.through.objects.filter(timetableslot_id=OuterRef("pk"), staff_id__in=teacher_ids)
    )
    room = spec.room.strip()
    shares = shares_students | Q(same_teacher=True)
    if room:
        shares |= Q(room__iexact=room)
    slots = (
        TimetableSlot.objects.annotate(same_teacher=same_teacher)
        .filter(_meets_q(spec))
        .filter(shares)
        .exclude(pk__in=list(exclude_ids))
        .select_related("subject", "division", "group")
        .prefetch_related("teachers")
        .order_by("weekday", "start", "pk")
    )
    conflicts = []
    for slot in slots:
        kinds, names = [], []
        if slot.same_teacher:
            kinds.append("teacher")
            names = [str(t) for t in slot.teachers.all() if t.pk in teacher_ids]
        if room and slot.room.strip().lower() == room.lower():
            kinds.append("room")
        if slot.division_id in division_ids or slot.group_id in group_ids:
            kinds.append("students")
        conflicts.append(Conflict(first=first, second=slot, kinds=kinds, teachers=names))
    return conflicts


# Every pair of slots of a school year that meet and share a teacher, a room or students. The
# audiences are keyed as integers (division: 2 × id, group: 2 × id + 1) so that the same SQL runs
# on SQLite and PostgreSQL; ``shared`` is the set of audience pairs with a student in common,
# MATERIALIZED (PostgreSQL ≥ 12, SQLite ≥ 3.35): PostgreSQL would otherwise inline it into the
# EXISTS and join the students with themselves again for every pair of slots (8 s on the demo
# lycée against 20 ms).
SCHOOL_CONFLICTS_SQL = """
WITH st AS ({students}),
members AS (
    SELECT s.id AS student_id, s.division_id * 2 AS aud
    FROM ecole_student s WHERE s.id IN (SELECT pk FROM st) AND s.division_id IS NOT NULL
    UNION ALL
    SELECT sg.student_id, sg.group_id * 2 + 1
    FROM ecole_student_groups sg WHERE sg.student_id IN (SELECT pk FROM st)
),
shared AS MATERIALIZED (
    SELECT DISTINCT m1.aud AS a, m2.aud AS b FROM members m1 JOIN members m2 ON m1.student_id = m2.student_id
),
sl AS (
    SELECT id, weekday, start, "end", week_pattern, LOWER(TRIM(room)) AS room, valid_from, valid_until,
           COALESCE(division_id * 2, group_id * 2 + 1) AS aud
    FROM planning_timetableslot
    WHERE etablissement_id = %s AND school_year_id = %s AND (valid_until IS NULL OR valid_until >= %s)
),
pairs AS (
    SELECT a.id AS a_id, b.id AS b_id, a.aud AS a_aud, b.aud AS b_aud, a.room AS a_room, b.room AS b_room
    FROM sl a JOIN sl b
      ON a.id < b.id AND a.weekday = b.weekday AND a.start < b."end" AND b.start < a."end"
     AND (a.week_pattern = %s OR b.week_pattern = %s OR a.week_pattern = b.week_pattern)
     AND (a.valid_until IS NULL OR b.valid_from IS NULL OR b.valid_from <= a.valid_until)
     AND (b.valid_until IS NULL OR a.valid_from IS NULL OR a.valid_from <= b.valid_until)
)
SELECT * FROM (
    SELECT p.a_id, p.b_id,
           CASE WHEN EXISTS (
               SELECT 1 FROM planning_timetableslot_teachers ta
               JOIN planning_timetableslot_teachers tb ON tb.staff_id = ta.staff_id
               WHERE ta.timetableslot_id = p.a_id AND tb.timetableslot_id = p.b_id
           ) THEN 1 ELSE 0 END AS same_teacher,
           CASE WHEN p.a_room <> '' AND p.a_room = p.b_room THEN 1 ELSE 0 END AS same_room,
           CASE WHEN p.a_aud = p.b_aud OR EXISTS (
               SELECT 1 FROM shared WHERE shared.a = p.a_aud AND shared.b = p.b_aud
           ) THEN 1 ELSE 0 END AS same_students
    FROM pairs p
) found
WHERE same_teacher = 1 OR same_room = 1 OR same_students = 1
ORDER BY a_id, b_id
"""


def school_conflicts(*, etablissement_id: int, school_year_id: int, today: dt.date) -> list[Conflict]:
    """Every conflict of the school's timetable still in force from ``today``: 3 queries.

    One query finds the pairs (see ``SCHOOL_CONFLICTS_SQL``); two read the slots named, with
    their subject, audience and teachers, to say them in full.
    """
    students_sql, students_params = (
        Student.objects.current()
        .filter(etablissement_id=etablissement_id)
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )
    params = [*students_params, etablissement_id, school_year_id, today, WeekPattern.ALL, WeekPattern.ALL]
    with connection.cursor() as cursor:
        cursor.execute(SCHOOL_CONFLICTS_SQL.format(students=students_sql), params)
        rows = cursor.fetchall()
    ids = {pk for row in rows for pk in row[:2]}
    slots = {
        s.pk: s
        for s in TimetableSlot.objects.filter(pk__in=sorted(ids))
        .select_related("subject", "division", "group")
        .prefetch_related("teachers")
    }
    conflicts = []
    for a_id, b_id, same_teacher, same_room, same_students in rows:
        first, second = slots[a_id], slots[b_id]
        kinds, names = [], []
        if same_teacher:
            kinds.append("teacher")
            other = {t.pk for t in second.teachers.all()}
            names = [str(t) for t in first.teachers.all() if t.pk in other]
        if same_room:
            kinds.append("room")
        if same_students:
            kinds.append("students")
        conflicts.append(Conflict(first=first, second=second, kinds=kinds, teachers=names))
    return sorted(conflicts, key=lambda c: (c.first.weekday, c.first.start, c.first.pk, c.second.pk))
