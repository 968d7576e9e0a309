"""A school re-imports its files every week: nobody duplicated, no family corrupted, no slot dropped.

The files are ``exports.py``'s, written as the school's software writes them; the school is a new
établissement, not the shared world (whose MARTIN Claire has no STS id).
"""

import datetime as dt
from email import message_from_bytes, policy

import pytest
from django.conf import settings
from django.urls import reverse

from continuite.audit.retention import retention_apply
from continuite.ecole.models import Guardian, GuardianLink, Staff, Student
from continuite.ecole.tests.factories import EtablissementFactory, SchoolYearFactory
from continuite.imports.models import ImportJob, ImportKind, ImportStatus
from continuite.imports.services import (
    accounts_invite,
    import_job_create,
    import_run,
    invitable_people,
    planned_exits_apply,
)
from continuite.imports.tasks import apply_planned_exits
from continuite.notifications.models import Notification
from continuite.notifications.services import notification_deliver
from planning.models import TimetableSlot

from . import exports

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_time(time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def lycee():
    etab = EtablissementFactory(uai=exports.UAI, name="Lycée Jean Zay")
    SchoolYearFactory(etablissement=etab)
    return etab


def run(etab, kind, content) -> ImportJob:
    job = import_run(import_job_create(etablissement=etab, kind=kind, filename=f"{kind}.xml", content=content))
    assert job.status == ImportStatus.DONE, job.report
    return job


def import_week(etab, school, *, timetable=ImportKind.EDT):
    jobs = {
        "sts": run(etab, ImportKind.STS, exports.sts()),
        "eleves": run(etab, ImportKind.SIECLE_ELEVES, exports.eleves(school)),
        "responsables": run(etab, ImportKind.SIECLE_RESPONSABLES, exports.responsables(school)),
    }
    content = exports.edt() if timetable == ImportKind.EDT else exports.udt()
    jobs["timetable"] = run(etab, timetable, content)
    return jobs


def state(etab):
    return {
        "students": sorted(
            Student.objects.filter(etablissement=etab).values_list(
                "ine", "siecle_id", "last_name", "first_name", "division__code", "exit_date", "planned_exit_date"
            )
        ),
        "staff": sorted(Staff.objects.filter(etablissement=etab).values_list("sts_id", "last_name", "first_name")),
        "guardians": sorted(
            Guardian.objects.filter(etablissement=etab).values_list(
                "pk", "siecle_id", "last_name", "first_name", "email", "user__email"
            )
        ),
        "links": sorted(
            GuardianLink.objects.filter(guardian__etablissement=etab).values_list(
                "guardian__siecle_id", "student__ine", "kind"
            )
        ),
        "slots": sorted(
            TimetableSlot.objects.filter(etablissement=etab).values_list(
                "division__code", "group__code", "subject__code", "weekday", "start", "week_pattern", "teachers__sts_id"
            ),
            key=str,
        ),
    }


def children_seen_by(client, guardian) -> str:
    client.force_login(guardian.user)
    page = client.get(reverse("home")).content.decode()
    client.logout()
    return page


def test_it_reimports_a_school_every_week_without_corrupting_a_family(
    lycee, client, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    week_one = exports.week_one()
    import_week(lycee, week_one)
    with django_capture_on_commit_callbacks(execute=True):
        invited, problems = accounts_invite(etablissement=lycee)
    assert problems == [] and invited == 7  # the guardians of current students (STS-web gave no staff address)
    assert invitable_people(lycee).count_all() == 0
    first = state(lycee)
    assert len(first["guardians"]) == 7  # ROUX Denis, of a student in "Inactifs", is not imported
    mullers = Guardian.objects.filter(etablissement=lycee, last_name="MÜLLER").order_by("siecle_id")
    assert [(g.first_name, g.email) for g in mullers] == [
        ("Élodie", "elodie.muller@example.org"),
        ("Élodie", "e.muller.grand-mere@example.org"),
    ]

    # The same files, three more times: nothing changes, nothing grows.
    for _again in range(3):
        jobs = import_week(lycee, week_one)
        assert state(lycee) == first
        assert invitable_people(lycee).count_all() == 0
        for job in jobs.values():
            assert job.report["totals"]["created"] == 0, job.report["counts"]
            assert job.report["totals"]["removed"] == 0, job.report["counts"]
    for guardian in Guardian.objects.filter(etablissement=lycee):
        page = children_seen_by(client, guardian)
        assert "Aucun enfant" not in page
        child = guardian.students.get()
        assert child.full_name in page

    # A week later.
    time_machine.move_to(dt.datetime(2026, 10, 12, 10, 0, tzinfo=dt.UTC), tick=False)
    mailoutbox.clear()
    jobs = import_week(lycee, exports.week_two(), timetable=ImportKind.UDT)
    eleves, resp = jobs["eleves"].report, jobs["responsables"].report
    assert eleves["counts"]["Élèves"] == {"created": 0, "updated": 2, "unchanged": 2, "removed": 1}
    assert any("1 élève n'est plus inscrit d'après ce fichier" in note for note in eleves["notes"])
    assert any("Chloé LEMAÎTRE (1G4) : sortie prévue le 16/10/2026" in note for note in eleves["notes"])
    assert resp["counts"]["Responsables"]["created"] == 1
    assert any("changé d'adresse de courriel" in note for note in resp["notes"])

    students = {s.first_name: s for s in Student.objects.filter(etablissement=lycee)}
    assert students["Léa"].division.code == "1G4"  # class change
    assert students["Inès"].exit_date == dt.date(2026, 10, 2)  # departure
    chloe = students["Chloé"]  # leaving date still to come: still a current student
    assert chloe.exit_date is None and chloe.planned_exit_date == dt.date(2026, 10, 16)
    assert Student.objects.filter(etablissement=lycee).current().filter(pk=chloe.pk).exists()
    assert planned_exits_apply(today=dt.date(2026, 10, 15)) == 0
    assert Student.objects.filter(etablissement=lycee).count() == 5  # nobody duplicated

    samira = Guardian.objects.get(etablissement=lycee, siecle_id="294461")  # the new guardian
    assert list(samira.students.values_list("first_name", flat=True)) == ["Yanis"]
    sophie = Guardian.objects.get(etablissement=lycee, siecle_id="294435")  # the changed email
    assert sophie.email == sophie.user.email == "sophie.durand@nouveau.example.org"
    # The test's one transaction never commits: deliver what the outbox holds, as its worker would.
    for pk in Notification.objects.filter(status="pending").values_list("pk", flat=True):
        notification_deliver(notification_id=pk)
    told = [m for m in mailoutbox if m.to == ["sophie.durand@nouveau.example.org"]]
    assert len(told) == 1
    mail = message_from_bytes(told[0].message().as_bytes(), policy=policy.default)
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "identifiant" in mail["Subject"]
    assert "sophie.durand@nouveau.example.org" in body and "sophie.durand@example.org" in body
    assert Guardian.objects.filter(etablissement=lycee).count() == 8
    assert invitable_people(lycee).count_all() == 1  # Samira only

    # Every guardian with an account still sees his child, and retention deletes none of them.
    retention_apply(now=dt.datetime(2026, 10, 12, 3, 0, tzinfo=dt.UTC))
    for guardian in Guardian.objects.filter(etablissement=lycee, user__isnull=False):
        page = children_seen_by(client, guardian)
        assert guardian.students.get().full_name in page and "Aucun enfant" not in page
    assert Guardian.objects.filter(etablissement=lycee).count() == 8

    # Chloé's leaving date comes: she leaves the current lists that night.
    apply_planned_exits.apply()  # as the nightly task does
    chloe.refresh_from_db()
    assert chloe.planned_exit_date == dt.date(2026, 10, 16) and chloe.exit_date is None  # not yet (12 October)
    time_machine.move_to(dt.datetime(2026, 10, 15, 22, 30, tzinfo=dt.UTC), tick=False)  # 16 October in Paris
    apply_planned_exits.apply()
    chloe.refresh_from_db()
    assert chloe.exit_date == dt.date(2026, 10, 16) and chloe.planned_exit_date is None
    assert settings.CELERY_BEAT_SCHEDULE["imports-planned-exits-nightly"]["task"] == apply_planned_exits.name

    # The alternate weeks are there, with their pattern; homonym teachers told apart by their services.
    slots = TimetableSlot.objects.filter(etablissement=lycee)
    assert slots.count() == len(exports.COURS)
    tuesday = {s.division.code: s for s in slots.filter(weekday=1)}
    assert tuesday["1G4"].week_pattern == "A" and tuesday["2NDE1"].week_pattern == "B"
    assert [t.sts_id for t in tuesday["1G4"].teachers.all()] == ["5002"]
    wednesday = {s.division.code: s.week_pattern for s in slots.filter(weekday=2)}
    assert wednesday == {"1G3": "A", "1G4": "B"}
    monday = slots.get(weekday=0)
    assert [t.sts_id for t in monday.teachers.all()] == ["5001"]
    assert not [p for p in jobs["timetable"].report["problems"] if "enseignant" in p["message"].lower()]


def test_it_fills_the_ids_of_a_school_imported_before_they_were_kept(lycee, client):
    """An existing school: its guardians have no PERSONNE_ID; the next import fills them, duplicating nobody."""
    week_one = exports.week_one()
    import_week(lycee, week_one)
    accounts_invite(etablissement=lycee)
    Guardian.objects.filter(etablissement=lycee).update(siecle_id="")
    Student.objects.filter(etablissement=lycee).update(siecle_id="")
    before = Guardian.objects.filter(etablissement=lycee).count()

    run(lycee, ImportKind.SIECLE_ELEVES, exports.eleves(week_one))
    job = run(lycee, ImportKind.SIECLE_RESPONSABLES, exports.responsables(week_one))

    assert Guardian.objects.filter(etablissement=lycee).count() == before
    assert job.report["counts"]["Responsables"]["created"] == 0
    assert any("reconnus par leur nom et leurs enfants" in note for note in job.report["notes"])
    mullers = {g.siecle_id: g.email for g in Guardian.objects.filter(last_name="MÜLLER")}
    assert mullers == {"294440": "elodie.muller@example.org", "294441": "e.muller.grand-mere@example.org"}
    for guardian in Guardian.objects.filter(etablissement=lycee):
        assert guardian.students.get().full_name in children_seen_by(client, guardian)


def test_it_never_counts_unlinked_guardians_as_to_invite(lycee):
    import_week(lycee, exports.week_one())
    Guardian.objects.create(etablissement=lycee, last_name="SEUL", first_name="Paul", email="paul@example.org")
    assert "paul@example.org" not in [g.email for g in invitable_people(lycee).guardians]
