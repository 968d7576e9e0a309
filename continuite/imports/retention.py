"""Retention: an uploaded file (families' names, addresses) is kept only as long as its import needs it.

Picked up by the audit app's retention job as ``continuite.imports.retention.RULES``. The dry run
already deletes the file and keeps what it read until the import is applied; this rule deletes
what an import applied, refused or abandoned may still hold, and abandons the imports left
unapplied for ``ABANDON_AFTER_DAYS``.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from continuite.audit.retention import Rule

ABANDON_AFTER_DAYS = 7


def purge_import_files(now: dt.datetime, dry_run: bool) -> int:
    from .models import ImportJob, ImportStatus

    finished = ImportJob.objects.filter(
        status__in=[ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED], file_deleted_at__isnull=True
    )
    limit = now - dt.timedelta(days=ABANDON_AFTER_DAYS)
    left = ImportJob.objects.filter(
        Q(status__in=[ImportStatus.UPLOADED, ImportStatus.CHECKED])
        | Q(status=ImportStatus.RUNNING, queued_at__lt=limit),
        created_at__lt=limit,
    )
    count = finished.count() + left.count()
    if dry_run or not count:
        return count
    finished.update(content=b"", parsed=b"", file_deleted_at=now)
    for job in left.only("pk", "report"):
        report = {
            **(job.report or {}),
            "error": _(
                "Import abandonné : il n'a pas été appliqué dans les %(days)d jours suivant son dépôt ; "
                "le fichier a été supprimé. Déposez-le à nouveau pour l'appliquer."
            )
            % {"days": ABANDON_AFTER_DAYS},
        }
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.CANCELLED, report=report, content=b"", parsed=b"", file_deleted_at=now, finished_at=now
        )
    return count


RULES = [
    Rule(
        "imports_fichiers",
        purge_import_files,
        gettext_lazy(
            "Fichiers d'import (exports SIECLE, STS-web, emploi du temps) : supprimés dès que l'import est vérifié ; "
            "ce qu'ils contiennent est gardé jusqu'à l'application ou l'abandon de l'import, au plus 7 jours."
        ),
    )
]
