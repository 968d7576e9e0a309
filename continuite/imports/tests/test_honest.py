"""Honest reports: wrong encodings and wrong kinds of file named as such, week patterns read or shown."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from continuite.imports import samples
from continuite.imports.models import ImportJob, ImportKind, ImportStatus
from continuite.imports.parsers.timetable import parse_edt, parse_udt, parse_week_pattern
from planning.models import TimetableSlot

from . import exports

pytestmark = pytest.mark.django_db


def test_it_refuses_a_utf8_file_whose_prolog_says_iso_8859_15(run, world, school):
    school.pupils[0].last_name = "LEMAÎTRE"
    data = samples.eleves_xml(school).replace(b'encoding="UTF-8"', b'encoding="ISO-8859-15"')
    job = run(ImportKind.SIECLE_ELEVES, data)
    assert job.status == ImportStatus.FAILED
    assert "en UTF-8 alors que son en-tête annonce ISO-8859-15" in job.report["error"]
    assert not world.etablissement.students.filter(last_name__startswith="LEMA").exists()


def test_it_refuses_a_latin_file_whose_prolog_says_utf8_naming_the_line(run, world, school):
    data = samples.eleves_xml(school, encoding="ISO-8859-15").replace(b'encoding="ISO-8859-15"', b'encoding="UTF-8"')
    job = run(ImportKind.SIECLE_ELEVES, data)
    assert job.status == ImportStatus.FAILED
    assert "annonce l'encodage UTF-8 mais n'est pas en UTF-8 (ligne 6)" in job.report["error"]  # "Élève1"


def test_it_refuses_names_already_garbled_by_a_wrong_conversion(run, world, school):
    school.pupils[0].first_name = "ChloÃ©"  # what "Chloé" becomes once read in the wrong encoding
    job = run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    assert job.status == ImportStatus.FAILED and "« ChloÃ© » contient des accents lus de travers" in job.report["error"]


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "un PDF"),
        ("Nom;Prénom;Classe\nDURAND;Léa;1G3\n".encode(), "un tableau CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "un document Excel ou Word"),
    ],
)
def test_it_names_a_file_of_the_wrong_kind(run, world, content, named):
    job = run(ImportKind.SIECLE_ELEVES, content)
    assert job.status == ImportStatus.FAILED
    assert f"Ce fichier est {named}" in job.report["error"] and "ElevesSansAdresses.xml" in job.report["error"]
    assert "est-il complet" not in job.report["error"]


def test_it_refuses_a_pdf_given_as_the_udt_timetable(run, world):
    job = run(ImportKind.UDT, b"%PDF-1.4 emploi du temps")
    assert "Ce fichier est un PDF" in job.report["error"] and "export_udt.csv" in job.report["error"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("H", ("all", [])),
        ("", ("all", [])),
        ("Hebdo", ("all", [])),
        ("Sem.A", ("A", [])),
        ("Sem.B", ("B", [])),
        ("Semaine A", ("A", [])),
        ("SA", ("A", [])),
        ("sb", ("B", [])),
        ("Q1", ("A", [])),
        ("Q2", ("B", [])),
        ("36,38,40,42", ("weeks", [36, 38, 40, 42])),
        ("S37 S39 S41", ("weeks", [37, 39, 41])),
    ],
)
def test_it_reads_every_week_pattern_edt_and_udt_write(value, expected):
    assert parse_week_pattern(value) == expected


def test_it_reports_an_unknown_week_pattern_with_its_raw_value_and_line():
    data = exports.edt().replace(b"<ALTERNANCE>Sem.A</ALTERNANCE>", b"<ALTERNANCE>Sem.C</ALTERNANCE>")
    parsed = parse_edt(data)
    problem = next(p for p in parsed.problems if "Sem.C" in p.message)
    assert problem.message == "Cours ignoré : alternance illisible (« Sem.C »)."
    assert problem.element == 'Cours numero="2"' and problem.line == 21
    assert len(parsed.courses) == len(exports.COURS) - 1


def test_it_reads_udt_abbreviated_days_and_hour_ranges():
    courses = parse_udt(exports.udt()).courses
    assert [(c.weekday, c.start, c.minutes, c.week_pattern) for c in courses[:2]] == [
        (0, dt.time(8), 60, "all"),
        (1, dt.time(10), 60, "A"),
    ]


def test_it_reads_a_list_of_weeks_through_the_school_calendar(run, world):
    from continuite.ecole.models import SchoolYear
    from planning.services import school_calendar_build

    school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement, is_current=True))
    from planning.models import SchoolDay

    weeks_a = sorted(
        set(
            SchoolDay.objects.filter(etablissement=world.etablissement, week_parity="A", is_holiday=False).values_list(
                "iso_week", flat=True
            )
        )
    )
    cours = exports.edt().replace(
        b"<ALTERNANCE>Sem.A</ALTERNANCE>", f"<ALTERNANCE>{','.join(map(str, weeks_a[:6]))}</ALTERNANCE>".encode()
    )
    job = run(ImportKind.EDT, cours)
    assert not [p for p in job.report["problems"] if "Semaines" in p["message"]], job.report["problems"]
    assert TimetableSlot.objects.get(division__code="1G4", subject__code="MATHS").week_pattern == "A"


def test_it_answers_the_command_line_in_french_without_a_traceback(world, tmp_path):
    empty = tmp_path / "ElevesSansAdresses.xml"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="Le fichier est vide"):
        call_command("import_siecle_eleves", str(empty), uai=world.etablissement.uai)
    pdf = tmp_path / "eleves.pdf"
    pdf.write_bytes(b"%PDF-1.7 ...")
    with pytest.raises(CommandError, match="Ce fichier est un PDF"):
        call_command("import_siecle_eleves", str(pdf), uai=world.etablissement.uai)
    assert ImportJob.objects.get().file_deleted_at is not None  # the refused file is not kept


def test_it_checks_the_size_on_the_command_line_before_storing_anything(world, tmp_path, monkeypatch):
    from continuite.imports.management.commands import _base

    monkeypatch.setattr(_base, "MAX_UPLOAD_BYTES", 100)
    big = tmp_path / "sts.xml"
    big.write_bytes(b"<STS_EDT>" + b" " * 200 + b"</STS_EDT>")
    with pytest.raises(CommandError, match="taille maximale"):
        call_command("import_sts", str(big), uai=world.etablissement.uai)
    assert not ImportJob.objects.exists()


def test_it_warns_before_applying_a_file_that_would_take_away_most_students(run, world):
    school = samples.lycee(world.etablissement.uai, 2026, divisions=3, pupils_per_division=6)
    run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    school.pupils = school.pupils[:3]
    job = run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school), dry_run=True)
    assert job.report["warnings"] == [
        "Attention : cet import retire 15 élèves sur 18. Vérifiez que le fichier est l'export complet et à jour de "
        "l'établissement avant de l'appliquer."
    ]
    assert "Groupes" not in job.report["counts"]  # a row of zeros says nothing


def test_the_command_line_applies_a_file_taking_away_most_students_only_when_confirmed(world, tmp_path):
    from continuite.ecole.models import Student

    school = samples.lycee(world.etablissement.uai, 2026, divisions=3, pupils_per_division=6)
    full, partial = tmp_path / "complet.xml", tmp_path / "partiel.xml"
    full.write_bytes(samples.eleves_xml(school))
    call_command("import_siecle_eleves", str(full), uai=world.etablissement.uai, stdout=StringIO())
    current = Student.objects.current().count()
    school.pupils = school.pupils[:3]
    partial.write_bytes(samples.eleves_xml(school))
    with pytest.raises(CommandError, match="retire 15 élèves sur 18.*--confirmer pour l'appliquer. Rien n'a été"):
        call_command("import_siecle_eleves", str(partial), uai=world.etablissement.uai, stdout=StringIO())
    assert Student.objects.current().count() == current  # nothing changed
    assert ImportJob.objects.order_by("-pk").first().status == "cancelled"
    call_command("import_siecle_eleves", str(partial), uai=world.etablissement.uai, confirmer=True, stdout=StringIO())
    assert Student.objects.current().count() == current - 15


def test_it_prints_the_report_on_the_command_line_in_french(world, tmp_path, capsys):
    school = samples.lycee(world.etablissement.uai, 2026, divisions=3, pupils_per_division=2)
    path = tmp_path / "ElevesSansAdresses.xml"
    path.write_bytes(samples.eleves_xml(school))
    call_command("import_siecle_eleves", str(path), uai=world.etablissement.uai)
    out = capsys.readouterr().out
    assert "Élèves : 6 créés, 0 mis à jour, 0 inchangé, 2 retirés" in out  # the world's two students left
    assert "(s)" not in out


def _saturday_edt() -> bytes:
    return exports.edt().replace(
        b"<JOUR>lundi</JOUR>\r\n    <H.DEBUT>08h00</H.DEBUT>", b"<JOUR>samedi</JOUR>\r\n    <H.DEBUT>08h00</H.DEBUT>"
    )


def test_it_imports_saturday_morning_courses_in_a_school_with_saturday_classes(run, world):
    from planning.services import planning_settings_update

    planning_settings_update(etablissement=world.etablissement, class_weekdays=[0, 1, 2, 3, 4, 5])
    job = run(ImportKind.EDT, _saturday_edt())
    assert not [p for p in job.report["problems"] if "samedi" in p["message"]], job.report["problems"]
    assert TimetableSlot.objects.filter(weekday=5).values_list("division__code", "subject__code").get() == (
        "1G3",
        "SES",
    )


def test_it_says_which_setting_to_change_for_saturday_courses_in_a_school_without(run, world):
    job = run(ImportKind.EDT, _saturday_edt())
    messages = [p["message"] for p in job.report["problems"]]
    assert any(m.startswith("Cours le samedi : ce n'est pas un jour de classe") for m in messages), messages
    assert not TimetableSlot.objects.filter(weekday=5).exists()
