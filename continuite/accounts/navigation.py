"""The navigation bar, by role. Each app declares its entries in ``<app>/navigation.py``:

    ITEMS = [NavItem(label=_("Mon planning"), url_name="planning:week", roles={Role.ENSEIGNANT}, order=20)]

An entry is shown to a user who holds one of its roles; no query is made to build the bar. An app
whose entries share a drop-down names it: ``GROUP = _("Planning")`` in its navigation module.

The direction and the CPE hold a dozen entries: ``menu_for`` groups a user's entries of one app
(planning, suivi, équipement) and the administration pages (order ≥ 80) under one drop-down, so the
bar fits on one line from 992 px up. A group of a single entry stays a plain link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import import_module

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    order: int = 50
    app: str = ""

    def visible_for(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)


def _navigation_modules():
    for config in apps.get_app_configs():
        try:
            yield config, import_module(f"{config.name}.navigation")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.navigation":
                raise


@cache
def all_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
    for config, module in _navigation_modules():
        items.extend(_with_app(item, config.label) for item in getattr(module, "ITEMS", []))
    return tuple(sorted(items, key=lambda item: (item.order, str(item.label))))


@cache
def app_groups() -> dict:
    """The drop-down of each app that declares one (``GROUP`` in its navigation module), by app label."""
    return {config.label: module.GROUP for config, module in _navigation_modules() if hasattr(module, "GROUP")}


def navigation_for(request) -> list[dict]:
    return list(_navigation(request.user.roles, request.path))


@lru_cache(maxsize=4096)
def _navigation(roles: frozenset[Role], current: str) -> tuple[dict, ...]:
    """The bar's links for these roles on this page: the same for every user who holds them, so
    computed once per process (URLs are reversed from the code, which a process does not change)."""
    entries = []
    for item in all_items():
        if item.visible_for(roles):
            url = reverse(item.url_name)
            active = current == url or (url != "/" and current.startswith(url))
            entries.append({"label": item.label, "url": url, "active": active})
    return tuple(entries)


def _with_app(item: NavItem, app: str) -> NavItem:
    return item if item.app else NavItem(item.label, item.url_name, item.roles, item.order, app)


# Entries from this order on are administration pages, under one drop-down.
ADMINISTRATION_FROM = 80


def _group_of(item: NavItem):
    if item.order >= ADMINISTRATION_FROM:
        return _("Administration")
    return app_groups().get(item.app)


def menu_for(request, links: list[dict] | None = None) -> list[dict]:
    """The bar's entries: links, and groups ``{"label", "children", "active"}`` of two links or more."""
    if links is None:
        return list(_menu(request.user.roles, request.path))
    return _build_menu(request.user.roles, links)


@lru_cache(maxsize=4096)
def _menu(roles: frozenset[Role], current: str) -> tuple[dict, ...]:
    return tuple(_build_menu(roles, list(_navigation(roles, current))))


def _build_menu(roles: frozenset[Role], links: list[dict]) -> list[dict]:
    visible = [item for item in all_items() if item.visible_for(roles)]
    by_group: dict[str, list[dict]] = {}
    for item, link in zip(visible, links, strict=True):
        group = _group_of(item)
        if group is not None:
            by_group.setdefault(str(group), []).append(link)
    menu: list[dict] = []
    placed: set[str] = set()
    for item, link in zip(visible, links, strict=True):
        group = _group_of(item)
        members = by_group.get(str(group)) if group is not None else None
        if not members or len(members) < 2:
            menu.append(link)
        elif str(group) not in placed:
            placed.add(str(group))
            menu.append({"label": group, "children": members, "active": any(m["active"] for m in members)})
    return menu
