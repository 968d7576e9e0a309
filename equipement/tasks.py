"""Celery tasks of the equipment app: thin, idempotent (the outbox keys make a rerun a no-op)."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def send_loan_reminders() -> int:
    return services.loan_reminders_send(today=timezone.localdate())
