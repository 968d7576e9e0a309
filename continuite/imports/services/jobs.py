"""Import jobs and their steps: store the upload, check it (dry run), start, apply, fail."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuite.ecole.models import Etablissement, SchoolYear
from continuite.ecole.services import current_school_year

from ..models import ImportJob, ImportKind, ImportStatus
from ..parsers.common import Problems
from ..parsers.siecle import ELEVES_FILE, RESPONSABLES_FILE, parse_eleves, parse_responsables
from ..parsers.sts import EXPECTED_FILE as STS_FILE
from ..parsers.sts import parse_sts
from ..parsers.timetable import parse_edt, parse_udt
from .accounts import invitable_people
from .directory import plan_eleves, plan_responsables, plan_sts
from .reports import Plan
from .timetable import plan_timetable

PARSERS = {
    ImportKind.STS: parse_sts,
    ImportKind.SIECLE_ELEVES: parse_eleves,
    ImportKind.SIECLE_RESPONSABLES: parse_responsables,
    ImportKind.EDT: parse_edt,
    ImportKind.UDT: parse_udt,
}
EXPECTED_FILES = {
    ImportKind.STS: STS_FILE,
    ImportKind.SIECLE_ELEVES: ELEVES_FILE,
    ImportKind.SIECLE_RESPONSABLES: RESPONSABLES_FILE,
}


@transaction.atomic
def import_job_create(*, etablissement: Etablissement, kind: str, filename: str, content: bytes, created_by=None):
    """Store an uploaded file as a job, before any check."""
    if kind not in ImportKind.values:
        raise ValidationError(_("Type de fichier inconnu."))
    if not content:
        raise ValidationError(_("Le fichier est vide."))
    return ImportJob.objects.create(
        etablissement=etablissement, kind=kind, filename=filename[:255], content=content, created_by=created_by
    )


def _build_plan(job: ImportJob) -> tuple[Plan, SchoolYear]:
    etablissement = job.etablissement
    year = current_school_year(etablissement)
    parsed = PARSERS[ImportKind(job.kind)](bytes(job.content))
    _check_header(job.kind, etablissement, year, parsed)
    builder = {
        ImportKind.STS: plan_sts,
        ImportKind.SIECLE_ELEVES: plan_eleves,
        ImportKind.SIECLE_RESPONSABLES: plan_responsables,
        ImportKind.EDT: plan_timetable,
        ImportKind.UDT: plan_timetable,
    }[ImportKind(job.kind)]
    plan = Plan(problems=Problems(parsed.problems))
    builder(plan, etablissement, year, parsed, timezone.localdate())
    return plan, year


def _check_header(kind: str, etablissement: Etablissement, year: SchoolYear, parsed) -> None:
    """The UAJ and the school year of STS-web and SIECLE files must be this school's and this year's."""
    if kind not in EXPECTED_FILES:
        return
    if parsed.uai != etablissement.uai:
        raise ValidationError(
            _(
                "Ce fichier est celui de l'établissement %(found)s, pas de %(uai)s (%(name)s) : "
                "vérifiez que vous avez exporté %(file)s depuis le bon établissement."
            )
            % {
                "found": parsed.uai or "?",
                "uai": etablissement.uai,
                "name": etablissement.name,
                "file": EXPECTED_FILES[kind],
            }
        )
    if parsed.year != year.start.year:
        found = f"{parsed.year}-{parsed.year + 1}" if parsed.year else "?"
        raise ValidationError(
            _(
                "Ce fichier porte sur l'année scolaire %(found)s, alors que l'année en cours du portail est "
                "%(year)s. SIECLE et STS-web basculent sur l'année suivante en juin ou en septembre : "
                "exportez le fichier de l'année %(year)s."
            )
            % {"found": found, "year": year.label}
        )


def _set_progress(job: ImportJob, progress: int) -> None:
    # The rows of the job are written in the import's transaction, invisible until it commits:
    # the progress bar reads the cache meanwhile.
    cache.set(progress_cache_key(job.pk), progress, 3600)


def progress_cache_key(job_id: int) -> str:
    return f"imports:job:{job_id}:progress"


def import_progress(job: ImportJob) -> int:
    """The job's progress, from the cache while it runs (the row only changes when it commits)."""
    if job.status == ImportStatus.RUNNING:
        return int(cache.get(progress_cache_key(job.pk), job.progress))
    return job.progress


def import_check(job: ImportJob) -> ImportJob:
    """Dry run: parse, check the file and compute the plan, without writing a row of the directory."""
    try:
        plan, _year = _build_plan(job)
    except ValidationError as exc:
        job.status = ImportStatus.FAILED
        job.report = {"error": " ".join(exc.messages), "counts": {}, "totals": {}, "problems": []}
    else:
        job.status = ImportStatus.CHECKED
        job.report = plan.report()
    job.save(update_fields=["status", "report"])
    return job


@transaction.atomic
def import_start(*, job: ImportJob) -> ImportJob:
    """Mark a checked job as running and enqueue its application once this transaction commits."""
    from ..tasks import run_import

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.CHECKED:
        raise ValidationError(_("Seul un import vérifié, pas encore appliqué, peut être lancé."))
    job.status = ImportStatus.RUNNING
    job.progress = 0
    job.save(update_fields=["status", "progress"])
    transaction.on_commit(lambda: run_import.delay(job.pk))
    return job


@transaction.atomic
def import_apply(job: ImportJob) -> ImportJob:
    """Apply the plan in one transaction; any error rolls every write back (the job says why)."""
    plan, _year = _build_plan(job)
    total = max(len(plan.steps), 1)
    for index, step in enumerate(plan.steps, start=1):
        step()
        _set_progress(job, 5 + int(90 * index / total))
    job.status = ImportStatus.DONE
    job.progress = 100
    job.report = plan.report()
    job.report["invitable"] = invitable_people(job.etablissement).count_all() if job.kind in EXPECTED_FILES else 0
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "report", "finished_at"])
    cache.delete(progress_cache_key(job.pk))
    return job


def import_fail(job: ImportJob, message: str) -> None:
    """Record a failed application; the directory was rolled back by ``import_apply``'s transaction."""
    report = dict(job.report or {})
    report["error"] = message
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, report=report, finished_at=timezone.now(), progress=0
    )
    cache.delete(progress_cache_key(job.pk))


def import_run(job: ImportJob) -> ImportJob:
    """Check, then apply: what the management commands do in one go."""
    import_check(job)
    if job.status == ImportStatus.FAILED:
        return job
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        return import_apply(job)
    except ValidationError as exc:
        import_fail(job, " ".join(exc.messages))
    job.refresh_from_db()
    return job
