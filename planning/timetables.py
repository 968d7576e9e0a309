"""The week of a division and of a group, as its teachers, form tutors, the CPE and the direction read it.

A division's week holds its own slots and those of every group its students attend (half-groups,
spécialités, options): that is where its students are. Each selector makes a fixed number of
queries, whatever the number of slots, sessions, students or pieces of work.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from continuite.ecole.models import Division, Group, Student

from .models import Homework, Session, TimetableSlot
from .selectors import WeekGrid, _grid, occurrences, week_days
from .upcoming import subjects_shown

_RELATED = ("subject", "division", "group")


def _audience_week(etablissement_id: int, audience: Q, monday: dt.date) -> WeekGrid:
    """Days, slots, sessions and work due of an audience: 4 queries (+ 1 when some work has no subject)."""
    days = week_days(etablissement_id, monday)
    slots = list(
        TimetableSlot.objects.current().filter(audience, etablissement_id=etablissement_id).select_related(*_RELATED)
    )
    sessions = list(
        Session.objects.in_week(monday)
        .filter(audience, etablissement_id=etablissement_id)
        .select_related(*_RELATED, "tool")
    )
    grid = _grid(days, occurrences(slots, sessions, days))
    grid.homework = list(
        Homework.objects.due_in_week(monday)
        .filter(audience, etablissement_id=etablissement_id)
        .select_related(*_RELATED, "created_by")
        .order_by("due_date", "pk")
    )
    subjects_shown(grid.homework)
    return grid


def division_groups(division: Division) -> list[Group]:
    """The groups the division's current students attend, half-groups first: one query."""
    return list(
        Group.objects.filter(students__in=Student.objects.current().filter(division=division))
        .distinct()
        .order_by("kind", "code")
    )


def division_week(division: Division, monday: dt.date) -> tuple[WeekGrid, list[Group]]:
    """The division's week: its groups, then days, slots, sessions, work (5 queries)."""
    groups = division_groups(division)
    audience = Q(division_id=division.pk) | Q(group_id__in=[g.pk for g in groups])
    return _audience_week(division.etablissement_id, audience, monday), groups


def group_week(group: Group, monday: dt.date) -> WeekGrid:
    """The group's own week: days, slots, sessions, work (4 queries)."""
    return _audience_week(group.etablissement_id, Q(group_id=group.pk), monday)


def with_day_homework(grid: WeekGrid) -> list[tuple]:
    """[(day, [work due that day])] in the grid's order, for the grid's last row."""
    return [(day, [hw for hw in grid.homework if hw.due_date == day.date]) for day in grid.days]
