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
def empty_cache():
    """Each test starts with an empty cache: rate limits at zero for the browser journeys (they all log
    in from 127.0.0.1), and no page fragment cached by another test. A test database reuses ids and
    data versions from one test to the next, so a fragment kept from a previous test could carry its
    key and not its data.
    """
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
