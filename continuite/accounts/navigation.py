"""The navigation bar, by role. Each app declares its entries in ``<app>/navigation.py``:

    ITEMS = [NavItem(label=_("Mon planning"), url_name="planning:week", roles={Role.ENSEIGNANT}, order=20)]

An entry is shown to a user who holds one of its roles; no query is made to build the bar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.apps import apps
from django.urls import reverse

from .roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    order: int = 50

    def visible_for(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)


@cache
def all_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.navigation":
                raise
            continue
        items.extend(getattr(module, "ITEMS", []))
    return tuple(sorted(items, key=lambda item: (item.order, str(item.label))))


def navigation_for(request) -> list[dict]:
    roles = request.user.roles
    current = request.path
    entries = []
    for item in all_items():
        if item.visible_for(roles):
            url = reverse(item.url_name)
            active = current == url or (url != "/" and current.startswith(url))
            entries.append({"label": item.label, "url": url, "active": active})
    return entries
