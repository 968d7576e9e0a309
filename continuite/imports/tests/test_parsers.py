"""The parsers alone: every trap of formats.md, on bytes built from its shapes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from continuite.imports import samples
from continuite.imports.parsers import common
from continuite.imports.parsers.siecle import parse_eleves, parse_responsables
from continuite.imports.parsers.sts import parse_sts
from continuite.imports.parsers.timetable import parse_edt, parse_udt

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<BEE_ELEVES><PARAMETRES><UAJ>&lol3;</UAJ></PARAMETRES></BEE_ELEVES>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]><STS_EDT><PARAMETRES>&ext;</PARAMETRES></STS_EDT>"""


def test_it_reads_an_sts_export(school):
    parsed = parse_sts(samples.sts_xml(school))
    assert parsed.uai == "0450001A" and parsed.year == 2026
    assert [d.code for d in parsed.structures if not d.is_group] == ["2NDE1", "1G1", "TG1"]
    assert {s.code for s in parsed.subjects} >= {"SES", "MATHS"}
    assert parsed.staff[0].function == "ENS" and parsed.staff[0].tutor_of == ["2NDE1"]


def test_it_refuses_the_emp_sts_file_naming_the_right_one(school):
    with pytest.raises(ValidationError) as exc:
        parse_sts(samples.sts_xml(school, root="EDT_STS"))
    assert "sts_emp_<UAI>_<année>.xml" in exc.value.messages[0]


def test_it_reads_the_encoding_of_the_prolog(school):
    school.pupils[0].last_name = "DUPRÉ-€"
    data = samples.eleves_xml(school, encoding="ISO-8859-15")
    assert b"\xa4" in data  # the euro sign of ISO-8859-15
    assert parse_eleves(data).students[0].last_name == "DUPRÉ-€"


def test_it_accepts_a_zipped_file(school):
    data = samples.zipped("ElevesSansAdresses.xml", samples.eleves_xml(school))
    assert len(parse_eleves(data).students) == len(school.pupils)


def test_it_refuses_a_zip_bomb(monkeypatch, school):
    monkeypatch.setattr(common, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(ValidationError, match="trop volumineux"):
        parse_eleves(samples.zipped("ElevesSansAdresses.xml", samples.eleves_xml(school) + b" " * 5000))


def test_it_refuses_an_upload_too_large(monkeypatch, school):
    monkeypatch.setattr(common, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(ValidationError, match="taille maximale"):
        parse_eleves(samples.eleves_xml(school))


def test_it_refuses_an_entity_bomb():
    with pytest.raises(ValidationError, match="entités XML"):
        parse_eleves(BOMB)


def test_it_refuses_external_entities():
    with pytest.raises(ValidationError, match="entités XML"):
        parse_sts(EXTERNAL)


def test_it_reports_malformed_xml_with_its_line(school):
    data = samples.eleves_xml(school)[:-40]
    with pytest.raises(ValidationError, match="pas un XML valide \\(ligne"):
        parse_eleves(data)


def test_it_treats_inactifs_and_date_sortie_as_not_current(school):
    school.pupils[0].division = "Inactifs"
    school.pupils[1].exit_date = "15/10/2026"
    students = parse_eleves(samples.eleves_xml(school)).students
    assert [s.is_current_on(dt.date(2026, 10, 20)) for s in students[:3]] == [False, False, True]


def test_it_falls_back_to_nom_de_famille_without_nom_usage(school):
    school.pupils[0].usage_name = False
    school.pupils[0].last_name = "LEGRAND"
    assert parse_eleves(samples.eleves_xml(school)).students[0].last_name == "LEGRAND"


def test_it_skips_a_student_without_ine_with_its_line(school):
    school.pupils[0].ine = ""
    parsed = parse_eleves(samples.eleves_xml(school))
    assert len(parsed.students) == len(school.pupils) - 1
    assert parsed.problems[0].element == 'ELEVE ELEVE_ID="100001"' and parsed.problems[0].line == 6


def test_it_reads_guardians_without_addresses(school):
    parsed = parse_responsables(samples.responsables_xml(school))
    person = parsed.persons[0]
    assert (person.email, person.mobile, person.accepts_sms) == ("parent1@famille.example.org", "0600000000", True)
    assert not hasattr(person, "address") and not hasattr(person, "profession")
    assert parsed.links[0].kind == "legal1" and parsed.links[0].relationship == "Mère"


def test_it_reads_links_only_from_responsable_eleve(school):
    data = samples.responsables_xml(school).replace(b"RESPONSABLE_ELEVE>", b"RESPONSABLE>")
    parsed = parse_responsables(data)
    assert parsed.links == [] and "RESPONSABLE_ELEVE" in parsed.problems[0].message


def test_it_reads_an_edt_timetable(school):
    courses = parse_edt(samples.edt_xml(school)).courses
    assert len(courses) == len(school.slots)
    first = courses[0]
    assert (first.weekday, first.start.hour, first.minutes, first.week_pattern) == (0, 8, 60, "A")


def test_it_reads_an_udt_csv_in_windows_encoding(school):
    data = samples.udt_csv(school, encoding="cp1252")
    parsed = parse_udt(data)
    assert len(parsed.courses) == len(school.slots) and not parsed.problems
    assert parsed.courses[0].teacher_last == school.slots[0]["teacher"].last_name


def test_it_reports_an_unreadable_udt_line_with_its_number(school):
    data = samples.udt_csv(school).replace(b"lundi", b"dimanche", 1)
    parsed = parse_udt(data)
    assert parsed.problems[0].line == 2
