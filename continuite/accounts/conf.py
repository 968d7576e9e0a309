"""Periodic tasks of the accounts app, merged into CELERY_BEAT_SCHEDULE by the settings."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "accounts-submissions-purge": {
        "task": "continuite.accounts.tasks.submissions_purge",
        "schedule": crontab(hour=3, minute=40),
    },
}
