"""Periodic tasks of the notifications app, merged into CELERY_BEAT_SCHEDULE by the settings."""

BEAT_SCHEDULE = {
    # Re-enqueue what is due and no worker holds: a broker outage delays notices, loses none.
    "notifications-sweep": {"task": "continuite.notifications.tasks.sweep_notifications", "schedule": 60.0},
    # Each user's digest leaves at his school's digest time; the task is idempotent per user and day.
    "notifications-digests": {"task": "continuite.notifications.tasks.send_digests", "schedule": 900.0},
}
