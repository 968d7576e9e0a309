"""Periodic tasks of suivi, merged into CELERY_BEAT_SCHEDULE by the settings."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # The signals of every school, each night and at lunchtime (registers also trigger them).
    "suivi-signals": {"task": "suivi.tasks.compute_all_signals", "schedule": crontab(minute=30, hour="2,13")},
    # Reviews due today, to each CPE (idempotent per day; the outbox puts it in his digest if he wants one).
    "suivi-reviews-due": {"task": "suivi.tasks.notify_reviews_due", "schedule": crontab(minute=0, hour=7)},
}
