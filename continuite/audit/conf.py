"""Periodic tasks of the audit app, merged into CELERY_BEAT_SCHEDULE by the settings."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "audit-retention-nightly": {
        "task": "continuite.audit.tasks.retention_apply",
        "schedule": crontab(hour=3, minute=15),
    },
}
