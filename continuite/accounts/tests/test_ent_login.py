"""The ENT login (OpenID Connect) maps a NetO'Centre profile onto the existing local account."""

import html
import re

import pytest
from allauth.core.context import request_context
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory, override_settings

from continuite.accounts.adapters import ent_uais

ENT_PROVIDERS = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "ent",
                "name": "ENT NetO'Centre",
                "client_id": "continuite",
                "secret": "secret",
                "settings": {"server_url": "https://ent.netocentre.fr/oidc"},
            }
        ]
    }
}


def netocentre_payload(email: str, uai: str = "0450001A") -> dict:
    """The shape of a NetO'Centre userinfo / ID token (claims as the ENT sends them)."""
    claims = {
        "sub": "F1700abc",
        "email": email,
        "email_verified": True,
        "given_name": "Claire",
        "family_name": "MARTIN",
        "name": "Claire MARTIN",
        "preferred_username": "cmartin",
        "ESCOUAI": [uai],
        "ESCOUAICourant": uai,
        "ENTPersonProfils": ["National_ENS"],
    }
    return {"userinfo": claims, "id_token": {**claims, "iss": "https://ent.netocentre.fr/oidc", "aud": "continuite"}}


def page_text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def ent_login(payload: dict):
    request = RequestFactory().get("/comptes/oidc/ent/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session.save()
    request._messages = FallbackStorage(request)
    request.user = AnonymousUser()
    with request_context(request):
        provider = get_adapter(request).get_provider(request, "ent")
        sociallogin = provider.sociallogin_from_response(request, payload)
        response = complete_social_login(request, sociallogin)
    return request, response


@pytest.mark.django_db
@override_settings(SOCIALACCOUNT_PROVIDERS=ENT_PROVIDERS)
def test_it_logs_an_ent_user_into_his_existing_account(world):
    request, response = ent_login(netocentre_payload("prof@lycee.fr"))
    assert response.status_code == 302
    assert request.user == world.teacher.user
    account = SocialAccount.objects.get(provider="ent")
    assert account.user == world.teacher.user
    assert account.uid == "F1700abc"


@pytest.mark.django_db
@override_settings(SOCIALACCOUNT_PROVIDERS=ENT_PROVIDERS)
def test_it_refuses_an_ent_profile_of_another_school(world):
    request, response = ent_login(netocentre_payload("prof@lycee.fr", uai="0370002B"))
    assert response.status_code == 302
    assert response["Location"].endswith("/comptes/login/")
    assert not request.user.is_authenticated
    assert not SocialAccount.objects.exists()
    assert "ne correspond pas à l'établissement" in " ".join(str(m) for m in get_messages(request))


@pytest.mark.django_db
@override_settings(SOCIALACCOUNT_PROVIDERS=ENT_PROVIDERS)
def test_it_creates_no_account_for_an_unknown_ent_user(world):
    from continuite.accounts.models import User

    world.etablissement.contact_email = "secretariat@lycee-zay.fr"
    world.etablissement.save()
    before = User.objects.count()
    request, response = ent_login(netocentre_payload("inconnu@lycee.fr"))
    assert not request.user.is_authenticated
    assert User.objects.count() == before
    assert response.status_code == 403
    text = page_text(response)
    assert "Connexion par l'ENT impossible" in text
    assert "Aucun compte Continuité n'est ouvert pour l'adresse inconnu@lycee.fr." in text
    assert "Inscriptions fermées" not in text
    # The ENT named the school: its secretariat is the one to ask, and the way back is offered.
    assert "Lycée Jean Zay : écrivez au secrétariat, secretariat@lycee-zay.fr" in text
    assert 'href="/comptes/login/"' in response.content.decode()
    assert "Retour à la page de connexion" in text


@pytest.mark.django_db
@override_settings(SOCIALACCOUNT_PROVIDERS=ENT_PROVIDERS)
def test_it_explains_an_address_the_ent_did_not_verify(world):
    payload = netocentre_payload("prof@lycee.fr", uai="9999999Z")
    payload["userinfo"]["email_verified"] = payload["id_token"]["email_verified"] = False
    request, response = ent_login(payload)
    assert not request.user.is_authenticated
    assert response.status_code == 403
    text = page_text(response)
    assert "ENT NetO'Centre n'a pas confirmé votre adresse prof@lycee.fr" in text
    assert "Adressez-vous au secrétariat de votre lycée" in text  # unknown UAI: no school to name


@pytest.mark.django_db
@override_settings(SOCIALACCOUNT_PROVIDERS=ENT_PROVIDERS)
def test_it_explains_an_ent_profile_without_address(world):
    payload = netocentre_payload("")
    for part in payload.values():
        part.pop("email")
    _request, response = ent_login(payload)
    assert "ENT NetO'Centre n'a pas transmis d'adresse de courriel" in page_text(response)


def test_it_reads_the_uai_from_every_claim_shape():
    assert ent_uais({"userinfo": {"ESCOUAI": ["0450001a ", "0370002B"]}}) == {"0450001A", "0370002B"}
    assert ent_uais({"uai": "0450001A"}) == {"0450001A"}
    assert ent_uais({"userinfo": {"email": "x@y.fr"}}) == set()
