"""Retention of the notifications: a notice read (or delivered by email only) has done its work.

Picked up by the audit app's retention job as ``continuite.notifications.retention.RULES``.
A notification is deleted 12 months after it was written once it is done with: read in the portal,
or sent by email without a portal copy. One that nobody read is kept 24 months at most, so that a
guardian who logs in rarely still finds the school's last notices. A notice still waiting to be
delivered is never deleted: the outbox must not lose what it has to send.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from continuite.audit.retention import Rule, months_before

DONE_RETENTION_MONTHS = 12
UNREAD_RETENTION_MONTHS = 24


def _months_ago(now: dt.datetime, months: int) -> dt.datetime:
    day = months_before(now.date(), months)
    return now.replace(year=day.year, month=day.month, day=day.day)


def purge_notifications(now: dt.datetime, dry_run: bool) -> int:
    """Delete notifications past their keeping time (never one still to deliver)."""
    from .models import Notification, Status

    done = Q(read_at__isnull=False) | Q(channel_portal=False)
    stale = Notification.objects.exclude(status__in=[Status.PENDING, Status.SENDING, Status.DIGEST]).filter(
        (done & Q(created_at__lt=_months_ago(now, DONE_RETENTION_MONTHS)))
        | Q(created_at__lt=_months_ago(now, UNREAD_RETENTION_MONTHS))
    )
    count = stale.count()
    if not dry_run and count:
        stale.delete()
    return count


RULES = [
    Rule(
        "notifications",
        purge_notifications,
        format_lazy(
            _(
                "Notifications : supprimées {done} mois après leur envoi une fois lues (ou envoyées par courriel "
                "seulement), {unread} mois après au plus tard si personne ne les a lues."
            ),
            done=DONE_RETENTION_MONTHS,
            unread=UNREAD_RETENTION_MONTHS,
        ),
    )
]
