"""The permission matrix: every URL of the project, for every role, with the expected status.

Each app lists its URLs in ``<app>/tests/permissions.py`` as ``ENTRIES = [Entry(...), ...]``.
``test_permission_matrix`` walks them all and fails on a URL that no entry covers, so each new
page must say who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps

from .world import MATRIX_ROLES, World

LOGIN = 302  # anonymous users are sent to the login page


@dataclass(frozen=True)
class Entry:
    """One URL: its name, how to build its arguments from the world, and the status per role."""

    url_name: str
    expect: dict[str, int]
    kwargs: Callable[[World], dict] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[World], dict] = field(default=lambda world: {})
    query: str = ""

    def __post_init__(self):
        missing = set(MATRIX_ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"{self.url_name}: no expected status for {sorted(missing)}")


def only(ok_roles, *, ok: int = 200, others: int = 403, anonymous: int = LOGIN, other: int | None = None) -> dict:
    """Expected statuses: ``ok`` for the listed roles, ``others`` for the rest.

    ``other`` (the direction of another établissement) defaults to 404 for object pages when
    ``others`` is 404, else to what a direction gets on its own school.
    """
    expect = {role: (ok if role in ok_roles else others) for role in MATRIX_ROLES}
    expect["anonymous"] = anonymous
    if other is not None:
        expect["other"] = other
    elif others == 404:
        expect["other"] = 404
    elif "direction" in ok_roles:
        expect["other"] = ok
    return expect


STAFF = ("teacher", "tutor", "cpe", "direction", "gestionnaire", "referent")
EVERYONE = STAFF + ("parent", "student")


def all_entries() -> list[Entry]:
    entries: list[Entry] = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.tests.permissions"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name not in (module_name, f"{config.name}.tests"):
                raise
            continue
        entries.extend(module.ENTRIES)
    return entries
