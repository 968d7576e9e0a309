"""The follow-up's cached pages and values are never stale: someone writes, another user reads the new
value; the outbox rows a case page shows are always read; nothing of one reader reaches another."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from continuite.notifications.models import Notification
from suivi import services
from suivi.models import AttendanceMark, Case, Level
from suivi.tests.factories import CaseFactory, MarkFactory, RegisterFactory

from .conftest import TODAY
from .helpers import registers

pytestmark = pytest.mark.django_db

# The session is read from the database, or from Redis when the cache is Redis (cached_db).
SESSION = 1 if settings.SESSION_ENGINE.endswith(".db") else 0

MONDAY = dt.date(2026, 11, 30)


def _absence(student, day=MONDAY):
    register = RegisterFactory(
        session__division=student.division,
        session__date=day,
        session__start=dt.time(10),
        session__end=dt.time(11),
        session__minutes=60,
        half_day="matin",
    )
    return MarkFactory(register=register, student=student, status="absent")


def _read(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.text


def test_the_queue_shows_a_level_raised_by_the_nightly_signals(world, client, frozen):
    case = CaseFactory(student=world.student, level=Level.VIGILANCE)
    url = reverse("suivi:case_list")
    assert "Vigilance" in _read(client, world.cpe.user, url)
    Case.objects.filter(pk=case.pk).update(level=Level.RISQUE)  # as the nightly job writes
    page = _read(client, world.cpe.user, url)
    assert "Risque" in page


def test_the_directions_queue_is_not_the_cpes(world, client, frozen):
    CaseFactory(student=world.student)
    url = reverse("suivi:case_list")
    assert world.student.last_name in _read(client, world.cpe.user, url)
    assert world.student.last_name not in _read(client, world.direction.user, url)  # not escalated


def test_the_queue_says_a_notice_was_refused_by_the_mail_server(world, client, frozen):
    case = CaseFactory(student=world.student, severity=3)
    registers(world.student, ["absent", "absent", "present"])
    services.notice_send(case=case, user=world.cpe.user, today=TODAY - dt.timedelta(days=3))
    services.notice_send(case=case, user=world.cpe.user, today=TODAY)
    url = reverse("suivi:case_list")
    before = _read(client, world.cpe.user, url)
    from smtplib import SMTPRecipientsRefused

    from continuite.notifications.models import Status
    from continuite.notifications.services import _record_failure

    notification = Notification.objects.filter(kind="suivi.notice", guardian__isnull=False, ack_required=True).first()
    Notification.objects.filter(pk=notification.pk).update(status=Status.SENDING)  # claimed by the worker
    refused = SMTPRecipientsRefused({notification.email: (550, b"boite inconnue")})
    assert _record_failure(notification, refused) == "failed"  # the outbox, in its worker
    assert "non remis" in _read(client, world.cpe.user, url) and "non remis" not in before


def test_the_case_page_shows_an_interview_recorded_by_another_cpe(world, client, frozen):
    case = CaseFactory(student=world.student)
    url = case.get_absolute_url()
    assert "Élève reçu avec sa mère" not in _read(client, world.cpe.user, url)
    services.case_interview_record(case=case, user=world.direction.user, text="Élève reçu avec sa mère")
    assert "Élève reçu avec sa mère" in _read(client, world.cpe.user, url)


def test_the_case_page_reads_todays_rule_after_a_register_taken_by_a_teacher(world, client, frozen):
    case = CaseFactory(student=world.student, rule="ouvert à la main")
    url = case.get_absolute_url()
    first = _read(client, world.cpe.user, url)
    for day in range(5):
        _absence(world.student, MONDAY + dt.timedelta(days=day % 4))
    second = _read(client, world.cpe.user, url)
    rule = re.compile(r"Règle déclenchée</dt><dd[^>]*>([^<]*)")
    assert rule.search(first).group(1) != rule.search(second).group(1)


def test_the_case_page_reads_an_acknowledgement_as_soon_as_it_is_given(world, client, frozen):
    case = CaseFactory(student=world.student, severity=3)
    registers(world.student, ["absent", "absent", "present"])
    services.notice_send(case=case, user=world.cpe.user, today=TODAY - dt.timedelta(days=3))
    services.notice_send(case=case, user=world.cpe.user, today=TODAY)
    url = case.get_absolute_url()
    assert "a pris connaissance le" not in _read(client, world.cpe.user, url)
    # The guardian acknowledges through his mail's link: a write to the outbox only.
    Notification.objects.filter(kind="suivi.notice", guardian=world.guardian).update(acknowledged_at=timezone.now())
    assert "a pris connaissance le" in _read(client, world.cpe.user, url)


def test_the_absence_list_shows_a_register_taken_after_it_was_read(world, client, frozen):
    url = reverse("suivi:absence_list")
    assert world.student2.last_name not in _read(client, world.cpe.user, url)
    _absence(world.student2)
    assert world.student2.last_name in _read(client, world.cpe.user, url)


def test_the_absence_list_shows_an_absence_justified_by_another_user(world, client, frozen):
    mark = _absence(world.student)
    url = reverse("suivi:absence_list")
    assert world.student.last_name in _read(client, world.cpe.user, url)
    AttendanceMark.objects.filter(pk=mark.pk).update(absence_status="justifiee")
    assert world.student.last_name not in _read(client, world.cpe.user, url).split('id="absences-title"')[1]


def test_each_reader_of_the_cached_absence_list_gets_his_own_form_tokens(world, client, frozen):
    _absence(world.student)
    url = reverse("suivi:absence_list")

    def tokens(page):
        return re.findall(
            r'name="csrfmiddlewaretoken" value="([^"]+)"><input type="hidden" name="submission" value="([^"]+)"', page
        )

    first = tokens(_read(client, world.cpe.user, url))
    second = tokens(_read(client, world.cpe.user, url))
    assert first and second and len(first) == len(second) == 3  # justify, settle, rectify
    assert not {s for _c, s in first} & {s for _c, s in second}
    assert "<!--form-tokens-->" not in _read(client, world.cpe.user, url)


def test_cached_suivi_pages_cost_the_gate_only(world, client, frozen, django_assert_num_queries):
    services.settings_get(etablissement=world.etablissement)  # its first reading writes the row
    _absence(world.student)
    CaseFactory(student=world.student)
    client.force_login(world.cpe.user)
    for url in (reverse("suivi:absence_list"), reverse("suivi:case_list")):
        client.get(url)
        with django_assert_num_queries(SESSION + 1):  # the session, the user with his school's versions
            client.get(url)


def test_the_cpes_home_counts_an_absence_recorded_after_it_was_read(world, client, frozen):
    url = reverse("home")
    before = _read(client, world.cpe.user, url)
    assert "1 absence à justifier" not in before
    _absence(world.student)
    assert "1 absence à justifier" in _read(client, world.cpe.user, url)


def test_a_parents_home_counts_an_absence_recorded_after_it_was_read(world, client, frozen):
    url = reverse("home")
    assert "1 absence à justifier" not in _read(client, world.user("parent"), url)
    _absence(world.student)
    assert "1 absence à justifier" in _read(client, world.user("parent"), url)
