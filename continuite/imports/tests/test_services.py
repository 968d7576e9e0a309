"""Dry run and application against the database: the plan, re-imports, failures that change nothing."""

import datetime as dt

import pytest

from continuite.ecole.models import Division, Group, Guardian, GuardianLink, Staff, Student, TeachingAssignment
from continuite.imports import samples
from continuite.imports.models import ImportKind, ImportStatus
from continuite.imports.services import accounts_invite, invitable_people
from planning.models import TimetableSlot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_time(time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC), tick=False)


def snapshot(etab):
    return (
        sorted(
            Student.objects.filter(etablissement=etab).values_list("ine", "last_name", "division__code", "exit_date")
        ),
        Staff.objects.filter(etablissement=etab).count(),
        Division.objects.filter(etablissement=etab).count(),
        Guardian.objects.filter(etablissement=etab).count(),
    )


def load_all(run, school):
    for kind, content in [
        (ImportKind.STS, samples.sts_xml(school)),
        (ImportKind.SIECLE_ELEVES, samples.eleves_xml(school)),
        (ImportKind.SIECLE_RESPONSABLES, samples.responsables_xml(school)),
        (ImportKind.EDT, samples.edt_xml(school)),
    ]:
        job = run(kind, content)
        assert job.status == ImportStatus.DONE, job.report
    return job


def test_it_dry_runs_without_writing(run, world, school):
    before = snapshot(world.etablissement)
    job = run(ImportKind.STS, samples.sts_xml(school), dry_run=True)
    assert job.status == ImportStatus.CHECKED
    assert job.report["counts"]["Divisions"]["created"] == 3  # the world holds 1G3 and 1G4, not these
    assert job.report["counts"]["Personnels"]["created"] == len(school.teachers)
    assert snapshot(world.etablissement) == before


def test_it_imports_sts_staff_divisions_groups_and_services(run, world, school):
    job = run(ImportKind.STS, samples.sts_xml(school))
    assert job.status == ImportStatus.DONE and job.progress == 100
    etab = world.etablissement
    assert set(Division.objects.filter(etablissement=etab).values_list("code", flat=True)) >= {"2NDE1", "1G1", "TG1"}
    division = Division.objects.get(etablissement=etab, code="TG1")
    assert division.level == "Tle" and division.half_groups.count() == 2
    teacher = Staff.objects.get(etablissement=etab, sts_id="4000")
    assert teacher.is_teacher and teacher.email == "prof0@lycee.example.org"
    assert list(teacher.tutored_divisions.values_list("code", flat=True)) == ["2NDE1"]
    assert Staff.objects.get(etablissement=etab, sts_id="3999").is_cpe
    spe = Group.objects.get(etablissement=etab, code="1SPESES")
    assert list(spe.divisions.values_list("code", flat=True)) == ["1G1"]
    assert TeachingAssignment.objects.filter(staff=teacher, group=spe, subject__code="SES").exists()


def test_it_refuses_a_file_of_another_school(run, world, school):
    school.uai = "0370002B"
    job = run(ImportKind.STS, samples.sts_xml(school))
    assert job.status == ImportStatus.FAILED
    assert "0370002B" in job.report["error"] and "0450001A" in job.report["error"]


def test_it_refuses_a_file_of_another_year(run, world, school):
    school.year = 2027
    job = run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    assert job.status == ImportStatus.FAILED and "2027-2028" in job.report["error"]
    assert "2026-2027" in job.report["error"]


def test_it_refuses_an_entity_bomb_as_a_failed_job(run, world):
    from .test_parsers import BOMB

    job = run(ImportKind.SIECLE_ELEVES, BOMB)
    assert job.status == ImportStatus.FAILED and "entités XML" in job.report["error"]


def test_it_imports_students_into_divisions_and_groups(run, world, school):
    run(ImportKind.STS, samples.sts_xml(school))
    job = run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school, encoding="ISO-8859-15"))
    assert job.report["counts"]["Élèves"]["created"] == len(school.pupils)
    student = Student.objects.get(etablissement=world.etablissement, ine="000000005AB")
    assert student.division.code == "1G1" and student.first_name == "Élève5"
    assert list(student.groups.values_list("code", flat=True)) == ["1SPESES"]


def test_it_skips_inactifs_and_leavers_and_marks_known_ones_as_left(run, world, school):
    run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    school.pupils[0].division = "Inactifs"
    school.pupils[1].exit_date = "30/09/2026"
    job = run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    assert job.report["counts"]["Élèves"]["removed"] >= 2
    first, second = (Student.objects.get(etablissement=world.etablissement, ine=p.ine) for p in school.pupils[:2])
    assert first.exit_date == dt.date(2026, 10, 5) and second.exit_date == dt.date(2026, 9, 30)
    assert not Division.objects.filter(code="Inactifs").exists()


def test_it_does_not_create_a_student_who_already_left(run, world, school):
    school.pupils[0].exit_date = "30/09/2026"
    run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    assert not Student.objects.filter(ine=school.pupils[0].ine).exists()


def test_it_reimports_in_place_matching_on_ine(run, world, school):
    run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    student = Student.objects.get(ine=school.pupils[0].ine)
    school.pupils[0].last_name = "MARIÉE"
    school.pupils[0].eleve_id = "999999"  # ELEVE_ID is a key of one export only
    job = run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    student.refresh_from_db()
    assert student.last_name == "MARIÉE"
    assert job.report["counts"]["Élèves"] == {
        "created": 0,
        "updated": 1,
        "unchanged": len(school.pupils) - 1,
        "removed": 0,
    }  # the world's students left at the first import


def test_it_marks_students_absent_from_a_new_export_as_left_without_deleting(run, world, school):
    run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    gone = school.pupils.pop()
    run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    student = Student.objects.get(ine=gone.ine)
    assert student.exit_date == dt.date(2026, 10, 5) and student.division is not None
    world.student.refresh_from_db()
    assert world.student.exit_date == dt.date(2026, 10, 5)  # kept, with his guardians' links
    assert GuardianLink.objects.filter(student=world.student).count() == 2


def test_it_keeps_the_half_group_of_a_student_who_stays_in_his_division(run, world, school):
    pupil = samples.Pupil("1", world.student.ine, "DURAND", "Léa", "1G3", ["1SPESES"])
    school.pupils.append(pupil)
    run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    assert set(world.student.groups.values_list("code", flat=True)) == {"1SPESES", world.half_a.code}


def test_it_reimports_staff_on_their_sts_id(run, world, school):
    run(ImportKind.STS, samples.sts_xml(school))
    school.teachers[0].last_name = "NOUVEAUNOM"
    gone = school.teachers.pop(1)
    job = run(ImportKind.STS, samples.sts_xml(school))
    assert Staff.objects.get(sts_id="4000").last_name == "NOUVEAUNOM"
    assert Staff.objects.get(sts_id=gone.sts_id).left_on == dt.date(2026, 10, 5)
    assert job.report["counts"]["Personnels"]["updated"] == 1 and job.report["counts"]["Personnels"]["removed"] == 1


def test_it_imports_guardians_and_their_links_without_addresses(run, world, school):
    run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    job = run(ImportKind.SIECLE_RESPONSABLES, samples.responsables_xml(school))
    assert job.report["counts"]["Responsables"]["created"] == len(school.parents)
    guardian = Guardian.objects.get(email="parent1@famille.example.org")
    assert (guardian.mobile, guardian.accepts_sms, guardian.civility) == ("06 00 00 00 00", True, "Mme")
    link = guardian.links.get()
    assert (link.student.ine, link.kind, link.relationship) == ("000000001AB", "legal1", "Mère")
    stored = " ".join(str(v) for v in Guardian.objects.values_list(flat=False).first())
    assert "45000" not in stored and "Cadre" not in stored


def test_it_reimports_guardians_in_place(run, world, school):
    run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    run(ImportKind.SIECLE_RESPONSABLES, samples.responsables_xml(school))
    school.parents[0].email = "nouvelle@famille.example.org"
    job = run(ImportKind.SIECLE_RESPONSABLES, samples.responsables_xml(school))
    assert Guardian.objects.filter(last_name="NOM00001").count() == 1
    assert job.report["counts"]["Responsables"]["updated"] == 1


def test_it_needs_the_students_before_the_guardians(run, world, school):
    job = run(ImportKind.SIECLE_RESPONSABLES, samples.responsables_xml(school))
    assert job.status == ImportStatus.FAILED and "ElevesSansAdresses.xml" in job.report["error"]


def test_it_leaves_the_database_unchanged_when_applying_fails(run, world, school, monkeypatch):
    from django.core.exceptions import ValidationError

    from continuite.imports.services import directory

    run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    before = snapshot(world.etablissement)
    school.pupils[0].last_name = "CHANGÉ"
    school.pupils.append(samples.Pupil("777", "777777777AB", "NOUVEAU", "Élève", "2NDE9"))

    def boom(*args, **kwargs):
        raise ValidationError("Panne simulée.")

    # the memberships, the last write of the plan
    monkeypatch.setattr(directory.Student.groups.through.objects, "bulk_create", boom)
    job = run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    assert job.status == ImportStatus.FAILED and job.report["error"] == "Panne simulée."
    assert snapshot(world.etablissement) == before
    assert not Division.objects.filter(code="2NDE9").exists()


def test_it_imports_an_edt_timetable_and_reimports_it_in_place(run, world, school):
    load_all(run, school)
    slots = TimetableSlot.objects.filter(etablissement=world.etablissement)
    assert slots.count() == len(school.slots)
    slot = slots.get(division__code="2NDE1", weekday=0, start=dt.time(8))
    assert slot.end == dt.time(9) and slot.week_pattern == "A"  # ALTERNANCE Q1
    assert list(slot.teachers.values_list("sts_id", flat=True)) == ["4000"]
    assert slots.filter(group__code="1SPESES").count() == 1
    school.slots.pop()
    job = run(ImportKind.EDT, samples.edt_xml(school))
    assert job.report["counts"]["Créneaux"]["removed"] == 1
    assert job.report["counts"]["Créneaux"]["unchanged"] == len(school.slots)


def test_it_imports_an_udt_timetable(run, world, school):
    run(ImportKind.STS, samples.sts_xml(school))
    run(ImportKind.SIECLE_ELEVES, samples.eleves_xml(school))
    job = run(ImportKind.UDT, samples.zipped("export_udt.csv", samples.udt_csv(school)))
    assert job.status == ImportStatus.DONE and job.report["counts"]["Créneaux"]["created"] == len(school.slots)


def test_it_reports_unknown_classes_of_a_timetable_with_their_element(run, world, school):
    school.slots[0]["structure"] = "9Z9"
    job = run(ImportKind.EDT, samples.edt_xml(school), dry_run=True)
    problem = next(p for p in job.report["problems"] if "9Z9" in p["message"])
    assert problem["element"] == 'Cours numero="1"' and problem["line"] == 3


def test_it_never_invites_without_confirmation(run, world, school, mailoutbox):
    load_all(run, school)
    assert not Staff.objects.filter(sts_id="4000", user__isnull=False).exists()
    assert len(mailoutbox) == 0


def test_it_invites_staff_and_guardians_with_an_email_on_request(
    run, world, school, django_capture_on_commit_callbacks
):
    load_all(run, school)
    expected = invitable_people(world.etablissement).count_all()
    assert expected >= len(school.teachers) + len(school.parents)
    with django_capture_on_commit_callbacks(execute=True):
        invited, problems = accounts_invite(etablissement=world.etablissement)
    assert invited == expected and problems == []
    assert Staff.objects.get(sts_id="4000").user.email == "prof0@lycee.example.org"
    assert invitable_people(world.etablissement).count_all() == 0
