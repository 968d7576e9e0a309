import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_sends_a_content_security_policy_without_inline_scripts(client):
    policy = client.get(reverse("audit:privacy_notice"))["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"].startswith("'self'")
    assert "unsafe-inline" not in policy


def test_it_sends_the_permissions_referrer_and_frame_policies(client):
    response = client.get(reverse("audit:accessibility_statement"))

    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_ends_sessions_after_two_hours_of_inactivity(client, world):
    with time_machine.travel("2026-11-24 09:00 +01:00", tick=False) as traveller:
        client.force_login(world.user("teacher"))
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=110))  # active again before two hours: still in
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=110))  # 110 min after the last page: still in
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(dt.timedelta(minutes=121))  # more than two hours idle: logged out
        assert client.get(reverse("home")).status_code == 302


def test_it_does_not_write_the_session_on_every_page(client, world, django_assert_num_queries):
    client.force_login(world.user("direction"))
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


@pytest.fixture
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_it_rate_limits_failed_logins(client, world, settings, fresh_rate_limits):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "10/m/ip,3/300s/key"}
    url = reverse("account_login")
    for _ in range(3):
        client.post(url, {"login": "cpe@lycee.fr", "password": "mauvais-mot-de-passe"})

    response = client.post(url, {"login": "cpe@lycee.fr", "password": "motdepasse-test"})

    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
