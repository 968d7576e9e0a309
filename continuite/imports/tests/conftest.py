import pytest

from continuite.imports import samples
from continuite.imports.models import ImportJob
from continuite.imports.services import import_check, import_job_create, import_run

UAI = "0450001A"


@pytest.fixture
def school():
    return samples.lycee(UAI, 2026)


@pytest.fixture
def run(world):
    """Check and apply a file for the world's établissement; returns the job."""

    def _run(kind: str, content: bytes, *, dry_run: bool = False, etablissement=None) -> ImportJob:
        job = import_job_create(
            etablissement=etablissement or world.etablissement, kind=kind, filename=f"{kind}.xml", content=content
        )
        if dry_run:
            return import_check(job)
        return import_run(job)

    return _run
