"""Thin Celery tasks: they take ids and call the services; all are safe to run twice."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def deliver_notifications(notification_ids: list[int]) -> dict[str, int]:
    """A batch of notices (see services._enqueue); each is claimed on its own, so a batch may run twice."""
    outcomes: dict[str, int] = {}
    for notification_id in notification_ids:
        outcome = services.notification_deliver(notification_id=notification_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@shared_task(ignore_result=True)
def sweep_notifications() -> int:
    return services.notifications_sweep()


@shared_task(ignore_result=True)
def send_digests() -> int:
    return services.digests_send()
