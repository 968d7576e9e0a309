"""Thin Celery tasks: they take ids and call the services; all are safe to run twice."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def deliver_notification(notification_id: int) -> str:
    return services.notification_deliver(notification_id=notification_id)


@shared_task(ignore_result=True)
def sweep_notifications() -> int:
    return services.notifications_sweep()


@shared_task(ignore_result=True)
def send_digests() -> int:
    return services.digests_send()
