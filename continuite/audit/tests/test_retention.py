import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command

from continuite.accounts.models import User
from continuite.audit import retention
from continuite.audit.models import AuditEntry, RetentionStat
from continuite.audit.retention import months_before, register_rule, retention_apply, school_year_of
from continuite.audit.services import audit_record
from continuite.ecole.models import Guardian, GuardianLink, Staff, Student
from continuite.ecole.tests.factories import GuardianFactory, GuardianLinkFactory, StaffFactory, StudentFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2027, 3, 15, 10, 0, tzinfo=PARIS)


@pytest.fixture
def leavers(world):
    """Students and staff who left just before and just after the 3-month limit (15/12/2026)."""
    gone = StudentFactory(division=world.division, last_name="PARTI", exit_date=dt.date(2026, 12, 14))
    gone_guardian = GuardianFactory(etablissement=world.etablissement, last_name="PARTI")
    GuardianLinkFactory(guardian=gone_guardian, student=gone, kind="legal1")
    # a guardian of the leaver and of a current student stays
    GuardianLinkFactory(guardian=world.guardian2, student=gone, kind="legal1")
    recent = StudentFactory(division=world.division, last_name="RECENT", exit_date=dt.date(2026, 12, 15))
    staff_gone = StaffFactory(etablissement=world.etablissement, email="ancien@lycee.fr", left_on=dt.date(2026, 12, 1))
    staff_recent = StaffFactory(
        etablissement=world.etablissement, email="recent@lycee.fr", left_on=dt.date(2027, 1, 10)
    )
    return {
        "gone": gone,
        "gone_guardian": gone_guardian,
        "recent": recent,
        "staff_gone": staff_gone,
        "staff_recent": staff_recent,
    }


def _entry_at(world, moment):
    with time_machine.travel(moment, tick=False):
        return audit_record(user=world.cpe.user, action="view", obj=world.student)


def test_it_counts_months_back_to_the_same_day_or_the_month_end():
    assert months_before(dt.date(2027, 3, 15), 3) == dt.date(2026, 12, 15)
    assert months_before(dt.date(2027, 5, 31), 3) == dt.date(2027, 2, 28)
    assert months_before(dt.date(2027, 3, 15), 12) == dt.date(2026, 3, 15)


def test_it_names_the_school_year_of_a_day():
    assert school_year_of(dt.date(2026, 9, 1)) == "2026-2027"
    assert school_year_of(dt.date(2027, 8, 31)) == "2026-2027"


def test_it_purges_access_log_entries_older_than_twelve_months(world):
    old = _entry_at(world, dt.datetime(2026, 3, 15, 9, 59, tzinfo=PARIS))
    kept = _entry_at(world, dt.datetime(2026, 3, 15, 10, 1, tzinfo=PARIS))

    with time_machine.travel(NOW, tick=False):
        results = dict(retention_apply())

    assert results["journal_des_acces"] == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


def test_it_deletes_students_gone_more_than_three_months_and_keeps_a_count(world, leavers):
    with time_machine.travel(NOW, tick=False):
        results = dict(retention_apply())

    assert results["eleves_sortis"] == 1
    assert not Student.objects.filter(pk=leavers["gone"].pk).exists()
    assert Student.objects.filter(pk=leavers["recent"].pk).exists()
    assert Student.objects.filter(pk=world.student.pk).exists()
    assert not GuardianLink.objects.filter(student_id=leavers["gone"].pk).exists()
    stat = RetentionStat.objects.get(kind="élèves sortis")
    assert (stat.etablissement, stat.year, stat.count) == (world.etablissement, "2026-2027", 1)


def test_it_deletes_guardians_left_without_any_student(world, leavers):
    with time_machine.travel(NOW, tick=False):
        results = dict(retention_apply())

    assert results["responsables_sans_eleve"] == 1
    assert not Guardian.objects.filter(pk=leavers["gone_guardian"].pk).exists()
    assert Guardian.objects.filter(pk=world.guardian2.pk).exists()
    assert Guardian.objects.filter(pk=world.guardian.pk).exists()


def test_it_deletes_staff_gone_more_than_three_months_with_their_account(world, leavers):
    user_id = leavers["staff_gone"].user_id

    with time_machine.travel(NOW, tick=False):
        results = dict(retention_apply())

    assert results["personnels_partis"] == 1
    assert not Staff.objects.filter(pk=leavers["staff_gone"].pk).exists()
    assert not User.objects.filter(pk=user_id).exists()
    assert Staff.objects.filter(pk=leavers["staff_recent"].pk).exists()
    assert RetentionStat.objects.get(kind="personnels partis").count == 1


def test_it_deletes_the_account_of_a_student_who_left(world):
    world.student.exit_date = dt.date(2026, 11, 1)
    world.student.save(update_fields=["exit_date"])
    user_id = world.student.user_id

    with time_machine.travel(NOW, tick=False):
        retention_apply()

    assert not User.objects.filter(pk=user_id).exists()
    # the teachers' accounts are untouched
    assert User.objects.filter(pk=world.teacher.user_id).exists()


def test_it_deletes_expired_sessions_only(world):
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        expired = SessionStore()
        expired.set_expiry(60)
        expired.create()
    with time_machine.travel(NOW, tick=False):
        alive = SessionStore()
        alive.create()

        retention_apply()

    assert list(Session.objects.values_list("session_key", flat=True)) == [alive.session_key]


def test_it_changes_nothing_on_a_dry_run(world, leavers):
    _entry_at(world, dt.datetime(2025, 1, 1, tzinfo=PARIS))

    with time_machine.travel(NOW, tick=False):
        results = dict(retention_apply(dry_run=True))

    assert results["eleves_sortis"] == 1
    assert results["journal_des_acces"] == 1
    assert results["personnels_partis"] == 1
    assert Student.objects.filter(pk=leavers["gone"].pk).exists()
    assert Staff.objects.filter(pk=leavers["staff_gone"].pk).exists()
    assert AuditEntry.objects.count() == 1
    assert not RetentionStat.objects.exists()


def test_it_is_idempotent(world, leavers):
    with time_machine.travel(NOW, tick=False):
        retention_apply()
        second = dict(retention_apply())

    assert second["eleves_sortis"] == second["personnels_partis"] == second["responsables_sans_eleve"] == 0
    assert RetentionStat.objects.get(kind="élèves sortis").count == 1


def test_it_runs_the_rules_other_apps_register(world, monkeypatch):
    monkeypatch.setattr(retention, "RULES", [])
    calls = []
    register_rule("essai", lambda now, dry_run: calls.append((now, dry_run)) or 7)
    register_rule("essai", lambda now, dry_run: calls.append((now, dry_run)) or 3)  # replaces, not duplicates

    with time_machine.travel(NOW, tick=False):
        results = retention_apply(dry_run=True)

    assert ("essai", 3) in results
    assert calls == [(NOW, True)]


def test_it_lists_what_would_go_from_the_command(world, leavers):
    out = StringIO()

    with time_machine.travel(NOW, tick=False):
        call_command("retention", "--dry-run", stdout=out)

    assert "eleves_sortis" in out.getvalue()
    assert "seraient supprimés" in out.getvalue()
    assert Student.objects.filter(pk=leavers["gone"].pk).exists()


def test_it_schedules_the_retention_every_night(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audit-retention-nightly"]

    assert entry["task"] == "continuite.audit.tasks.retention_apply"
