import pytest
from django.core.cache import cache
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


def test_it_ends_sessions_after_two_hours_of_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE == 2 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


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
