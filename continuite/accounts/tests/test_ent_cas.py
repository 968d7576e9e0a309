"""The ENT login through CAS, end to end against a real CAS 3.0 server (django-cas-server) started for
the test: the portal's login button, the CAS login form, the ticket validated server to server."""

from __future__ import annotations

import html
import re

import pytest
import requests
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from .cas_server import cas_server

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mot-de-passe-ent"
DIRECTORY = {
    # A teacher of the world's school, known to the portal by his address.
    "F1700abc": {
        "password": PASSWORD,
        "attributes": {"mail": "PROF@lycee.fr", "ESCOUAI": "0450001A", "displayName": "Claire MARTIN"},
    },
    # Someone the portal does not know.
    "F1700zzz": {"password": PASSWORD, "attributes": {"mail": "inconnu@lycee.fr", "ESCOUAI": "0450001A"}},
    # The right address, but the ENT says she belongs to another lycée.
    "F1700xyz": {"password": PASSWORD, "attributes": {"mail": "prof@lycee.fr", "ESCOUAI": "0370002B"}},
}


@pytest.fixture(scope="module")
def cas_url(tmp_path_factory):
    with cas_server(tmp_path_factory.mktemp("cas"), DIRECTORY) as url:
        yield url


def text_of(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def ent_login(live_server, cas_url, username: str) -> tuple[requests.Session, requests.Response]:
    """What a browser does: the portal's button, the ENT's form, back to the portal with a ticket."""
    browser = requests.Session()
    login_page = browser.get(f"{live_server.url}{reverse('account_login')}")
    assert "Se connecter avec ENT NetO'Centre (CAS)" in text_of(login_page)
    to_cas = browser.get(f"{live_server.url}{reverse('ent_cas_login')}", allow_redirects=False)
    assert to_cas.status_code == 302
    assert to_cas.headers["Location"].startswith(f"{cas_url}login?service=")
    form_page = browser.get(to_cas.headers["Location"])
    fields = {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form_page.text)
    }
    fields.update(username=username, password=PASSWORD)
    fields.pop("warn", None)
    back = browser.post(form_page.url, data=fields, allow_redirects=False)
    assert back.status_code == 302, text_of(back)[:500]
    assert back.headers["Location"].startswith(f"{live_server.url}{reverse('ent_cas_login')}?ticket=ST-")
    return browser, browser.get(back.headers["Location"])


@pytest.fixture
def configured(live_server, cas_url):
    with override_settings(ENT_CAS_SERVER_URL=cas_url, ENT_CAS_NAME="ENT NetO'Centre (CAS)", SITE_URL=live_server.url):
        yield


def test_it_logs_an_ent_user_into_his_existing_account_through_cas(world, live_server, cas_url, configured):
    browser, landing = ent_login(live_server, cas_url, "F1700abc")
    assert landing.status_code == 200
    assert landing.url == f"{live_server.url}/"
    text = text_of(landing)
    assert "Mon planning" in text and "Lycée Jean Zay" in text  # the teacher's home
    assert world.teacher.user.get_full_name() in text or world.teacher.user.email in text, text
    assert browser.get(f"{live_server.url}{reverse('notifications:list')}").status_code == 200


def test_it_tells_an_unknown_cas_user_why_and_whom_to_ask(world, live_server, cas_url, configured):
    world.etablissement.contact_email = "secretariat@lycee-zay.fr"
    world.etablissement.save()
    browser, landing = ent_login(live_server, cas_url, "F1700zzz")
    assert landing.status_code == 403
    text = text_of(landing)
    assert "Aucun compte Continuité n'est ouvert pour l'adresse inconnu@lycee.fr." in text
    assert "Lycée Jean Zay : écrivez au secrétariat, secretariat@lycee-zay.fr" in text
    assert "Retour à la page de connexion" in text
    assert browser.get(f"{live_server.url}/", allow_redirects=False).status_code == 302  # not logged in


def test_it_refuses_a_cas_user_of_another_school(world, live_server, cas_url, configured):
    browser, landing = ent_login(live_server, cas_url, "F1700xyz")
    assert landing.url == f"{live_server.url}{reverse('account_login')}"
    assert "ne correspond pas à l'établissement de votre compte Continuité" in text_of(landing)
    assert browser.get(f"{live_server.url}/", allow_redirects=False).status_code == 302


@override_settings(ENT_CAS_SERVER_URL="https://ent.example.fr/cas/", SITE_URL="https://continuite.example.fr")
def test_it_sends_the_anonymous_to_the_ent_and_the_logged_in_home(world, client):
    response = client.get(reverse("ent_cas_login"))
    assert response.status_code == 302
    assert response["Location"] == (
        "https://ent.example.fr/cas/login?service=https%3A%2F%2Fcontinuite.example.fr%2Fcomptes%2Fcas%2Flogin%2F"
    )
    client.force_login(world.teacher.user)
    response = client.get(reverse("ent_cas_login"))
    assert (response.status_code, response["Location"]) == (302, "/")


def test_it_offers_no_cas_login_when_not_configured(client, db):
    assert client.get(reverse("ent_cas_login")).status_code == 404
    assert "(CAS)" not in client.get(reverse("account_login")).content.decode()


@pytest.mark.e2e
def test_it_shows_the_refusal_page_in_a_browser_accessibly(world, page, live_server, cas_url, configured):
    from continuite.tests.e2e.fixtures import assert_no_axe_violations

    page.goto("/comptes/login/")
    assert_no_axe_violations(page)  # with the CAS button
    page.get_by_role("link", name="Se connecter avec ENT NetO'Centre (CAS)").click()
    page.locator('input[name="username"]').fill("F1700zzz")
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form button[type="submit"], form input[type="submit"]').first.click()
    page.wait_for_url(f"{live_server.url}/comptes/cas/login/*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion par l'ENT impossible")
    expect(page.locator("main")).to_contain_text(
        "Aucun compte Continuité n'est ouvert pour l'adresse inconnu@lycee.fr."
    )
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Retour à la page de connexion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
