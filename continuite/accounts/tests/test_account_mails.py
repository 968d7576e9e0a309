"""Account mails are transactional: an invitation or a password reset leaves at once, whatever the
school's quiet hours (they are for notices about the pupils); the links are built on SITE_URL.

21:30 on a Monday in Paris is inside the default quiet hours (20:00–07:00).
"""

import datetime as dt
import re
import smtplib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from continuite.ecole.models import Staff
from continuite.notifications.models import Notification, Status
from continuite.notifications.services import notify
from continuite.notifications.tests.backends import FlakyBackend
from continuite.notifications.tests.factories import NotificationPreferenceFactory

PARIS = ZoneInfo("Europe/Paris")
EVENING = dt.datetime(2026, 11, 16, 21, 30, tzinfo=PARIS)


def new_member(world) -> Staff:
    return Staff.objects.create(
        etablissement=world.etablissement,
        last_name="NOUVEAU",
        first_name="Paul",
        email="paul@lycee.fr",
        is_teacher=True,
    )


@pytest.mark.django_db(transaction=True)
def test_it_sends_an_invitation_at_once_during_quiet_hours(world, client):
    member = new_member(world)
    with time_machine.travel(EVENING, tick=False):
        client.force_login(world.user("direction"))
        response = client.post(reverse("ecole:staff_invite", kwargs={"pk": member.pk}), follow=True)
    assert "Invitation envoyée à paul@lycee.fr." in response.content.decode()
    [message] = [m for m in mail.outbox if "paul@lycee.fr" in m.to]
    assert "/comptes/password/reset/key/" in message.body
    row = Notification.objects.get(kind="accounts.invitation")
    assert row.status == Status.SENT
    assert row.sent_at == EVENING


@pytest.mark.django_db(transaction=True)
def test_it_sends_an_invitation_at_once_to_someone_who_chose_the_daily_digest(world):
    from continuite.accounts.services import user_invite

    NotificationPreferenceFactory(user=world.cpe.user)
    with time_machine.travel(EVENING, tick=False):
        user_invite(user=world.cpe.user)
    assert [m.to for m in mail.outbox] == [[world.cpe.user.email]]
    assert Notification.objects.get(kind="accounts.invitation").status == Status.SENT


@pytest.mark.django_db(transaction=True)
def test_it_still_holds_a_notice_to_a_family_during_quiet_hours(world):
    with time_machine.travel(EVENING, tick=False):
        row = notify(
            etablissement=world.etablissement,
            kind="test.family-notice",
            template="notifications/email/message",
            context={"title": "Absence de Léa", "body": "Léa était absente."},
            guardian=world.guardian,
            idempotency_key="famille-1",
        )
    assert mail.outbox == []
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert row.next_attempt_at == dt.datetime(2026, 11, 17, 7, 0, tzinfo=PARIS)


@pytest.mark.django_db(transaction=True)
def test_it_retries_an_invitation_without_waiting_for_the_end_of_quiet_hours(world, settings):
    from continuite.accounts.services import user_invite

    settings.EMAIL_BACKEND = "continuite.notifications.tests.backends.FlakyBackend"
    FlakyBackend.errors = [smtplib.SMTPResponseException(451, b"Greylisted, try again later")]
    with time_machine.travel(EVENING, tick=False):
        user_invite(user=world.cpe.user)
    row = Notification.objects.get(kind="accounts.invitation")
    assert row.status == Status.PENDING
    assert row.attempts == 1
    assert EVENING < row.next_attempt_at <= EVENING + dt.timedelta(minutes=5)


@pytest.mark.django_db(transaction=True)
@override_settings(SITE_URL="https://continuite.lycee-jean-zay.fr")
def test_it_sends_a_password_reset_at_once_with_a_link_on_site_url(world, client):
    with time_machine.travel(EVENING, tick=False):
        client.post(reverse("account_reset_password"), {"email": world.cpe.user.email}, HTTP_HOST="127.0.0.1:8000")
    [message] = mail.outbox
    links = re.findall(r"https?://\S+", message.body)
    reset = [link for link in links if "/password/reset/key/" in link]
    assert reset and all(link.startswith("https://continuite.lycee-jean-zay.fr/comptes/") for link in reset), links
    assert "127.0.0.1" not in message.body
