"""Every URL of the portal, for every role: the status each one gets (see matrix.py)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .matrix import all_entries
from .world import MATRIX_ROLES, build_world

# Third-party URL trees with their own access rules (allauth's login pages, Django's admin).
FOREIGN_URLCONFS = ("allauth.urls",)


def project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                urlconf = getattr(pattern.urlconf_name, "__name__", pattern.urlconf_name)
                if urlconf in FOREIGN_URLCONFS or pattern.app_name == "admin":
                    continue
                ns = pattern.namespace
                walk(pattern.url_patterns, f"{namespace}:{ns}" if namespace and ns else ns or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


ENTRIES = all_entries()


def test_it_covers_every_url_of_the_project():
    covered = {entry.url_name for entry in ENTRIES}
    missing = project_url_names() - covered
    assert not missing, f"URLs missing from the permission matrix: {sorted(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{e.method}:{e.url_name}" for e in ENTRIES])
def test_it_gives_each_role_its_expected_status(entry, client):
    world = build_world()
    url = reverse(entry.url_name, kwargs=entry.kwargs(world)) + entry.query
    got = {}
    for role in MATRIX_ROLES:
        client.logout()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        response = getattr(client, entry.method)(url, entry.data(world))
        got[role] = response.status_code
    assert got == entry.expect
