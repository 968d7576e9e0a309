"""Delivery: claimed once, retried with backoff on temporary errors, swept when forgotten."""

import datetime as dt
import smtplib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from continuite.notifications.models import Notification, Status
from continuite.notifications.services import (
    CLAIM_SQL,
    MAX_ATTEMPTS,
    _claim,
    digest_send_for,
    digests_send,
    notification_acknowledge,
    notification_deliver,
    notifications_sweep,
    notify,
)
from continuite.notifications.tasks import deliver_notifications

from .backends import FlakyBackend
from .factories import NotificationFactory, NotificationPreferenceFactory

PARIS = ZoneInfo("Europe/Paris")
DAYTIME = dt.datetime(2026, 11, 16, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def daytime():
    with time_machine.travel(DAYTIME, tick=False) as traveller:
        yield traveller


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "continuite.notifications.tests.backends.FlakyBackend"
    FlakyBackend.errors = []
    yield FlakyBackend
    FlakyBackend.errors = []


def test_it_sends_one_mail_when_the_task_runs_twice(db):
    notification = NotificationFactory()
    assert deliver_notifications([notification.pk]) == {"sent": 1}
    assert deliver_notifications([notification.pk]) == {"skipped": 1}
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.SENT, 1)


def test_it_claims_and_reads_a_notice_in_one_query_on_postgresql(db, django_assert_num_queries):
    from django.db import connection

    notification = NotificationFactory(subject="Avis")
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        claimed = _claim(notification.pk, now=timezone.now())
    assert (claimed.pk, claimed.subject, claimed.status, claimed.attempts) == (notification.pk, "Avis", "sending", 1)
    assert _claim(notification.pk, now=timezone.now()) is None  # held: nobody else gets it
    assert Notification._meta.db_table in CLAIM_SQL


def test_it_uses_a_fixed_message_id_per_notice(db):
    notification = NotificationFactory()
    notification_deliver(notification_id=notification.pk)
    assert mail.outbox[0].extra_headers["Message-ID"] == notification.message_id
    assert notification.message_id.startswith(f"<notification-{notification.pk}.")


def test_it_does_not_send_a_row_another_worker_holds(db):
    notification = NotificationFactory(status=Status.SENDING, claimed_until=timezone.now() + dt.timedelta(minutes=5))
    assert notification_deliver(notification_id=notification.pk) == "skipped"
    assert mail.outbox == []


def test_it_refuses_to_send_before_the_next_attempt_time(db):
    notification = NotificationFactory(next_attempt_at=timezone.now() + dt.timedelta(hours=1))
    assert notification_deliver(notification_id=notification.pk) == "skipped"
    assert mail.outbox == []


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPResponseException(451, b"Try again later"),
        smtplib.SMTPServerDisconnected("gone"),
        ConnectionRefusedError(111, "refused"),
        TimeoutError("timed out"),
    ],
    ids=["451", "disconnected", "refused", "timeout"],
)
def test_it_retries_a_temporary_error_with_backoff(db, flaky, error):
    notification = NotificationFactory()
    flaky.errors = [error]
    assert notification_deliver(notification_id=notification.pk) == "retry"
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert notification.next_attempt_at == timezone.now() + dt.timedelta(minutes=1)
    assert type(error).__name__ in notification.last_error


def test_it_doubles_the_wait_at_each_attempt(db, flaky):
    notification = NotificationFactory(attempts=3)
    flaky.errors = [smtplib.SMTPResponseException(421, b"busy")]
    notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.next_attempt_at == timezone.now() + dt.timedelta(minutes=8)


def test_it_delivers_after_a_temporary_error_once_the_wait_is_over(db, flaky, daytime):
    notification = NotificationFactory()
    flaky.errors = [smtplib.SMTPResponseException(451, b"Try again later")]
    notification_deliver(notification_id=notification.pk)
    daytime.shift(dt.timedelta(minutes=2))
    assert notifications_sweep() == 1  # eager: the sweep delivers it
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert len(mail.outbox) == 1


def test_it_fails_on_a_permanent_error(db, flaky):
    notification = NotificationFactory()
    flaky.errors = [smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"No such user")})]
    assert notification_deliver(notification_id=notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert "550" in notification.last_error


def test_it_fails_after_the_last_attempt(db, flaky):
    notification = NotificationFactory(attempts=MAX_ATTEMPTS - 1)
    flaky.errors = [smtplib.SMTPResponseException(451, b"Try again later")]
    assert notification_deliver(notification_id=notification.pk) == "failed"


def test_it_gives_back_a_row_whose_worker_died(db):
    notification = NotificationFactory(
        status=Status.SENDING, attempts=1, claimed_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert notifications_sweep() == 1
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.attempts == 2


def test_it_does_not_enqueue_again_a_row_enqueued_a_moment_ago(db, django_capture_on_commit_callbacks):
    NotificationFactory(enqueued_at=timezone.now() - dt.timedelta(seconds=30))
    assert notifications_sweep() == 0


def _notify_cpe(world, key: str, *, title: str = "Avis"):
    return notify(
        etablissement=world.etablissement,
        kind="test",
        template="notifications/email/message",
        context={"title": title, "body": "Texte"},
        user=world.cpe.user,
        idempotency_key=key,
    )


def test_it_sends_a_notice_held_by_quiet_hours_when_they_end(db, daytime, world):
    daytime.move_to(dt.datetime(2026, 11, 16, 22, 0, tzinfo=PARIS))
    _notify_cpe(world, "late", title="Retard")
    assert notifications_sweep() == 0
    daytime.move_to(dt.datetime(2026, 11, 17, 6, 59, tzinfo=PARIS))
    assert notifications_sweep() == 0
    daytime.move_to(dt.datetime(2026, 11, 17, 7, 0, tzinfo=PARIS))
    assert notifications_sweep() == 1
    assert len(mail.outbox) == 1


def _held(world, n):
    user = world.cpe.user
    NotificationPreferenceFactory(user=user)
    for i in range(n):
        notify(
            etablissement=world.etablissement,
            kind="test",
            template="notifications/email/message",
            context={"title": f"Avis {i}", "body": f"Corps {i}"},
            user=user,
            idempotency_key=f"held-{i}",
        )
    return user


def test_it_gathers_held_notices_into_one_daily_mail(world, django_capture_on_commit_callbacks):
    user = _held(world, 3)
    with django_capture_on_commit_callbacks(execute=True):
        digest = digest_send_for(user=user)
    assert digest is not None
    assert len(mail.outbox) == 1
    assert "Avis 0" in mail.outbox[0].body and "Avis 2" in mail.outbox[0].body
    assert Notification.objects.filter(digest=digest, status=Status.DIGESTED).count() == 3


def test_it_sends_at_most_one_digest_a_day(world, daytime, django_capture_on_commit_callbacks):
    user = _held(world, 1)
    with django_capture_on_commit_callbacks(execute=True):
        digest_send_for(user=user)
    _held_more = notify(
        etablissement=world.etablissement,
        kind="test",
        template="notifications/email/message",
        context={"title": "Tard", "body": "x"},
        user=user,
        idempotency_key="later",
    )
    assert digest_send_for(user=user) is None
    assert len(mail.outbox) == 1
    daytime.shift(dt.timedelta(days=1))
    assert digest_send_for(user=user) is not None
    _held_more.refresh_from_db()
    assert _held_more.status == Status.DIGESTED


def test_it_waits_for_the_schools_digest_time(world, daytime):
    _held(world, 1)
    daytime.move_to(dt.datetime(2026, 11, 17, 7, 0, tzinfo=PARIS))
    assert digests_send() == 0
    daytime.move_to(dt.datetime(2026, 11, 17, 7, 30, tzinfo=PARIS))
    assert digests_send() == 1


def test_it_appends_the_personal_acknowledgement_link_to_the_mail(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            etablissement=world.etablissement,
            kind="test",
            template="notifications/email/message",
            context={"title": "Absence", "body": "x"},
            guardian=world.guardian,
            idempotency_key="ack",
            ack_required=True,
        )
    message = mail.outbox[0]
    assert "J'ai pris connaissance : http" in message.body
    assert "/notifications/accuse/" in message.alternatives[0][0]
    token = message.body.rsplit("/notifications/accuse/", 1)[1].split("/")[0]
    acknowledged, first = notification_acknowledge(token=token)
    assert (acknowledged.pk, first) == (notification.pk, True)
    assert notification_acknowledge(token=token)[1] is False


def test_it_reuses_one_mail_connection_and_reopens_it_when_the_server_dropped_it(db, flaky):
    from continuite.notifications import services

    first, second = NotificationFactory(), NotificationFactory()
    assert notification_deliver(notification_id=first.pk) == "sent"
    connection = services._mail_connection()
    flaky.errors = [smtplib.SMTPServerDisconnected("idle timeout")]  # the kept connection went stale
    assert notification_deliver(notification_id=second.pk) == "sent"
    assert services._mail_connection() is not connection


def test_it_enqueues_a_transactions_notices_by_batches_after_commit(
    world, monkeypatch, daytime, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from continuite.notifications import services, tasks

    batches = []
    monkeypatch.setattr(tasks.deliver_notifications, "apply_async", lambda args, **kw: batches.append(args[0]))
    monkeypatch.setattr(services, "DELIVERY_BATCH", 3)
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        with transaction.atomic():
            for i in range(7):
                _notify_cpe(world, f"fan-out-{i}")
            assert batches == []  # nothing leaves before the commit
    assert len(hooks) == 1  # one hook for the whole transaction
    ids = list(
        Notification.objects.filter(idempotency_key__startswith="fan-out-").order_by("pk").values_list("pk", flat=True)
    )
    assert batches == [ids[0:3], ids[3:6], ids[6:7]]


def test_it_delivers_a_batch_and_skips_what_is_sent_or_gone(db):
    first, second = NotificationFactory(), NotificationFactory()
    assert deliver_notifications([first.pk, second.pk]) == {"sent": 2}
    assert deliver_notifications([first.pk, 999_999]) == {"skipped": 2}  # sent already; rolled back
    assert len(mail.outbox) == 2
