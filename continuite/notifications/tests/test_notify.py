"""notify(): one outbox row in the caller's transaction, rendered now, never twice."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from continuite.notifications.models import Notification, Status
from continuite.notifications.queries import acknowledgements_for
from continuite.notifications.services import notify

from .factories import NotificationPreferenceFactory, NotificationSettingsFactory

PARIS = ZoneInfo("Europe/Paris")
DAYTIME = dt.datetime(2026, 11, 16, 10, 0, tzinfo=PARIS)  # a Monday morning
EVENING = dt.datetime(2026, 11, 16, 21, 30, tzinfo=PARIS)


def _notify(world, key="k1", **kwargs):
    kwargs.setdefault("user", None if "guardian" in kwargs else world.cpe.user)
    return notify(
        etablissement=world.etablissement,
        kind="test.notice",
        template="notifications/email/message",
        context={"title": "Absence de Léa", "body": "Léa était absente ce matin."},
        idempotency_key=key,
        **kwargs,
    )


@pytest.fixture(autouse=True)
def daytime():
    with time_machine.travel(DAYTIME, tick=False):
        yield


@pytest.mark.django_db(transaction=True)
def test_it_delivers_the_mail_once_the_transaction_commits(world):
    notification = _notify(world)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Continuité] Absence de Léa"
    assert message.to == [world.cpe.user.email]
    assert message.extra_headers["Message-ID"] == notification.message_id
    assert "Léa était absente ce matin." in message.body
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.sent_at is not None


def test_it_renders_and_stores_the_french_texts_with_the_recipient_name(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notification = _notify(world, guardian=world.guardian)
    assert notification.subject == "[Continuité] Absence de Léa"
    assert notification.body_text.startswith(f"Bonjour {world.guardian},")
    assert "<p>Léa était absente ce matin.</p>" in notification.body_html
    assert notification.recipient_name == str(world.guardian)


def test_it_returns_the_first_row_for_a_second_call_with_the_same_key(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _notify(world)
        second = _notify(world)
    assert second.pk == first.pk
    assert Notification.objects.count() == 1
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


def test_it_writes_nothing_when_the_callers_transaction_rolls_back(world):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(world)
        raise RuntimeError
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_it_reaches_a_guardian_without_account_by_email_only(world, django_capture_on_commit_callbacks):
    world.guardian2.email = "marc.durand@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(world, guardian=world.guardian2)
    assert notification.user_id is None
    assert not notification.channel_portal
    assert mail.outbox[0].to == ["marc.durand@example.org"]


def test_it_shows_a_guardians_notice_in_his_account(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(world, guardian=world.guardian)
    assert notification.channel_portal
    assert list(Notification.objects.visible_to(world.users["parent"])) == [notification]
    assert not Notification.objects.visible_to(world.cpe.user).exists()


def test_it_refuses_zero_or_two_recipients(world):
    with pytest.raises(ValidationError):
        _notify(world, user=None)
    with pytest.raises(ValidationError):
        _notify(world, user=world.cpe.user, guardian=world.guardian)


def test_it_marks_failed_a_notice_for_a_guardian_without_address_nor_account(world):
    world.guardian2.email = ""
    with pytest.raises(ValidationError):
        _notify(world, guardian=world.guardian2, channels=("portal",))
    notification = _notify(world, guardian=world.guardian2)
    assert notification.status == Status.FAILED
    assert "adresse" in notification.last_error


def test_it_keeps_a_portal_only_notice_out_of_the_mail(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(world, channels=("portal",))
    assert notification.status == Status.PORTAL_ONLY
    assert mail.outbox == []


def test_it_holds_a_notice_written_in_quiet_hours_until_they_end(world, django_capture_on_commit_callbacks):
    with time_machine.travel(EVENING, tick=False), django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _notify(world)
    assert callbacks == []
    assert notification.status == Status.PENDING
    assert notification.next_attempt_at == dt.datetime(2026, 11, 17, 7, 0, tzinfo=PARIS)
    assert mail.outbox == []


def test_it_follows_the_schools_own_quiet_hours(world, django_capture_on_commit_callbacks):
    NotificationSettingsFactory(etablissement=world.etablissement, quiet_start=dt.time(22, 0), quiet_end=dt.time(6, 0))
    with time_machine.travel(EVENING, tick=False), django_capture_on_commit_callbacks(execute=True):
        notification = _notify(world)
    notification.refresh_from_db()
    assert notification.status == Status.SENT


def test_it_keeps_the_notice_for_the_digest_when_the_user_chose_it(world, django_capture_on_commit_callbacks):
    NotificationPreferenceFactory(user=world.cpe.user)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(world)
    assert notification.status == Status.DIGEST
    assert mail.outbox == []


def test_it_lists_acknowledgements_of_a_related_object_in_one_query(
    world, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=False):
        _notify(world, "a", guardian=world.guardian, related=world.student, ack_required=True)
        _notify(world, "b", guardian=world.guardian2, related=world.student, ack_required=True)
        _notify(world, "c", related=world.student2)
    with django_assert_num_queries(1):  # the notices of the student, with user and guardian joined
        rows = acknowledgements_for(world.student)
        names = [(row.recipient.last_name, row.sent_at, row.read_at, row.acknowledged_at) for row in rows]
    assert len(names) == 2
