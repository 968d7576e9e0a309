"""Periodic tasks of the equipment app, merged into CELERY_BEAT_SCHEDULE by the settings."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Reminders before and after each loan's return date; each one is sent once (outbox keys).
    "equipement-loan-reminders": {
        "task": "equipement.tasks.send_loan_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
}
