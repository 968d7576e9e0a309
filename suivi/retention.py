"""Retention: a closed case is kept until the end of the school year following its closure, then purged.

Picked up by the audit app's retention command as ``suivi.retention.RULES``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

# The school year ends on 31 August (the purge runs after that date).
YEAR_END_MONTH, YEAR_END_DAY = 8, 31


def school_year_end(day: dt.date) -> dt.date:
    """The last day of the school year that contains ``day``."""
    year = day.year if day.month <= YEAR_END_MONTH else day.year + 1
    return dt.date(year, YEAR_END_MONTH, YEAR_END_DAY)


def purge_limit(now: dt.datetime) -> dt.date:
    """Cases closed on or before this date are past their keeping time: closed in a school year that
    ended before the current one."""
    today = now.date()
    current_end = school_year_end(today)
    previous_end = dt.date(current_end.year - 1, YEAR_END_MONTH, YEAR_END_DAY)
    return dt.date(previous_end.year - 1, YEAR_END_MONTH, YEAR_END_DAY)


def purge_closed_cases(now: dt.datetime, dry_run: bool) -> int:
    """Delete the closed cases (timeline, actions, contacts, notices with them) past their time.

    A case closed in 2026-2027 is kept through 2027-2028 and purged once 2028-2029 has begun.
    """
    from .models import Case, FamilyContact, Flag

    stale = Case.objects.closed().filter(closed_at__date__lte=purge_limit(now))
    count = stale.count()
    if dry_run or not count:
        return count
    with transaction.atomic():
        ids = list(stale.values_list("pk", flat=True))
        Flag.objects.filter(case_id__in=ids).delete()
        FamilyContact.objects.filter(case_id__in=ids).delete()
        Case.objects.filter(pk__in=ids).delete()
    return count


RULES = [
    (
        "suivi.closed_cases",
        purge_closed_cases,
        _(
            "Dossiers de suivi clos (entretiens, actions, contacts avec la famille, avis) : supprimés à la fin "
            "de l'année scolaire qui suit leur clôture."
        ),
    )
]
