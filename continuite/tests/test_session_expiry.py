"""A form or a button used after the session expired: French pages, and the way back to the page."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_form_from_a_page_no_longer_valid_gets_the_portals_french_page(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("teacher"))
    response = client.post(
        reverse("planning:week_copy"), {"weeks": 1}, HTTP_REFERER="http://testserver/planning/semaine/?semaine=x"
    )
    assert response.status_code == 403
    text = response.content.decode()
    assert "Cette page a expiré : rien n&#x27;a été enregistré" in text or "Cette page a expiré : rien n'a été" in text
    assert 'href="/planning/semaine/?semaine=x"' in text  # back to the page, same site only
    assert "CSRF" not in text


def test_a_button_pressed_after_the_session_expired_brings_back_to_its_page(world, client):
    response = client.post(reverse("notifications:read_all"), HTTP_REFERER="http://testserver/notifications/")
    assert response.status_code == 302
    assert response["Location"] == "/comptes/login/?next=%2Fnotifications%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Votre session avait expiré : rien n&#x27;a été fait." in page
    # another site's referer is never followed
    response = client.post(reverse("notifications:read_all"), HTTP_REFERER="https://ailleurs.example/x")
    assert "ailleurs" not in response["Location"]


def test_a_page_kept_open_fetches_the_renewed_form_token(world, client):
    anonymous = client.get(reverse("form_token")).json()
    assert anonymous["authenticated"] is False and anonymous["csrf"]
    client.force_login(world.user("teacher"))
    response = client.get(reverse("form_token"))
    assert response.json()["authenticated"] is True
    assert response["Cache-Control"] == "no-store"
