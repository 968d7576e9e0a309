"""What the privacy page promises, the portal does: contacts of one's own class only, notifications
purged, every retention rule stated (equipment files in the access log: equipement/tests/test_access_log.py)."""

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import strip_tags

from continuite.audit.retention import all_rules, retention_apply
from continuite.ecole.tests.factories import GuardianFactory, GuardianLinkFactory, TeachingAssignmentFactory
from continuite.notifications.models import Notification, Status

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2027, 11, 20, 10, 0, tzinfo=PARIS)


def _contacts_on_student_page(client, user, student) -> str:
    client.force_login(user)
    response = client.get(reverse("ecole:student_detail", kwargs={"pk": student.pk}))
    assert response.status_code == 200
    section = re.search(r'<section aria-labelledby="responsables">(.*?)</section>', response.content.decode(), re.S)
    return " ".join(html.unescape(strip_tags(section.group(1))).split()) if section else ""


@pytest.fixture
def guardian_of_student2(world):
    guardian = GuardianFactory(
        etablissement=world.etablissement, last_name="PETIT", email="petit@famille.fr", mobile="06 11 22 33 44"
    )
    GuardianLinkFactory(guardian=guardian, student=world.student2, kind="legal1")
    # The tutor of 1G3 also teaches 1G4: he sees its students, not their families' contacts.
    TeachingAssignmentFactory(staff=world.tutor, subject=world.subject, division=world.division2)
    return guardian


def test_it_shows_a_form_tutor_the_guardians_of_his_own_class(world, client, guardian_of_student2):
    text = _contacts_on_student_page(client, world.tutor.user, world.student)
    assert "parent@lycee.fr" in text


def test_it_hides_the_guardians_of_a_student_of_another_class_from_his_teacher_and_tutor(
    world, client, guardian_of_student2
):
    text = _contacts_on_student_page(client, world.tutor.user, world.student2)
    assert text == ""
    page = client.get(reverse("ecole:student_detail", kwargs={"pk": world.student2.pk})).content.decode()
    assert "petit@famille.fr" not in page
    assert "06 11 22 33 44" not in page


def test_it_still_shows_the_cpe_every_guardian(world, client, guardian_of_student2):
    text = _contacts_on_student_page(client, world.cpe.user, world.student2)
    assert "petit@famille.fr" in text and "06 11 22 33 44" in text


def test_it_shows_a_plain_teacher_no_guardian_contact(world, client):
    assert _contacts_on_student_page(client, world.teacher.user, world.student) == ""


def _notification(world, *, created: dt.datetime, read: bool = False, portal: bool = True, status=Status.SENT):
    return Notification.objects.create(
        etablissement=world.etablissement,
        kind="test",
        user=world.cpe.user,
        subject="Un avis",
        body_text="Texte",
        idempotency_key=f"test-{created.isoformat()}-{read}-{portal}-{status}",
        status=status,
        next_attempt_at=created,
        created_at=created,
        read_at=created if read else None,
        channel_portal=portal,
    )


def test_it_purges_read_notifications_after_a_year_and_unread_ones_after_two(world):
    thirteen_months = NOW - dt.timedelta(days=396)
    old_read = _notification(world, created=thirteen_months, read=True)
    old_mail_only = _notification(world, created=thirteen_months, portal=False)
    old_unread = _notification(world, created=thirteen_months)
    recent_read = _notification(world, created=NOW - dt.timedelta(days=200), read=True)
    very_old_unread = _notification(world, created=NOW - dt.timedelta(days=740))
    very_old_pending = _notification(world, created=NOW - dt.timedelta(days=740), status=Status.PENDING)
    with time_machine.travel(NOW, tick=False):
        results = dict(retention_apply())
    assert results["notifications"] == 3
    kept = set(Notification.objects.values_list("pk", flat=True))
    assert kept == {old_unread.pk, recent_read.pk, very_old_pending.pk}
    assert not {old_read.pk, old_mail_only.pk, very_old_unread.pk} & kept


def test_it_describes_every_retention_rule_that_runs():
    rules = all_rules()
    assert "notifications" in {rule.name for rule in rules}
    assert all(str(rule.description) for rule in rules), [rule.name for rule in rules if not rule.description]


def test_it_lists_on_the_privacy_page_exactly_the_rules_that_run(client):
    response = client.get(reverse("audit:privacy_notice"))
    listing = re.search(r'<ul id="durees-conservation">(.*?)</ul>', response.content.decode(), re.S).group(1)
    items = [" ".join(html.unescape(strip_tags(li)).split()) for li in re.findall(r"<li>(.*?)</li>", listing, re.S)]
    assert items == [str(rule.description) for rule in all_rules()]
    assert any(item.startswith("Notifications : supprimées 12 mois après leur envoi une fois lues") for item in items)
    assert any(item.startswith("Dossiers de suivi clos") for item in items)
    # No promise about a purge that no rule performs.
    assert not any("jetons" in item for item in items)


def test_it_keeps_the_privacy_page_readable_without_an_account(client):
    response = client.get(reverse("audit:privacy_notice"))
    assert "Durées de conservation" in response.content.decode()
