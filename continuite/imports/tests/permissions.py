from django.core.files.uploadedfile import SimpleUploadedFile

from continuite.imports import samples
from continuite.imports.models import ImportStatus
from continuite.imports.parsers.stored import dumps
from continuite.imports.parsers.sts import parse_sts
from continuite.tests.matrix import Entry, only

from .factories import ImportJobFactory

DIRECTION = ("direction",)


def _job(world, **fields):
    return {"pk": ImportJobFactory(etablissement=world.etablissement, **fields).pk}


def _upload(world):
    content = samples.sts_xml(samples.lycee(world.etablissement.uai, 2026))
    return {"kind": "sts", "file": SimpleUploadedFile("sts_emp_0450001A_2026.xml", content)}


def _parsed(world):
    """A stuck job's stored reading of a real STS-web file (the retry applies it)."""
    return dumps(parse_sts(samples.sts_xml(samples.lycee(world.etablissement.uai, 2026))))


ENTRIES = [
    Entry("imports:job_list", expect=only(DIRECTION)),
    Entry("imports:job_create", method="post", data=_upload, expect=only(DIRECTION, ok=302)),
    Entry("imports:job_detail", kwargs=_job, expect=only(DIRECTION, other=404)),
    Entry("imports:job_status", kwargs=_job, expect=only(DIRECTION, other=404)),
    Entry(
        "imports:job_apply",
        method="post",
        kwargs=lambda w: _job(w, status=ImportStatus.CHECKED),
        expect=only(DIRECTION, ok=302, other=404),
    ),
    Entry(
        "imports:job_retry",
        method="post",
        kwargs=lambda w: _job(w, status=ImportStatus.RUNNING, parsed=_parsed(w)),
        expect=only(DIRECTION, ok=302, other=404),
    ),
    Entry(
        "imports:job_cancel",
        method="post",
        kwargs=lambda w: _job(w, status=ImportStatus.CHECKED),
        expect=only(DIRECTION, ok=302, other=404),
    ),
    Entry("imports:invite_confirm", expect=only(DIRECTION)),
    Entry("imports:invite_send", method="post", expect=only(DIRECTION, ok=302)),
    Entry("imports:export_divisions", expect=only(DIRECTION)),
    Entry("imports:export_staff", expect=only(DIRECTION)),
]
