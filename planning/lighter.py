"""Lighter days: where the gauge proposes to move a piece of work that overloads its due date.

The rule (said the same way in the gauge): a lighter day is a school day

- after today and after the day the work is given (never in the past, never the same day: the
  students need time to do it), and other than the due date being considered;
- in the week of that due date or in the next one;
- where the work's minutes keep the audience (its most loaded student) under the daily limit of
  work, and an évaluation under the daily limit of évaluations; in the next week, under the weekly
  limits of that week too (the work then adds to it).

The lightest two are proposed, the nearest first among equals. Two queries, whatever the size of
the audience: the school days of the two weeks, and the students' loads over them (one aggregate).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .models import SchoolDay
from .queries import monday_of
from .workload import DayCell, Thresholds, audience_load, student_loads

PROPOSED = 2


def lighter_days(
    *,
    etablissement_id: int,
    students,
    due_date: dt.date,
    given_on: dt.date,
    today: dt.date,
    minutes: int,
    is_assessment: bool,
    thresholds: Thresholds,
    exclude_homework_id: int | None = None,
) -> list[DayCell]:
    monday = monday_of(due_date)
    days = list(
        SchoolDay.objects.filter(
            etablissement_id=etablissement_id, date__range=(monday, monday + dt.timedelta(days=13))
        ).order_by("date")
    )
    earliest = max(today, given_on) + dt.timedelta(days=1)
    open_days = [d for d in days if not d.is_holiday and d.date >= earliest and d.date != due_date]
    if not open_days:
        return []
    rows = student_loads(students=students, days=days, exclude_homework_id=exclude_homework_id)
    cells = audience_load(rows, days, thresholds).days
    # Per week, the work of the most loaded student: a day of the next week adds the minutes to it.
    week_work: dict[dt.date, int] = defaultdict(int)
    week_assessments: dict[dt.date, int] = defaultdict(int)
    for row in rows:
        per_week: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
        for date, load in row.days.items():
            per_week[monday_of(date)][0] += load.async_minutes
            per_week[monday_of(date)][1] += load.assessments
        for week, (work, assessments) in per_week.items():
            week_work[week] = max(week_work[week], work)
            week_assessments[week] = max(week_assessments[week], assessments)
    allowed = {d.date for d in open_days}
    candidates = []
    for cell in cells:
        date = cell.day.date
        if date not in allowed:
            continue
        if cell.load.async_minutes + minutes > thresholds.async_day:
            continue
        if is_assessment and cell.load.assessments + 1 > thresholds.assessments_day:
            continue
        week = monday_of(date)
        if week != monday and (
            week_work[week] + minutes > thresholds.async_week
            or (is_assessment and week_assessments[week] + 1 > thresholds.assessments_week)
        ):
            continue
        candidates.append(cell)
    return sorted(candidates, key=lambda c: (c.load.async_minutes + c.load.video, c.day.date))[:PROPOSED]
