"""A job's life: broker outages at "Appliquer", stuck jobs retried or abandoned, files kept no longer than needed."""

import datetime as dt
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from continuite.audit.retention import retention_apply
from continuite.ecole.models import Division
from continuite.imports import samples
from continuite.imports.models import ImportJob, ImportStatus
from continuite.imports.tasks import run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def direction(client, world):
    client.force_login(world.direction.user)
    return client


@pytest.fixture
def checked(direction, school):
    direction.post(
        reverse("imports:job_create"),
        {"kind": "sts", "file": SimpleUploadedFile("sts_emp_0450001A_2026.xml", samples.sts_xml(school))},
    )
    return ImportJob.objects.get()


def broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")


def test_it_says_the_broker_is_down_and_leaves_the_job_appliable(direction, checked, monkeypatch):
    monkeypatch.setattr(run_import, "apply_async", broker_down)
    response = direction.post(reverse("imports:job_apply", args=[checked.pk]), follow=True)
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Le service qui applique les imports est injoignable pour le moment" in page
    checked.refresh_from_db()
    assert checked.status == ImportStatus.CHECKED and checked.queued_at is None
    assert "3. Appliquer l'import" in page and "En cours" not in page

    monkeypatch.undo()
    direction.post(reverse("imports:job_apply", args=[checked.pk]))
    checked.refresh_from_db()
    assert checked.status == ImportStatus.DONE
    assert Division.objects.filter(code="TG1").exists()


def test_it_offers_to_retry_or_abandon_a_stuck_job(direction, checked, time_machine):
    ImportJob.objects.filter(pk=checked.pk).update(status=ImportStatus.RUNNING, queued_at=timezone.now())
    page = unescape(direction.get(checked.get_absolute_url()).content.decode())
    assert "semble bloqué" not in page  # just handed over: not stuck yet
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=11))
    page = unescape(direction.get(checked.get_absolute_url()).content.decode())
    assert "L'import semble bloqué" in page and "Relancer l'import" in page
    response = direction.post(reverse("imports:job_retry", args=[checked.pk]), follow=True)
    assert "L'import a été relancé." in unescape(response.content.decode())
    checked.refresh_from_db()
    assert checked.status == ImportStatus.DONE and Division.objects.filter(code="TG1").exists()


def test_it_abandons_a_stuck_job_and_deletes_what_the_file_held(direction, checked, time_machine):
    ImportJob.objects.filter(pk=checked.pk).update(status=ImportStatus.RUNNING, queued_at=timezone.now())
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=11))
    page = unescape(direction.post(reverse("imports:job_cancel", args=[checked.pk]), follow=True).content.decode())
    assert "Import abandonné" in page and "le fichier a été supprimé" in page
    checked.refresh_from_db()
    assert checked.status == ImportStatus.CANCELLED
    assert bytes(checked.parsed) == b"" and bytes(checked.content) == b""
    assert not Division.objects.filter(code="TG1").exists()


def test_it_refuses_to_retry_a_job_that_is_not_stuck(direction, checked):
    page = unescape(direction.post(reverse("imports:job_retry", args=[checked.pk]), follow=True).content.decode())
    assert "Cet import n'est pas bloqué" in page


def test_it_deletes_the_file_at_the_dry_run_and_what_it_held_once_applied(direction, checked):
    assert bytes(checked.content) == b"" and checked.file_deleted_at is not None
    assert bytes(checked.parsed) != b""  # what the dry run read, until the import is applied
    page = unescape(direction.get(checked.get_absolute_url()).content.decode())
    assert "Fichier déposé supprimé le" in page
    direction.post(reverse("imports:job_apply", args=[checked.pk]))
    checked.refresh_from_db()
    assert checked.status == ImportStatus.DONE and bytes(checked.parsed) == b""


def test_it_deletes_a_refused_file(direction, school):
    direction.post(
        reverse("imports:job_create"),
        {"kind": "sts", "file": SimpleUploadedFile("emp.xml", samples.sts_xml(school, root="EDT_STS"))},
    )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and bytes(job.content) == b"" and job.file_deleted_at is not None


def test_it_abandons_an_import_left_unapplied_for_a_week(direction, checked, world, client):
    retention_apply(now=timezone.now() + dt.timedelta(days=6))
    checked.refresh_from_db()
    assert checked.status == ImportStatus.CHECKED
    retention_apply(now=timezone.now() + dt.timedelta(days=8))
    checked.refresh_from_db()
    assert checked.status == ImportStatus.CANCELLED and bytes(checked.parsed) == b""
    assert "n'a pas été appliqué dans les 7 jours" in checked.report["error"]
    page = unescape(client.get(reverse("audit:privacy_notice")).content.decode())
    assert "Fichiers d'import (exports SIECLE, STS-web, emploi du temps)" in page


def test_it_refuses_an_oversized_upload_before_storing_it(direction, monkeypatch):
    from continuite.imports.parsers import common

    monkeypatch.setattr(common, "MAX_UPLOAD_BYTES", 1000)
    stored = []
    monkeypatch.setattr(
        "django.core.files.uploadhandler.MemoryFileUploadHandler.new_file", lambda *a, **k: stored.append(1)
    )
    content = b"<STS_EDT>" + b" " * 200_000 + b"</STS_EDT>"
    response = direction.post(
        reverse("imports:job_create"), {"kind": "sts", "file": SimpleUploadedFile("sts.xml", content)}, follow=True
    )
    assert "dépasse la taille maximale" in response.content.decode()
    assert not ImportJob.objects.exists() and stored == []  # not even held in memory
