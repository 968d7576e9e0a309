"""Periodic tasks of the accounts app."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

SUBMISSIONS_KEPT = dt.timedelta(days=2)


@shared_task
def submissions_purge() -> int:
    """Forget the one-time form tokens after two days (a replay that late is a new action)."""
    from .models import SubmittedForm

    deleted, _ = SubmittedForm.objects.filter(created_at__lt=timezone.now() - SUBMISSIONS_KEPT).delete()
    return deleted
