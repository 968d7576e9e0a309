"""No URL of the portal accepts a POST without the CSRF token (what the scanner's CSRF findings ask).

Every URL is tried, GET pages included: a form page answers its own POST, and nothing is exempt.
"""

import pytest
from django.test import Client
from django.urls import reverse

from .matrix import all_entries

ENTRIES = all_entries()


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{e.method}:{e.url_name}" for e in ENTRIES])
def test_it_refuses_a_post_without_csrf_token(entry, world):
    url = reverse(entry.url_name, kwargs=entry.kwargs(world)) + entry.query
    role = next((r for r, status in entry.expect.items() if r != "anonymous" and status in (200, 302)), None)
    client = Client(enforce_csrf_checks=True)
    if role is not None:
        client.force_login(world.user(role))
    response = client.post(url, entry.data(world))
    assert response.status_code == 403
