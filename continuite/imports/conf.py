"""Periodic tasks of the imports, merged into CELERY_BEAT_SCHEDULE by the settings."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "imports-planned-exits-nightly": {
        "task": "continuite.imports.tasks.apply_planned_exits",
        "schedule": crontab(hour=0, minute=20),
    },
}
