"""Thin Celery tasks: they take ids and call the services; all are safe to run twice."""

from celery import shared_task

from continuite.ecole.models import Etablissement

from . import services


@shared_task(ignore_result=True)
def compute_signals(etablissement_id: int) -> int:
    return len(services.signals_compute(etablissement=etablissement_id))


@shared_task(ignore_result=True)
def compute_all_signals() -> int:
    for pk in Etablissement.objects.values_list("pk", flat=True):
        compute_signals.delay(pk)
    return 0


@shared_task(ignore_result=True)
def notify_reviews_due() -> int:
    return sum(services.reviews_due_notify(etablissement=etab) for etab in Etablissement.objects.all())
