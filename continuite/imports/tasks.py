from celery import shared_task
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import ImportJob, ImportStatus
from .services import import_apply, import_fail, planned_exits_apply


@shared_task
def run_import(job_id: int) -> None:
    """Apply a job marked as running. Idempotent: the first run claims the job; a re-delivery does nothing."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING, started_at__isnull=True).update(
        started_at=timezone.now(), progress=5
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("etablissement").get(pk=job_id)
    try:
        import_apply(job)
    except ValidationError as exc:
        import_fail(job, " ".join(exc.messages))
    except Exception:
        import_fail(job, "Erreur inattendue pendant l'import : aucune donnée n'a été modifiée.")
        raise


@shared_task
def apply_planned_exits() -> int:
    """Nightly: the leaving dates SIECLE gave in advance take effect on their day."""
    return planned_exits_apply()
