"""Import jobs and their steps: store the upload, check it (dry run), start, apply, fail."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from continuite.ecole.models import Etablissement, SchoolYear
from continuite.ecole.services import current_school_year

from ..models import ImportJob, ImportKind, ImportStatus
from ..parsers.common import MAX_UPLOAD_BYTES, Problems
from ..parsers.siecle import ELEVES_FILE, RESPONSABLES_FILE, parse_eleves, parse_responsables
from ..parsers.stored import dumps, loads
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
logger = logging.getLogger(__name__)
FILE_GONE = _lazy(
    "Le fichier de cet import a été supprimé (il n'est gardé que le temps de l'import) : déposez-le à nouveau."
)
EXPECTED_FILES = {
    ImportKind.STS: STS_FILE,
    ImportKind.SIECLE_ELEVES: ELEVES_FILE,
    ImportKind.SIECLE_RESPONSABLES: RESPONSABLES_FILE,
}


@transaction.atomic
def import_job_create(*, etablissement: Etablissement, kind: str, filename: str, content: bytes, created_by=None):
    """Store an uploaded file as a job, before any check (its size is checked first: nothing oversized is stored)."""
    if kind not in ImportKind.values:
        raise ValidationError(_("Type de fichier inconnu."))
    if not content:
        raise ValidationError(_("Le fichier est vide."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de %(size)d Mo.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    return ImportJob.objects.create(
        etablissement=etablissement,
        kind=kind,
        filename=filename[:255],
        content=content,
        size=len(content),
        created_by=created_by,
    )


def _read(job: ImportJob):
    """What the file holds: stored by the dry run, or parsed now (a job checked before it was stored)."""
    if job.parsed:
        return loads(job.parsed)
    if not job.content:
        raise ValidationError(FILE_GONE)
    return PARSERS[ImportKind(job.kind)](bytes(job.content))


def _build_plan(job: ImportJob, parsed) -> tuple[Plan, SchoolYear]:
    etablissement = job.etablissement
    year = current_school_year(etablissement)
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
    """Dry run: parse, check the file and compute the plan, without writing a row of the directory.

    What the file holds is stored compactly for the application; the file itself is deleted now,
    whether it was accepted or refused.
    """
    try:
        parsed = _read(job)
        plan, _year = _build_plan(job, parsed)
    except ValidationError as exc:
        job.status = ImportStatus.FAILED
        job.report = {"error": " ".join(exc.messages), "counts": {}, "totals": {}, "problems": []}
        job.parsed = b""
    else:
        job.status = ImportStatus.CHECKED
        job.report = plan.report()
        job.parsed = dumps(parsed)
    job.content = b""
    job.file_deleted_at = timezone.now()
    job.save(update_fields=["status", "report", "parsed", "content", "file_deleted_at"])
    return job


# An import is one transaction of seconds to a minute: a job not picked up by a worker after
# STUCK_QUEUED, or picked up more than STUCK_RUNNING ago, is stuck (a worker lost, a broker purged).
STUCK_QUEUED = dt.timedelta(minutes=10)
STUCK_RUNNING = dt.timedelta(hours=1)


def import_is_stuck(job: ImportJob, *, now: dt.datetime | None = None) -> bool:
    if job.status != ImportStatus.RUNNING:
        return False
    now = now or timezone.now()
    if job.started_at is None:
        return job.queued_at is None or job.queued_at < now - STUCK_QUEUED
    return job.started_at < now - STUCK_RUNNING


@transaction.atomic
def _mark_running(job: ImportJob) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.CHECKED:
        raise ValidationError(_("Seul un import vérifié, pas encore appliqué, peut être lancé."))
    job.status = ImportStatus.RUNNING
    job.progress = 0
    job.started_at = None
    job.queued_at = timezone.now()
    job.save(update_fields=["status", "progress", "started_at", "queued_at"])
    return job


def import_start(*, job: ImportJob, confirmed: bool = False) -> ImportJob:
    """Mark a checked job as running, then hand it to the broker (the row is committed first).

    If the broker cannot be reached, the job goes back to "vérifié" (it can be applied again)
    and the direction reads why in French; nothing was written. Call it outside a transaction, so
    that the worker finds the job marked as running.
    """
    from ..tasks import run_import

    if job.report.get("warnings") and not confirmed:
        # The dry run warned that the file takes away most of a table: one click is not enough.
        raise ValidationError(
            _(
                "Cet import retire une grande partie des données : cochez la case de confirmation pour "
                "l'appliquer. Rien n'a été modifié."
            )
        )
    job = _mark_running(job)
    try:
        run_import.apply_async(
            (job.pk,), retry=True, retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
        )
    except Exception:
        # Not claimed by a worker: the broker refused the message. Claimed: the task itself failed
        # (run eagerly), it recorded why; that is not an outage.
        reverted = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING, started_at__isnull=True).update(
            status=ImportStatus.CHECKED, queued_at=None
        )
        if not reverted:
            raise
        logger.warning("Import %s : file d'attente injoignable, l'import reste à appliquer.", job.pk, exc_info=True)
        raise ValidationError(
            _(
                "Le service qui applique les imports est injoignable pour le moment : rien n'a été modifié et "
                "l'import reste prêt à être appliqué. Réessayez dans quelques minutes ; si cela persiste, "
                "prévenez l'administrateur du portail."
            )
        ) from None
    job.refresh_from_db()
    return job


def import_retry(*, job: ImportJob) -> ImportJob:
    """Hand a stuck job to the broker again (the direction's "Relancer")."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not import_is_stuck(locked):
            raise ValidationError(_("Cet import n'est pas bloqué : il n'y a rien à relancer."))
        if not locked.parsed and not locked.content:
            raise ValidationError(FILE_GONE)
        locked.status = ImportStatus.CHECKED
        locked.save(update_fields=["status"])
    return import_start(job=locked, confirmed=True)  # confirmed when it was first applied


@transaction.atomic
def import_cancel(*, job: ImportJob, by=None) -> ImportJob:
    """Abandon a checked or stuck job: nothing is applied and what the file held is deleted."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.CHECKED and not import_is_stuck(job):
        raise ValidationError(_("Seul un import vérifié ou bloqué peut être abandonné."))
    who = (by.get_full_name() or by.email) if by is not None else ""
    job.status = ImportStatus.CANCELLED
    job.report = {
        **(job.report or {}),
        "error": _("Import abandonné%(by)s : rien n'a été modifié, le fichier a été supprimé.")
        % {"by": f" par {who}" if who else ""},
    }
    _forget_file(job)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "report", "content", "parsed", "file_deleted_at", "finished_at"])
    cache.delete(progress_cache_key(job.pk))
    return job


def _forget_file(job: ImportJob) -> None:
    job.content = b""
    job.parsed = b""
    job.file_deleted_at = job.file_deleted_at or timezone.now()


@transaction.atomic
def import_apply(job: ImportJob) -> ImportJob:
    """Apply the plan in one transaction; any error rolls every write back (the job says why).

    The job's row is locked first: a second delivery of the task waits, then finds the job done
    and does nothing.
    """
    job = ImportJob.objects.select_for_update().select_related("etablissement").get(pk=job.pk)
    if job.status != ImportStatus.RUNNING:
        return job
    plan, _year = _build_plan(job, _read(job))
    total = max(len(plan.steps), 1)
    for index, step in enumerate(plan.steps, start=1):
        step()
        _set_progress(job, 5 + int(90 * index / total))
    job.status = ImportStatus.DONE
    job.progress = 100
    job.report = plan.report()
    job.report["invitable"] = invitable_people(job.etablissement).count_all() if job.kind in EXPECTED_FILES else 0
    job.finished_at = timezone.now()
    _forget_file(job)
    job.save(update_fields=["status", "progress", "report", "finished_at", "content", "parsed", "file_deleted_at"])
    cache.delete(progress_cache_key(job.pk))
    return job


def import_fail(job: ImportJob, message: str) -> None:
    """Record a failed application; the directory was rolled back by ``import_apply``'s transaction."""
    report = dict(job.report or {})
    report["error"] = message
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED,
        report=report,
        finished_at=timezone.now(),
        progress=0,
        content=b"",
        parsed=b"",
        file_deleted_at=timezone.now(),
    )
    cache.delete(progress_cache_key(job.pk))


def import_run(job: ImportJob, *, confirmed: bool = True) -> ImportJob:
    """Check, then apply: what the management commands do in one go (the file is parsed once).

    Unless ``confirmed``, a file the dry run warns about (it takes away most of a table) is not
    applied: the job is abandoned and ValidationError says why, as the web page asks for a tick.
    """
    import_check(job)
    if job.status == ImportStatus.FAILED:
        return job
    if job.report.get("warnings") and not confirmed:
        import_cancel(job=job)
        raise ValidationError(
            " ".join(job.report["warnings"])
            + " "
            + _("Relancez la commande avec --confirmer pour l'appliquer. Rien n'a été modifié.")
        )
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        return import_apply(job)
    except ValidationError as exc:
        import_fail(job, " ".join(exc.messages))
    job.refresh_from_db()
    return job
