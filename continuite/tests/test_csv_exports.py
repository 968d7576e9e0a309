"""Every CSV download of the portal, read as a spreadsheet reads it.

Each export is parsed with Python's ``csv`` module (always), and opened by LibreOffice when it is
installed: a cell typed as ``=HYPERLINK(...)`` must come out as text, never as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile

import pytest
import time_machine
from defusedxml import ElementTree
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from continuite.csvexport import csv_cell, csv_name, csv_uncell
from continuite.ecole.tests.factories import StaffFactory, StudentFactory
from equipement.models import Device
from equipement.readiness import readiness_record
from equipement.tests.factories import DecidedNeedFactory, DeviceFactory
from suivi.tests.factories import CaseFactory

HOSTILE = '=HYPERLINK("http://example.invalid/?x";"cliquez")'
TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def hostile(world, frozen):
    """A student, a teacher and a device whose typed values start like formulas."""
    student = StudentFactory(division=world.division, last_name=HOSTILE, first_name="-2+3")
    tutor = StaffFactory(etablissement=world.etablissement, is_teacher=True, last_name="@SUM(A1:A9)", first_name="Théo")
    world.division.form_tutors.add(tutor)
    CaseFactory(student=student, etablissement=world.etablissement)
    DecidedNeedFactory(student=student, decision="papier", lacks_connection=True)
    readiness_record(
        user=world.referent.user,
        student=student,
        ent_codes_given=True,
        knows_tools=True,
        needs_training=False,
        notes="\t=1+1",
    )
    DeviceFactory(
        etablissement=world.etablissement,
        asset_tag="PC-1",
        model=HOSTILE,
        serial_number="+33 1 23",
        location="=2*3",
        notes="-5",
    )
    return student


def exports(world):
    """(role, url, cells that must read as text) for every CSV download of the portal."""
    week = f"?semaine={TODAY.isoformat()}"
    return [
        ("cpe", reverse("suivi:export_csv"), [f"{HOSTILE} -2+3"]),
        ("direction", reverse("equipement:export_csv"), [f"{HOSTILE} -2+3"]),
        ("referent", reverse("equipement:readiness_export", kwargs={"pk": world.division.pk}), [HOSTILE, "-2+3"]),
        ("gestionnaire", reverse("equipement:device_export"), [HOSTILE, "+33 1 23", "-5"]),
        ("direction", reverse("imports:export_staff"), ["@SUM(A1:A9)"]),
        ("direction", reverse("imports:export_divisions"), []),
        ("direction", reverse("planning:division_week_csv", kwargs={"pk": world.division.pk}) + week, []),
        ("direction", reverse("planning:school_load_csv") + week, []),
    ]


def download(client, world, role, url) -> tuple[str, list[list[str]]]:
    client.force_login(world.user(role))
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff"), url  # Excel reads the accents
    rows = list(csv.reader(io.StringIO(raw[1:]), delimiter=";"))
    assert len(rows[0]) > 1, url  # ";"-separated
    return raw, rows


def test_it_neutralises_formulas_dates_and_names_in_every_export(world, client, hostile):
    for role, url, texts in exports(world):
        _raw, rows = download(client, world, role, url)
        cells = [cell for row in rows for cell in row]
        for text in texts:
            assert "'" + text in cells, (url, text)
        for cell in cells:
            # What a spreadsheet would run: a cell starting with a formula sign, or a tab/CR before one.
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (url, cell)
            # One date format: no ISO date anywhere.
            assert not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell), (url, cell)
        width = {len(row) for row in rows}
        assert len(width) == 1, url  # every row as wide as the header


def test_it_writes_dates_as_dd_mm_yyyy(world, client, hostile):
    _raw, rows = download(client, world, "direction", reverse("planning:school_load_csv") + "?semaine=2026-11-30")
    assert rows[0][0] == "Semaine"  # headers capitalised as in every export
    assert {row[0] for row in rows[1:]} == {"30/11/2026"}
    url = reverse("planning:division_week_csv", kwargs={"pk": world.division.pk}) + "?semaine=2026-12-02"
    _raw, rows = download(client, world, "direction", url)
    assert rows[0][0] == "Date"
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", row[0]) for row in rows[1:])
    _raw, rows = download(client, world, "cpe", reverse("suivi:export_csv"))
    assert rows[1][rows[0].index("Ouvert le")] == "30/11/2026"


def test_it_names_people_nom_prenom_in_every_export(world, client, hostile):
    _raw, rows = download(client, world, "direction", reverse("equipement:export_csv"))
    assert rows[1][0] == f"'{HOSTILE} -2+3"
    _raw, rows = download(client, world, "cpe", reverse("suivi:export_csv"))
    assert f"'{HOSTILE} -2+3" in rows[1]
    _raw, rows = download(client, world, "direction", reverse("imports:export_divisions"))
    tutors = {row[0]: row[-1] for row in rows[1:]}
    assert tutors["1G3"] in ("'@SUM(A1:A9) Théo, GARNIER Thomas", "GARNIER Thomas, @SUM(A1:A9) Théo")


def test_it_keeps_the_inventory_values_through_an_export_and_a_reimport(world, client, hostile):
    exported, rows = download(client, world, "gestionnaire", reverse("equipement:device_export"))
    assert rows[1][:4] == ["PC-1", "portable", f"'{HOSTILE}", "'+33 1 23"]
    before = Device.objects.values("model", "serial_number", "location", "notes").get(asset_tag="PC-1")
    assert before["model"] == HOSTILE
    Device.objects.filter(asset_tag="PC-1").update(model="autre", notes="")
    response = client.post(
        reverse("equipement:device_import"),
        {"file": SimpleUploadedFile("inventaire.csv", exported.encode("utf-8"))},
        follow=True,
    )
    assert "Import terminé : 0 créé(s), 1 mis à jour." in response.content.decode()
    after = Device.objects.values("model", "serial_number", "location", "notes").get(asset_tag="PC-1")
    assert after == before


def test_it_keeps_a_leading_apostrophe_that_was_not_a_neutraliser():
    assert csv_uncell("'=A1") == "=A1"
    assert csv_uncell("'Oreilly") == "'Oreilly"
    assert csv_uncell("L'HERMITTE") == "L'HERMITTE"
    assert csv_cell("\t=1") == "'\t=1"
    assert csv_cell(dt.date(2027, 3, 29)) == "29/03/2027"
    assert csv_cell(timezone.make_aware(dt.datetime(2027, 3, 29, 8, 5))) == "29/03/2027 08:05"


def test_it_names_nom_then_prenom():
    class Person:
        first_name, last_name = "Théo", "L'HERMITTE"

    assert csv_name(Person()) == "L'HERMITTE Théo"


# --- With a real spreadsheet -----------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def libreoffice_cells(csv_bytes: bytes, tmp_path) -> list[tuple[str, bool]]:
    """Every non-empty cell of the sheet LibreOffice builds from the CSV: (text, is a formula)."""
    source = tmp_path / "export.csv"
    source.write_bytes(csv_bytes)
    # 59 = ";" separator, 34 = '"' quote, 76 = UTF-8, 1 = first line; formulas are evaluated as typed.
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx",
            "--infilter=CSV:59,34,76,1",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with zipfile.ZipFile(tmp_path / "export.xlsx") as book:
        shared = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", NS)
        ]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    cells = []
    for c in sheet.iter(f"{{{NS['m']}}}c"):
        value = c.find("m:v", NS)
        inline = c.find("m:is", NS)
        text = ""
        if c.get("t") == "s" and value is not None:
            text = shared[int(value.text)]
        elif inline is not None:
            text = "".join(t.text or "" for t in inline.iter(f"{{{NS['m']}}}t"))
        elif value is not None:
            text = value.text or ""
        cells.append((text, c.find("m:f", NS) is not None))
    return cells


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_it_opens_every_export_in_libreoffice_with_formulas_as_text(world, client, hostile, tmp_path):
    for index, (role, url, texts) in enumerate(exports(world)):
        client.force_login(world.user(role))
        folder = tmp_path / str(index)
        folder.mkdir()
        cells = libreoffice_cells(client.get(url).content, folder)
        assert cells, url
        assert not [text for text, formula in cells if formula], url
        shown = {text for text, _formula in cells}
        for text in texts:
            # LibreOffice hides the apostrophe, as it does for any text typed with one.
            assert text in shown or "'" + text in shown, (url, text, shown)
