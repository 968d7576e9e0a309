"""Overload alerts: when a division's week goes over a threshold, its form tutors are told.

A new alert goes when a rule is newly exceeded (a day or the week) or when an excess already told
grows; nothing is sent while the week stays as it was told or gets lighter. What was told is kept
per division and week in ``OverloadRecord`` (rule → the highest figure told; a rule back under its
threshold is forgotten, so exceeding it again alerts again).
"""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from continuite import french
from continuite.ecole.models import Division, Student

from .models import OverloadRecord, SchoolDay
from .queries import week_bounds
from .workload import AudienceLoad, Excess, Thresholds, audience_load, student_loads

OVERLOAD_KIND = "planning.overload"
OVERLOAD_TEMPLATE = "planning/notifications/overload"

_deferred = threading.local()


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


@contextmanager
def overload_checks_deferred():
    """Run the checks of many changes once per division and week, when the block ends (a switch, a copy)."""
    outer = getattr(_deferred, "pending", None)
    if outer is not None:  # already deferred by an enclosing block: it will run them
        yield
        return
    _deferred.pending = {}
    try:
        yield
        pending = _deferred.pending
    finally:
        _deferred.pending = None
    for (division_id, group_id, monday), etablissement in pending.items():
        overload_check(etablissement=etablissement, division_id=division_id, group_id=group_id, monday=monday)


def _excess_line(excess: Excess, previous: dict) -> dict:
    when = french.long_date(excess.date, year=False) if excess.date else _("sur la semaine")
    value = f"{excess.value} {excess.unit}".strip()
    told = previous.get(excess.key)
    return {
        "when": when,
        "value": value,
        "limit": f"{excess.limit} {excess.unit}".strip(),
        "rule": excess.rule,
        "is_new": told is None,
        "grew_from": f"{told} {excess.unit}".strip() if told is not None and excess.value > told else "",
    }


def _changes(load: AudienceLoad, previous: dict) -> list[Excess]:
    """The excesses not told yet, or grown since they were told."""
    return [e for e in load.excesses if e.key not in previous or e.value > previous[e.key]]


@transaction.atomic
def overload_check(*, etablissement, division_id: int | None, group_id: int | None, monday: dt.date) -> list[int]:
    """Compute the week's load of the divisions touched by a change; tell their form tutors what is new.

    Returns the ids of the divisions over a threshold. Inside ``overload_checks_deferred()`` the
    check is only noted, and runs once when the block ends.
    """
    from continuite.notifications.services import notify

    from .services import planning_settings_get

    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending[(division_id, group_id, monday)] = etablissement
        return []
    division_ids = affected_division_ids(division_id=division_id, group_id=group_id)
    if not division_ids:
        return []
    days = list(SchoolDay.objects.filter(etablissement=etablissement, date__range=week_bounds(monday)))
    if not days:
        return []
    thresholds = Thresholds.of(planning_settings_get(etablissement=etablissement))
    records = {
        r.division_id: r
        for r in OverloadRecord.objects.select_for_update().filter(division_id__in=division_ids, monday=monday)
    }
    over = []
    for division in Division.objects.filter(pk__in=division_ids).prefetch_related("form_tutors__user"):
        rows = student_loads(students=Student.objects.current().filter(division=division), days=days)
        load = audience_load(rows, days, thresholds)
        record = records.get(division.pk) or OverloadRecord(division=division, monday=monday, exceeded={})
        previous = dict(record.exceeded)
        changes = _changes(load, previous)
        told = {e.key: max(e.value, previous.get(e.key, 0)) for e in load.excesses}
        if load.is_over:
            over.append(division.pk)
        if not changes:
            if told != previous and record.pk:
                record.exceeded = told
                record.save(update_fields=["exceeded", "updated_at"])
            continue
        record.exceeded = told
        record.alerts_sent += 1
        record.save()
        new_rules = []
        for excess in changes:
            if excess.rule not in new_rules:
                new_rules.append(excess.rule)
        context = {
            "division": division.code,
            "week": f"{french.day_month(monday)} {monday.year}",
            "rules": new_rules,
            "excesses": [_excess_line(e, previous) for e in load.excesses],
            "is_follow_up": record.alerts_sent > 1,
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
                idempotency_key=(
                    f"planning:overload:{division.pk}:{monday.isoformat()}:{record.alerts_sent}:{tutor.user.pk}"
                ),
                related=division,
                # Several teachers make a week's load: the tutor's answer goes to the school's address.
                reply_to=etablissement.contact_email,
            )
    return over
