"""A busy Celery worker rides out a Redis outage: delivery resumes by itself, nothing lost or doubled.

A real Redis server of the test's own (stopped and started again on the same port), a real worker
process (prefork, two children, acks late, as in production) reading the test's PostgreSQL database,
and a real SMTP server that answers slowly enough to keep the worker busy when Redis goes away.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from continuite.notifications.models import Notification, NotificationSettings, Status
from continuite.notifications.services import ENQUEUE_STALE_AFTER, notifications_sweep, notify
from continuite.notifications.sink import RecordingHandler, free_port, start_sink

ROOT = Path(__file__).resolve().parents[3]
NOTICES = 240

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="worker + broker tests run on PostgreSQL"),
]


class SlowHandler(RecordingHandler):
    """Takes 20 ms a mail, so that the worker is in the middle of its batches when Redis stops."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)


class RedisServer:
    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            if (
                subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout.strip()
                == b"PONG"
            ):
                return
            time.sleep(0.05)
        raise RuntimeError("Redis n'a pas démarré")

    def stop(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _sent() -> int:
    return Notification.objects.filter(status=Status.SENT).count()


@pytest.fixture
def redis_server():
    if not shutil.which("redis-server"):
        pytest.skip("redis-server absent")
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def slow_sink():
    handler = SlowHandler()
    handler.keep_messages = False
    controller, port = start_sink(handler)
    yield handler, port
    controller.stop()


def test_it_resumes_delivery_after_a_redis_outage_under_load_without_a_restart(world, redis_server, slow_sink):
    handler, smtp_port = slow_sink
    from continuite.celery import app

    NotificationSettings.objects.create(
        etablissement=world.etablissement, quiet_start=dt.time(0, 0), quiet_end=dt.time(0, 0)
    )
    database = connection.settings_dict
    env = {
        **os.environ,
        "CONTINUITE_ENV": "development",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}",
        "REDIS_URL": redis_server.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "LOG_LEVEL": "WARNING",
    }
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"worker-outage-{os.getpid()}.log", "w+")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "continuite",
            "worker",
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_server.url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        for start in range(0, NOTICES, 40):
            with transaction.atomic():
                for n in range(start, start + 40):
                    notify(
                        etablissement=world.etablissement,
                        kind="test.notice",
                        template="notifications/email/message",
                        context={"title": f"Avis {n}", "body": "Un avis du lycée."},
                        guardian=world.guardian,
                        idempotency_key=f"outage:{n}",
                    )
        assert _wait(lambda: _sent() >= 20, 60), "the worker never started delivering"

        redis_server.stop()  # in the middle of the batches: the worker is busy, its messages unacked
        time.sleep(4)
        redis_server.start()  # an empty Redis: what was queued is gone, the outbox still has it

        # The worker reconnects by itself: no restart. The beat's sweep re-enqueues what is due.
        later = timezone.now() + ENQUEUE_STALE_AFTER + dt.timedelta(seconds=1)
        deadline = time.monotonic() + 120
        while _sent() < NOTICES and time.monotonic() < deadline:
            assert worker.poll() is None, "the worker died during the outage:\n" + _tail(log)
            notifications_sweep(now=later)
            _wait(lambda: _sent() >= NOTICES, 5)

        assert worker.poll() is None, "the worker died during the outage:\n" + _tail(log)
        assert _sent() == NOTICES, f"{NOTICES - _sent()} notices not delivered:\n" + _tail(log)
        assert handler.duplicates == 0
        assert len(set(handler.message_ids)) == NOTICES
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
        app.conf.task_always_eager, app.conf.broker_url = saved
        app._pool = None
        app.amqp._producer_pool = None
        log.close()


def _tail(log) -> str:
    log.flush()
    log.seek(0)
    return log.read()[-4000:]
