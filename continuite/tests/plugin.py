"""Shared pytest fixtures, loaded for every test through ``-p continuite.tests.plugin``."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("CONTINUITE_ENV", "test")

pytest_plugins = ["continuite.tests.e2e.fixtures"]


@pytest.fixture
def world(db):
    from .world import build_world

    return build_world()


@pytest.fixture(autouse=True)
def fresh_rate_limits_for_browser_journeys(request):
    """Browser journeys all log in from 127.0.0.1: start each with allauth's rate limits at zero.

    The limits themselves are tested (continuite/audit/tests/test_security_headers.py); here they
    would only make the journeys depend on how many ran before.
    """
    if request.node.get_closest_marker("e2e") is not None:
        from django.core.cache import cache

        cache.clear()
    yield


@pytest.fixture(autouse=True)
def no_kept_mail_connection():
    """The notifications keep one mail connection per process: each test starts without one."""
    from continuite.notifications.services import _drop_mail_connection

    _drop_mail_connection()
    yield
    _drop_mail_connection()
