"""The ENT login through OpenID Connect, end to end against a real provider (npm oidc-provider) started
for the test: the portal's button, the ENT's login form, the code exchanged and the userinfo read
server to server by allauth, back on the portal. Configured by the environment variables the README
documents (ENT_OIDC_SERVER_URL, ENT_OIDC_CLIENT_ID, ENT_OIDC_SECRET), read by the settings module."""

from __future__ import annotations

import html
import os
import re
import runpy
from pathlib import Path
from unittest import mock

import pytest
import requests
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import expect

from .oidc_server import oidc_provider

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_ID = "continuite"
SECRET = "secret-du-portail-chez-l-ent"
PASSWORD = "mot-de-passe-ent"


def identity(email: str, uai: str = "0450001A", *, verified: bool = True, name=("Claire", "MARTIN")) -> dict:
    """An ENT identity as NetO'Centre describes it (claims of its userinfo)."""
    return {
        "password": PASSWORD,
        "claims": {
            "email": email,
            "email_verified": verified,
            "given_name": name[0],
            "family_name": name[1],
            "name": " ".join(name),
            "ESCOUAI": [uai],
            "ESCOUAICourant": uai,
            "ENTPersonProfils": ["National_ENS"],
        },
    }


DIRECTORY = {
    # A teacher of the world's school, known to the portal by her address.
    "F1700abc": identity("PROF@lycee.fr"),
    # Someone the portal does not know.
    "F1700zzz": identity("inconnu@lycee.fr", name=("Inès", "INCONNUE")),
    # The right address, but the ENT says she belongs to another lycée.
    "F1700xyz": identity("prof@lycee.fr", uai="0370002B"),
    # The right address and school, but the ENT has not verified the address.
    "F1700nov": identity("prof@lycee.fr", verified=False),
}


def text_of(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


@pytest.fixture(scope="module")
def issuer(live_server, tmp_path_factory):
    redirect_uri = f"{live_server.url}/comptes/oidc/ent/login/callback/"
    folder = tmp_path_factory.mktemp("oidc")
    with oidc_provider(folder, client_id=CLIENT_ID, secret=SECRET, redirect_uri=redirect_uri, directory=DIRECTORY) as u:
        yield u


def settings_from_environment(**variables) -> dict:
    """The settings module run again with these variables: what a deployment with them would get."""
    import continuite.settings

    with mock.patch.dict(os.environ, variables):
        values = runpy.run_path(Path(continuite.settings.__file__))
    return {name: values[name] for name in ("SOCIALACCOUNT_PROVIDERS", "CONTENT_SECURITY_POLICY")}


@pytest.fixture
def configured(issuer):
    configuration = settings_from_environment(
        ENT_OIDC_SERVER_URL=issuer, ENT_OIDC_CLIENT_ID=CLIENT_ID, ENT_OIDC_SECRET=SECRET
    )
    assert f"{issuer}" in configuration["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"]
    with override_settings(**configuration):
        yield


def ent_form(live_server, issuer) -> tuple[requests.Session, requests.Response]:
    """What a browser does: the portal's button (a form posted to allauth), then the ENT's login form."""
    browser = requests.Session()
    login_page = browser.get(f"{live_server.url}{reverse('account_login')}")
    assert "Se connecter avec ENT NetO'Centre" in text_of(login_page)
    action, form = re.search(
        r'<form method="post" action="([^"]*/oidc/ent/login/[^"]*)">(.*?)</form>', login_page.text, re.S
    ).groups()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    to_ent = browser.post(
        f"{live_server.url}{html.unescape(action)}", data={"csrfmiddlewaretoken": csrf}, allow_redirects=False
    )
    assert to_ent.status_code == 302, text_of(to_ent)[:500]
    assert to_ent.headers["Location"].startswith(f"{issuer}/auth?")
    assert "code_challenge_method=S256" in to_ent.headers["Location"]  # PKCE
    form_page = browser.get(to_ent.headers["Location"])
    assert form_page.url.startswith(f"{issuer}/interaction/")
    assert "ENT de test : connexion" in text_of(form_page)
    return browser, form_page


def ent_login(live_server, issuer, login: str) -> tuple[requests.Session, requests.Response]:
    """The whole journey: the ENT's form filled in, back to the portal with a code."""
    browser, form_page = ent_form(live_server, issuer)
    landing = browser.post(form_page.url, data={"login": login, "password": PASSWORD})
    # Back through the portal's callback, the code exchanged server to server.
    callback = f"{live_server.url}/comptes/oidc/ent/login/callback/?code="
    visited = [r.url for r in landing.history] + [landing.url]
    assert any(url.startswith(callback) for url in visited), visited
    return browser, landing


def test_it_logs_an_ent_user_into_his_existing_account(world, live_server, issuer, configured):
    from allauth.socialaccount.models import SocialAccount

    name = world.teacher.user.get_full_name()
    browser, landing = ent_login(live_server, issuer, "F1700abc")
    assert landing.status_code == 200
    assert landing.url == f"{live_server.url}/"
    text = text_of(landing)
    assert "Mon planning" in text and "Lycée Jean Zay" in text  # the teacher's home
    assert f"Connexion avec {name} réussie." in text and f"Bonjour {world.teacher.user.first_name}" in text, text
    assert browser.get(f"{live_server.url}{reverse('notifications:list')}").status_code == 200
    account = SocialAccount.objects.get(provider="ent")
    assert (account.user, account.uid) == (world.teacher.user, "F1700abc")
    assert account.extra_data["userinfo"]["ESCOUAI"] == ["0450001A"]  # read from the provider's userinfo
    world.teacher.user.refresh_from_db()
    assert world.teacher.user.get_full_name() == name  # the school's name for her, not the ENT's


def test_it_tells_an_unknown_ent_user_why_and_whom_to_ask(world, live_server, issuer, configured):
    from continuite.accounts.models import User

    world.etablissement.contact_email = "secretariat@lycee-zay.fr"
    world.etablissement.save()
    before = User.objects.count()
    browser, landing = ent_login(live_server, issuer, "F1700zzz")
    assert landing.status_code == 403
    text = text_of(landing)
    assert "Connexion par l'ENT impossible" in text
    assert "Aucun compte Continuité n'est ouvert pour l'adresse inconnu@lycee.fr." in text
    assert "Inscriptions fermées" not in text
    assert "Lycée Jean Zay : écrivez au secrétariat, secretariat@lycee-zay.fr" in text
    assert 'href="/comptes/login/"' in landing.text and "Retour à la page de connexion" in text
    assert User.objects.count() == before
    assert browser.get(f"{live_server.url}/", allow_redirects=False).status_code == 302  # not logged in


def test_it_tells_who_cancelled_at_the_ent_that_nothing_happened(world, live_server, issuer, configured):
    from urllib.parse import parse_qs, urlsplit

    browser, form_page = ent_form(live_server, issuer)
    state = parse_qs(urlsplit(form_page.history[0].url).query)["state"][0]
    # What the ENT sends back when the person presses « Annuler » on its page (RFC 6749, 4.1.2.1).
    landing = browser.get(
        f"{live_server.url}/comptes/oidc/ent/login/callback/",
        params={"error": "access_denied", "error_description": "End-User aborted interaction", "state": state},
    )
    assert landing.status_code == 200
    text = text_of(landing)
    assert "Connexion par l'ENT annulée" in text
    assert "Vous avez annulé la connexion sur la page de l'ENT : vous n'êtes pas connecté." in text
    assert "Login Cancelled" not in text and "Retour à la page de connexion" in text
    assert browser.get(f"{live_server.url}/", allow_redirects=False).status_code == 302  # not logged in


def test_it_refuses_an_ent_user_of_another_school(world, live_server, issuer, configured):
    from allauth.socialaccount.models import SocialAccount

    browser, landing = ent_login(live_server, issuer, "F1700xyz")
    assert landing.url == f"{live_server.url}{reverse('account_login')}"
    assert "Votre compte ENT ne correspond pas à l'établissement de votre compte Continuité." in text_of(landing)
    assert not SocialAccount.objects.exists()
    assert browser.get(f"{live_server.url}/", allow_redirects=False).status_code == 302


def test_it_refuses_an_address_the_ent_did_not_verify(world, live_server, issuer, configured):
    browser, landing = ent_login(live_server, issuer, "F1700nov")
    assert landing.status_code == 403
    text = text_of(landing)
    assert "ENT NetO'Centre n'a pas confirmé votre adresse prof@lycee.fr" in text
    assert "Retour à la page de connexion" in text
    assert browser.get(f"{live_server.url}/", allow_redirects=False).status_code == 302


def test_the_ent_checks_the_password_before_the_portal_opens(world, live_server, issuer, configured):
    browser, form_page = ent_form(live_server, issuer)
    again = browser.post(form_page.url, data={"login": "F1700abc", "password": "faux"})
    assert again.url == form_page.url
    assert "Identifiant ou mot de passe incorrect." in text_of(again)
    assert browser.get(f"{live_server.url}/", allow_redirects=False).status_code == 302


@pytest.mark.e2e
def test_it_logs_in_through_the_ent_in_a_browser(world, page, live_server, issuer, configured):
    """Chromium, with the portal's Content Security Policy: the button's form may go to the ENT."""
    page.goto("/comptes/login/")
    page.get_by_role("button", name="Se connecter avec ENT NetO'Centre").click()
    page.wait_for_url(f"{issuer}/interaction/*")
    page.get_by_label("Identifiant").fill("F1700abc")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text("Mon planning")
    expect(page.locator("main")).to_contain_text(f"Bonjour {world.teacher.user.first_name}")


@pytest.mark.e2e
def test_it_shows_the_refusal_page_in_a_browser(world, page, live_server, issuer, configured):
    from continuite.tests.e2e.fixtures import assert_no_axe_violations

    page.goto("/comptes/login/")
    page.get_by_role("button", name="Se connecter avec ENT NetO'Centre").click()
    page.get_by_label("Identifiant").fill("F1700zzz")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/comptes/oidc/ent/login/callback/*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion par l'ENT impossible")
    expect(page.locator("main")).to_contain_text(
        "Aucun compte Continuité n'est ouvert pour l'adresse inconnu@lycee.fr."
    )
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Retour à la page de connexion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
