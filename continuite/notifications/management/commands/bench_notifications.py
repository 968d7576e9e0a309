"""Fan out N notices through Redis and one Celery worker to a real SMTP sink; print notices/s and duplicates.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/continuite_bench python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/continuite_bench python manage.py bench_notifications --count 10000

The worker is a subprocess, so the database must be shared with it (PostgreSQL, or a file SQLite).
"""

from __future__ import annotations

import os
import subprocess  # noqa: S404 (the worker is our own program)
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from continuite.notifications.models import Notification, Status
from continuite.notifications.sink import RecordingHandler, start_sink

BENCH_UAI = "0459999Z"
BENCH_KIND = "bench.notice"


class Command(BaseCommand):
    help = "Mesure le débit d'envoi des notifications (Redis + un worker Celery + un serveur SMTP local)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000)
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"))
        parser.add_argument("--timeout", type=float, default=600.0)

    def handle(self, *args, count: int, concurrency: int, redis: str, timeout: float, **options):
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]).startswith(("file:", ":memory:")):
            raise CommandError("Base en mémoire : le worker ne la voit pas. Utilisez DATABASE_URL=postgres://...")
        import redis as redis_client

        redis_client.Redis.from_url(redis).flushdb()
        handler = RecordingHandler()
        handler.keep_messages = False
        controller, port = start_sink(handler)
        self.stdout.write(f"Serveur SMTP local sur 127.0.0.1:{port}, broker {redis}")
        ids = self._create(count)
        env = {
            **os.environ,
            "CELERY_BROKER_URL": redis,
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "CONTINUITE_ENV": "development",
            "LOG_LEVEL": "ERROR",
        }
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "continuite", "worker", "-P", "prefork", "-c", str(concurrency),
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "error"],
            env=env,
        )  # fmt: skip
        try:
            from continuite.celery import app
            from continuite.notifications.services import _enqueue

            app.conf.task_always_eager = False
            app.conf.broker_url = redis
            app._pool = None
            start = time.monotonic()
            _enqueue(ids)  # as notify() does when a transaction commits: by batches
            enqueued = time.monotonic() - start
            self.stdout.write(f"{count} tâches mises en file en {enqueued:.1f} s")
            deadline = start + timeout
            sent = 0
            while time.monotonic() < deadline:
                sent = Notification.objects.filter(kind=BENCH_KIND, status=Status.SENT).count()
                if sent >= count:
                    break
                time.sleep(0.5)
            elapsed = time.monotonic() - start
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            controller.stop()
        failed = Notification.objects.filter(kind=BENCH_KIND).exclude(status=Status.SENT).count()
        self.stdout.write(
            f"Envoyées : {sent}/{count} en {elapsed:.1f} s — {sent / elapsed:.0f} notifications/s — "
            f"courriels reçus par le serveur : {len(handler.message_ids)} — doublons : {handler.duplicates} — "
            f"non envoyées : {failed}"
        )
        if sent < count or handler.duplicates:
            raise CommandError("Le banc d'essai n'a pas tout envoyé exactement une fois.")

    def _create(self, count: int) -> list[int]:
        from continuite.accounts.models import User
        from continuite.ecole.models import Etablissement

        etablissement, _ = Etablissement.objects.get_or_create(
            uai=BENCH_UAI, defaults={"name": "Lycée du banc d'essai"}
        )
        user, _ = User.objects.get_or_create(email="banc@continuite.invalid", defaults={"etablissement": etablissement})
        Notification.objects.filter(kind=BENCH_KIND).delete()
        now = timezone.now()
        stamp = now.strftime("%Y%m%d%H%M%S")
        rows = [
            Notification(
                etablissement=etablissement,
                kind=BENCH_KIND,
                user=user,
                recipient_name=f"Famille {i}",
                email=f"famille{i}@continuite.invalid",
                channel_portal=False,
                subject=f"[Continuité] Avis n° {i}",
                body_text=f"Bonjour Famille {i},\n\nUn avis du lycée.\n",
                body_html=f"<p>Bonjour Famille {i},</p><p>Un avis du lycée.</p>",
                idempotency_key=f"bench:{stamp}:{i}",
                next_attempt_at=now,
                created_at=now,
            )
            for i in range(count)
        ]
        Notification.objects.bulk_create(rows, batch_size=2000)
        return list(Notification.objects.filter(kind=BENCH_KIND).order_by("pk").values_list("pk", flat=True))
