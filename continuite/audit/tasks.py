from celery import shared_task

from .retention import retention_apply as _retention_apply


@shared_task(name="continuite.audit.tasks.retention_apply")
def retention_apply() -> dict:
    """Nightly: apply every retention rule (idempotent: a second run finds nothing to delete)."""
    return dict(_retention_apply())
