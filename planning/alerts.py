"""Overload alerts: when a division's week goes over a threshold, its form tutors are told (once)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format

from continuite.ecole.models import Division, Student

from .models import SchoolDay
from .queries import week_bounds
from .workload import Thresholds, audience_load, student_loads

OVERLOAD_KIND = "planning.overload"
OVERLOAD_TEMPLATE = "planning/notifications/overload"


def affected_division_ids(*, division_id: int | None, group_id: int | None) -> list[int]:
    if division_id:
        return [division_id]
    return sorted(
        set(
            Student.objects.current()
            .filter(groups=group_id, division__isnull=False)
            .values_list("division_id", flat=True)
            .distinct()
        )
    )


def overload_check(*, etablissement, division_id: int | None, group_id: int | None, monday: dt.date) -> list[int]:
    """Compute the week's load of the divisions touched by a change; notify their form tutors when over.

    The idempotency key (division, week, tutor) makes the notice go once per week, however many
    changes follow. Returns the ids of the divisions over a threshold.
    """
    from continuite.notifications.services import notify

    from .services import planning_settings_get

    division_ids = affected_division_ids(division_id=division_id, group_id=group_id)
    if not division_ids:
        return []
    days = list(SchoolDay.objects.filter(etablissement=etablissement, date__range=week_bounds(monday)))
    if not days:
        return []
    thresholds = Thresholds.of(planning_settings_get(etablissement=etablissement))
    over = []
    for division in Division.objects.filter(pk__in=division_ids).prefetch_related("form_tutors__user"):
        rows = student_loads(students=Student.objects.current().filter(division=division), days=days)
        load = audience_load(rows, days, thresholds)
        if not load.is_over:
            continue
        over.append(division.pk)
        context = {
            "division": division.code,
            "week": date_format(monday, "j F Y"),
            "over_days": [
                {"date": date_format(cell.day.date, "l j F"), "overs": cell.overs, "load": cell.load}
                for cell in load.days
                if cell.overs
            ],
            "week_overs": load.week_overs,
            "week_load": load.week,
            "video_share": load.video_share,
            "url": settings.SITE_URL
            + reverse("planning:division_load", kwargs={"pk": division.pk})
            + f"?semaine={monday.isoformat()}",
        }
        for tutor in division.form_tutors.all():
            if tutor.user is None:
                continue
            notify(
                etablissement=etablissement,
                kind=OVERLOAD_KIND,
                template=OVERLOAD_TEMPLATE,
                context=context,
                user=tutor.user,
                idempotency_key=f"planning:overload:{division.pk}:{monday.isoformat()}:{tutor.user.pk}",
                related=division,
            )
    return over
