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
