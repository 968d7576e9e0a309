"""``manage.py health``: what an operator (or a systemd timer) reads, and its exit status."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from continuite.notifications.models import Status

from .factories import NotificationFactory


def run_health(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("health", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_it_says_all_is_well_on_an_empty_outbox(db):
    code, text = run_health()
    assert code == 0
    assert "OK      base de données" in text
    assert "0 avis à envoyer" in text
    assert text.strip().endswith("Portail en bonne santé.")


def test_it_fails_when_a_notice_waits_longer_than_allowed(db):
    NotificationFactory(next_attempt_at=timezone.now() - dt.timedelta(minutes=40))
    NotificationFactory(next_attempt_at=timezone.now() + dt.timedelta(hours=8))  # quiet hours: not late

    code, text = run_health("--max-delay", "900")

    assert code == 1
    assert "PROBLÈME boîte d'envoi : 1 avis à envoyer, le plus ancien attend depuis 24" in text
    assert "Portail en difficulté" in text


def test_it_reports_notices_stuck_in_sending(db):
    NotificationFactory(status=Status.SENDING, claimed_until=timezone.now() - dt.timedelta(minutes=5))
    code, payload = run_health("--json")
    data = json.loads(payload)
    assert code == 1
    assert data["healthy"] is False
    assert data["outbox"]["stuck"] == 1


def test_it_fails_when_the_days_notices_fail_by_the_dozen_not_for_a_few_wrong_addresses(db):
    now = timezone.now()
    for _ in range(30):
        NotificationFactory(status=Status.SENT, created_at=now - dt.timedelta(hours=2), sent_at=now)
    for _ in range(3):  # a few wrong addresses: the portal is healthy
        NotificationFactory(status=Status.FAILED, created_at=now - dt.timedelta(hours=1), last_error="550 unknown user")
    for _ in range(20):  # last week's failures do not count today
        NotificationFactory(status=Status.FAILED, created_at=now - dt.timedelta(days=8), last_error="550")
    code, text = run_health()
    assert code == 0, text
    assert "23 en échec définitif (dont 3 sur les 33 avis des dernières 24 h)" in text

    for _ in range(7):  # the mail server refuses: 10 of 40 in a day
        NotificationFactory(status=Status.FAILED, created_at=now - dt.timedelta(minutes=10), last_error="554 refused")
    code, text = run_health()
    assert code == 1
    assert "PROBLÈME boîte d'envoi" in text and "dont 10 sur les 40 avis des dernières 24 h : le serveur" in text


def test_it_fails_when_the_broker_does_not_answer(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    from continuite.celery import app

    previous, app.conf.broker_url = app.conf.broker_url, settings.CELERY_BROKER_URL
    try:
        code, text = run_health()
    finally:
        app.conf.broker_url = previous
    assert code == 1
    assert "PROBLÈME courtier injoignable (redis://127.0.0.1:1/0)" in text


@pytest.mark.django_db
def test_it_names_unapplied_migrations(monkeypatch):
    from continuite.notifications.management.commands import health

    monkeypatch.setattr(health.MigrationExecutor, "migration_plan", lambda self, targets: [("app", False)])
    code, text = run_health()
    assert code == 1
    assert "1 migration(s) à appliquer" in text


def test_it_says_the_login_limits_are_off_when_the_redis_cache_is_down(db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "continuite.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    code, text = run_health()
    assert code == 1
    assert "PROBLÈME cache Redis injoignable" in text
    assert "les limites de tentatives de connexion sont désactivées" in text
