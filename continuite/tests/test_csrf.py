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


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path,logged_in",
    [
        ("/comptes/login/", False),
        ("/comptes/password/reset/", False),
        ("/comptes/password/change/", True),
        ("/comptes/logout/", True),
        ("/comptes/2fa/totp/activate/", True),
    ],
)
def test_it_refuses_a_forged_token_on_the_account_pages(path, logged_in, world):
    client = Client(enforce_csrf_checks=True)
    if logged_in:
        client.force_login(world.user("direction"))
    client.get(path)  # the CSRF cookie is set: only the token in the form is forged
    assert client.post(path, {"csrfmiddlewaretoken": "x" * 64}).status_code == 403
