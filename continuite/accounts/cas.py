"""The ENT login through CAS (python-cas, the client of the django-cas-ng project).

The ENT proves who the person is; the portal picks the existing account with the same rules as the
OpenID Connect login: the ENT identifier already linked to an account, else the email the ENT
asserts; the school's UAI, when the CAS attributes carry it, must be the account's établissement.
No account is ever created here.
"""

from __future__ import annotations

from xml.etree import ElementTree
from xml.parsers.expat import ExpatError

from allauth.account.utils import perform_login
from allauth.socialaccount.models import SocialAccount
from cas import CASClient
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from requests import RequestException

from .adapters import ent_failure, ent_uais, refusal_page, wrong_school
from .models import User

NEXT_KEY = "ent_cas_next"


def _client() -> CASClient:
    return CASClient(
        version=settings.ENT_CAS_VERSION,
        # The service URL must be the same at login and at validation: the site's, not the request's host.
        service_url=settings.SITE_URL + reverse("ent_cas_login"),
        server_url=settings.ENT_CAS_SERVER_URL,
    )


def _first(value) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").strip()


def cas_user(username: str, attributes: dict) -> tuple[User | None, str]:
    """The local account of a CAS identity, and the email it asserted."""
    address = _first(attributes.get(settings.ENT_CAS_EMAIL_ATTRIBUTE) or attributes.get("email")).lower()
    # The same ENT identity already linked through OpenID Connect (NetO'Centre gives one identifier).
    linked = SocialAccount.objects.filter(provider="ent", uid=username, user__is_active=True).select_related("user")
    account = linked.first()
    if account is not None:
        return account.user, address
    if address:
        return User.objects.filter(email__iexact=address, is_active=True).first(), address
    return None, address


def cas_login(request):
    """Without a ticket: off to the ENT's CAS login. With one: validated by the CAS server, then the
    account's login (through allauth, so that the second factor of the CPE and the direction applies)."""
    if not settings.ENT_CAS_SERVER_URL:
        raise Http404
    if request.user.is_authenticated:
        return redirect("home")
    client = _client()
    ticket = request.GET.get("ticket")
    if not ticket:
        next_url = request.GET.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            request.session[NEXT_KEY] = next_url
        return redirect(client.get_login_url())
    try:
        username, attributes, _pgtiou = client.verify_ticket(ticket)
    except (RequestException, ExpatError, ElementTree.ParseError, ValueError) as exc:
        # The CAS server unreachable, or an answer that is not CAS.
        return ent_failure(request, provider_name=settings.ENT_CAS_NAME, unreachable=True, error=exc)
    if not username:
        return ent_failure(
            request, provider_name=settings.ENT_CAS_NAME, unreachable=False, error=f"ticket {ticket[:12]}… refusé"
        )
    attributes = attributes or {}
    user, address = cas_user(username, attributes)
    uais = ent_uais(attributes)
    if user is None:
        return refusal_page(
            request,
            reason="unknown" if address else "no_email",
            address=address,
            uais=uais,
            provider_name=settings.ENT_CAS_NAME,
        )
    refused = wrong_school(request, user, uais)
    if refused is not None:
        return refused
    return perform_login(request, user, redirect_url=request.session.pop(NEXT_KEY, None) or reverse("home"))
