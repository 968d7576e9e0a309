"""A real Redis broker, a real Celery worker and a real SMTP server on loopback.

Needs Redis on 127.0.0.1:6379 (skipped with a reason when it is not there, failed when CI is set)
and PostgreSQL (CI runs them there).
The worker runs in a thread of the test process so that it sees the test database.
"""

import datetime as dt
import os
import socket
import time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import timezone

from continuite.notifications.models import Notification, NotificationSettings, Status
from continuite.notifications.services import notifications_sweep, notify
from continuite.notifications.sink import RecordingHandler, start_sink
from continuite.notifications.tasks import deliver_notifications

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    # The worker thread and the test share the database. SQLite's in-memory test database locks
    # whole tables between threads and answers "table is locked" at once instead of waiting, which
    # made these tests flaky; the embedded default never runs a worker anyway (tasks run eagerly).
    pytest.mark.skipif(connection.vendor == "sqlite", reason="worker + broker tests run on PostgreSQL"),
]

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 14
BROKER = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
CLOSED_BROKER = "redis://127.0.0.1:1/0"
PARIS = ZoneInfo("Europe/Paris")


def _redis_or_skip():
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1).close()
    except OSError:
        message = f"Redis injoignable sur {REDIS_HOST}:{REDIS_PORT} : tests d'intégration impossibles."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _use_broker(app, url: str) -> None:
    app.conf.broker_url = url
    app._pool = None  # the producer pool keeps the old URL otherwise
    app.amqp._producer_pool = None


@pytest.fixture
def sink(settings):
    handler = RecordingHandler()
    controller, port = start_sink(handler)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


@pytest.fixture
def worker(sink):
    _redis_or_skip()
    import redis
    from celery.contrib.testing.worker import start_worker

    from continuite.celery import app

    redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB).flushdb()
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    _use_broker(app, BROKER)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=5):
        yield app
    app.conf.task_always_eager = saved[0]
    _use_broker(app, saved[1])


@pytest.fixture
def school_day(world):
    # No quiet hours, whatever the real time of the run, unless a test sets them.
    NotificationSettings.objects.create(
        etablissement=world.etablissement, quiet_start=dt.time(0, 0), quiet_end=dt.time(0, 0)
    )
    return world


def _wait(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _notice(world, key: str = "integration"):
    with transaction.atomic():
        return notify(
            etablissement=world.etablissement,
            kind="test.notice",
            template="notifications/email/message",
            context={"title": "Absence de Léa", "body": "Léa était absente ce matin."},
            guardian=world.guardian,
            idempotency_key=key,
            ack_required=True,
        )


def _status(notification) -> str:
    return Notification.objects.values_list("status", flat=True).get(pk=notification.pk)


def test_it_delivers_a_notice_through_redis_and_smtp(school_day, worker, sink):
    notification = _notice(school_day)
    assert _wait(lambda: _status(notification) == Status.SENT)
    assert sink.message_ids == [notification.message_id]
    assert sink.messages[0]["Subject"] == "[Continuité] Absence de Léa"
    assert "/notifications/accuse/" in sink.messages[0].get_body(("plain",)).get_content()


def test_it_sends_one_mail_when_the_same_task_runs_twice(school_day, worker, sink):
    notification = _notice(school_day)
    deliver_notifications.delay([notification.pk])
    deliver_notifications.delay([notification.pk])
    assert _wait(lambda: _status(notification) == Status.SENT)
    time.sleep(0.5)  # let the extra messages be consumed
    assert sink.message_ids == [notification.message_id]


def test_it_delivers_once_redis_and_the_sweeper_are_back(school_day, worker, sink):
    _use_broker(worker, CLOSED_BROKER)
    notification = _notice(school_day)  # the row commits; the enqueue fails, is logged, and is forgotten
    row = Notification.objects.get(pk=notification.pk)
    assert (row.status, row.enqueued_at) == (Status.PENDING, None)
    time.sleep(0.3)
    assert sink.message_ids == []
    _use_broker(worker, BROKER)
    assert notifications_sweep() == 1
    assert _wait(lambda: _status(notification) == Status.SENT)
    assert sink.message_ids == [notification.message_id]


def test_it_retries_a_temporary_smtp_error_and_delivers(school_day, worker, sink):
    sink.temporary_failures = 1
    notification = _notice(school_day)
    assert _wait(
        lambda: Notification.objects.get(pk=notification.pk).attempts == 1 and _status(notification) == "pending"
    )
    row = Notification.objects.get(pk=notification.pk)
    assert "451" in row.last_error
    assert row.next_attempt_at > timezone.now()
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())  # the backoff has elapsed
    assert notifications_sweep() == 1
    assert _wait(lambda: _status(notification) == Status.SENT)
    assert sink.message_ids == [notification.message_id]


def test_it_holds_a_notice_inside_quiet_hours(school_day, worker, sink):
    now = timezone.localtime(timezone.now(), PARIS)
    NotificationSettings.objects.filter(etablissement=school_day.etablissement).update(
        quiet_start=(now - dt.timedelta(hours=1)).time(), quiet_end=(now + dt.timedelta(hours=1)).time()
    )
    notification = _notice(school_day)
    assert notifications_sweep() == 0
    time.sleep(0.5)
    assert sink.message_ids == []
    assert _status(notification) == Status.PENDING
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())  # the window is over
    assert notifications_sweep() == 1
    assert _wait(lambda: _status(notification) == Status.SENT)
