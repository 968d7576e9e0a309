"""Bounded resources: hostile files refused quickly in little memory, accepted ones parsed once."""

import time
import tracemalloc
import zipfile
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError

from continuite.imports import samples
from continuite.imports.models import ImportKind, ImportStatus
from continuite.imports.parsers import common
from continuite.imports.parsers.siecle import parse_eleves

MB = 1024 * 1024


def bomb(body: bytes, *, head: bytes, tail: bytes, size: int = 16 * MB) -> bytes:
    """A small zip whose one member expands to ``size`` bytes of ``body`` repeated."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("ElevesSansAdresses.xml", "w") as member:
            member.write(head)
            block = body * (MB // len(body))
            for _ in range(size // len(block)):
                member.write(block)
            member.write(tail)
    return buffer.getvalue()


def measure(function):
    """(exception raised, seconds, peak bytes allocated by Python while it ran).

    Run twice: timed without tracemalloc (which slows Python several times), then traced.
    """

    def call():
        try:
            function()
        except ValidationError as exc:
            return exc
        return None

    started = time.perf_counter()
    call()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    raised = call()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return raised, elapsed, peak


HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<BEE_ELEVES><PARAMETRES><UAJ>0450001A</UAJ></PARAMETRES><DONNEES><ELEVES>'
)
TAIL = b"</ELEVES></DONNEES></BEE_ELEVES>"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<ELEVE/>", id="empty records"),
        pytest.param(b"<ELEVE><ID_NATIONAL>123456789AB</ID_NATIONAL><NOM_USAGE>X</NOM_USAGE></ELEVE>", id="records"),
        pytest.param(b"<x/>", id="unknown elements"),
    ],
)
def test_it_refuses_a_zip_expanding_to_16_mb_of_repeated_elements_quickly_in_little_memory(body):
    data = bomb(body, head=HEAD, tail=TAIL)
    assert len(data) < 100 * 1024  # a few dozen kilobytes on the wire
    raised, elapsed, peak = measure(lambda: parse_eleves(data))
    assert raised is not None and "Fichier refusé" in raised.messages[0]
    assert elapsed < 5
    assert peak < 40 * MB, f"{peak / MB:.1f} Mo"


def test_it_refuses_elements_nested_without_end():
    data = bomb(b"<ELEVES>", head=HEAD, tail=b"", size=2 * MB)
    raised, elapsed, peak = measure(lambda: parse_eleves(data))
    assert raised is not None and "imbriqués" in raised.messages[0]
    assert elapsed < 5 and peak < 40 * MB


def test_it_refuses_a_value_of_megabytes():
    data = bomb(b"A", head=HEAD + b"<ELEVE><NOM_USAGE>", tail=b"</NOM_USAGE></ELEVE>" + TAIL, size=2 * MB)
    raised, _elapsed, peak = measure(lambda: parse_eleves(data))
    assert raised is not None and "caractères" in raised.messages[0]
    assert peak < 40 * MB


def test_it_imports_a_large_lycee_well_under_200_mb(run, world):
    school = samples.lycee(world.etablissement.uai, 2026, divisions=60, pupils_per_division=35, teachers=120)
    data = samples.eleves_xml(school)
    raised, _elapsed, peak = measure(lambda: run(ImportKind.SIECLE_ELEVES, data, dry_run=True))
    assert raised is None
    assert peak < 200 * MB, f"{peak / MB:.1f} Mo"


def test_it_keeps_the_first_problems_and_counts_the_others(run, world, school):
    for pupil in school.pupils:
        pupil.ine = "ABSENT"
    school.pupils *= 30
    job = run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school), dry_run=True)
    assert len(job.report["problems"]) == common.MAX_PROBLEMS
    assert job.report["problems_omitted"] == len(school.pupils) - common.MAX_PROBLEMS


def test_it_parses_the_file_once_for_the_dry_run_and_the_application(run, world, school, monkeypatch):
    from continuite.imports.services import jobs

    calls = []
    real = jobs.PARSERS[ImportKind.STS]
    monkeypatch.setitem(jobs.PARSERS, ImportKind.STS, lambda data: calls.append(1) or real(data))
    job = run(ImportKind.STS, samples.sts_xml(school))
    assert job.status == ImportStatus.DONE and calls == [1]
    assert bytes(job.content) == b"" and bytes(job.parsed) == b""  # nothing of the file is left
