"""``manage.py health``: is this portal able to serve and to deliver? For operators and systemd.

Checks, each on one line: the database answers and has no unapplied migration; the broker (when one
is configured) answers; the outbox's backlog (notices due and not yet sent) and the age of the
oldest one; notices stuck in "sending" past their claim; a day's notices failing by the dozen (the
mail server refusing them, not a few wrong addresses). Exit status 0 when all is well, 1 otherwise,
so that a timer or a monitoring probe can act on it.
"""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Min, Q
from django.utils import timezone

from continuite.notifications.models import Notification, Status


def check_database() -> tuple[bool, str]:
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # any failure means "not healthy", said in the line
        return False, f"base de données inaccessible (connexion ou droits) : {exc}"
    if unapplied:
        return False, f"base de données : {len(unapplied)} migration(s) à appliquer (manage.py migrate)"
    return True, f"base de données : {connection.vendor}, à jour"


def check_broker() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "courtier : aucun (tâches exécutées dans le processus web)"
    from continuite.celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:
        return False, f"courtier injoignable ({settings.CELERY_BROKER_URL.split('@')[-1]}) : {exc}"
    return True, "courtier : joignable"


def check_cache() -> tuple[bool, str]:
    """The cache holds the login limits: while it is down they are off (it fails open)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]

    if not isinstance(cache, RedisCache):
        return True, "cache : en mémoire du processus"
    try:
        cache._cache.get_client(write=True).ping()
    except Exception as exc:
        return False, f"cache Redis injoignable : {exc} — les limites de tentatives de connexion sont désactivées"
    return True, "cache Redis : joignable (limites de connexion actives)"


# A few addresses are always wrong; a share this large of a day's notices failing is the mail server.
FAILED_SHARE_ALERT = 0.2
FAILED_MIN_ALERT = 5


def check_outbox(*, max_delay: dt.timedelta, now: dt.datetime) -> tuple[bool, str, dict]:
    due = Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
    figures = due.aggregate(oldest=Min("next_attempt_at"))
    backlog = due.count()
    stuck = Notification.objects.filter(status=Status.SENDING, claimed_until__lt=now).count()
    failed = Notification.objects.filter(status=Status.FAILED).count()
    day = Notification.objects.filter(created_at__gte=now - dt.timedelta(hours=24)).aggregate(
        created=Count("pk"), failed=Count("pk", filter=Q(status=Status.FAILED))
    )
    failing = day["failed"] >= FAILED_MIN_ALERT and day["failed"] >= FAILED_SHARE_ALERT * day["created"]
    delay = (now - figures["oldest"]) if figures["oldest"] else dt.timedelta(0)
    data = {
        "backlog": backlog,
        "oldest_delay_s": int(delay.total_seconds()),
        "stuck": stuck,
        "failed": failed,
        "failed_24h": day["failed"],
        "created_24h": day["created"],
    }
    text = (
        f"boîte d'envoi : {backlog} avis à envoyer, le plus ancien attend depuis {int(delay.total_seconds())} s ; "
        f"{stuck} bloqué(s) en cours d'envoi ; {failed} en échec définitif"
        f" (dont {day['failed']} sur les {day['created']} avis des dernières 24 h"
        + (
            " : le serveur de courriel refuse-t-il les envois ? voir « dernière erreur » dans l'admin)"
            if failing
            else ")"
        )
    )
    return delay <= max_delay and stuck == 0 and not failing, text, data


class Command(BaseCommand):
    help = "Vérifie la base, le courtier et la boîte d'envoi ; code de sortie 1 si quelque chose ne va pas."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-delay",
            type=int,
            default=900,
            help="retard maximal accepté pour l'avis en attente le plus ancien, en secondes (900)",
        )
        parser.add_argument("--json", dest="as_json", action="store_true", help="une ligne JSON au lieu du texte")

    def handle(self, *args, max_delay: int, as_json: bool, **options):
        results = {}
        db_ok, db_text = check_database()
        results["database"] = {"ok": db_ok, "text": db_text}
        broker_ok, broker_text = check_broker()
        results["broker"] = {"ok": broker_ok, "text": broker_text}
        cache_ok, cache_text = check_cache()
        results["cache"] = {"ok": cache_ok, "text": cache_text}
        if db_ok:
            outbox_ok, outbox_text, data = check_outbox(max_delay=dt.timedelta(seconds=max_delay), now=timezone.now())
            results["outbox"] = {"ok": outbox_ok, "text": outbox_text, **data}
        healthy = all(part["ok"] for part in results.values())
        if as_json:
            self.stdout.write(json.dumps({"healthy": healthy, **results}, ensure_ascii=False))
        else:
            for part in results.values():
                self.stdout.write(("OK      " if part["ok"] else "PROBLÈME ") + part["text"])
            self.stdout.write("Portail en bonne santé." if healthy else "Portail en difficulté : voir ci-dessus.")
        if not healthy:
            raise SystemExit(1)
