"""allauth adapters: no open sign-up; the ENT login maps onto existing local accounts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

# Claims in which the ENT NetO'Centre (and other académie ENTs) may carry the school's UAI.
UAI_CLAIMS = ("uai", "ESCOUAI", "ESCOUAICourant", "ENTPersonStructRattachUAI")


logger = logging.getLogger("continuite.accounts")


@dataclass(frozen=True)
class PortalSite:
    """What allauth's mails call the site: the portal's name and the domain of SITE_URL, not the
    host the request happened to name."""

    name: str
    domain: str

    @classmethod
    def current(cls) -> PortalSite:
        return cls(name="Continuité", domain=urlsplit(settings.SITE_URL).netloc or "localhost")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts come from the school's data (admin or imports), never from the public.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        portal = {"current_site": PortalSite.current(), "login_url": settings.SITE_URL + reverse("account_login")}
        super().send_mail(template_prefix, email, {**portal, **context})

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The password-reset link on SITE_URL, as every other mail's links: not on the host and port the
        request came through (an internal name behind the proxy, 127.0.0.1:8000)."""
        return on_site(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return on_site(super().get_email_confirmation_url(request, emailconfirmation))

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's mails (password reset, unknown address, security notices) with a Message-ID on the
        site's own domain, as the notifications have, not on the server's host name."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        message.extra_headers.setdefault("Message-ID", make_msgid(domain=host))
        return message

    def get_client_ip(self, request) -> str:
        """The client's address for the login limits; a proxy count larger than the proxies never breaks login.

        With ``TRUSTED_PROXY_COUNT`` above the number of proxies that really append to
        X-Forwarded-For, allauth raises on every login (a 500 for everyone). Then the limits are
        counted on the address the portal sees (the proxy's: stricter, never spoofable), and the
        operator reads why in the log.
        """
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            logger.error(
                "TRUSTED_PROXY_COUNT=%s mais X-Forwarded-For ne contient que %s adresse(s) : corrigez le nombre de "
                "proxys dans l'environnement ; les limites de connexion sont comptées sur l'adresse du proxy.",
                settings.ALLAUTH_TRUSTED_PROXY_COUNT,
                len(request.headers.get("x-forwarded-for", "").split(",")),
            )
            return request.META.get("REMOTE_ADDR") or "inconnue"


def on_site(url: str) -> str:
    """``url``'s path and query on SITE_URL's scheme and host."""
    parts, site = urlsplit(url), urlsplit(settings.SITE_URL)
    return urlunsplit((site.scheme, site.netloc, site.path.rstrip("/") + parts.path, parts.query, parts.fragment))


def ent_uais(extra_data: dict) -> set[str]:
    """The UAIs that an ENT profile names, whatever claim carries them (string or list)."""
    found: set[str] = set()
    userinfo = extra_data.get("userinfo", extra_data)
    for claim in UAI_CLAIMS:
        value = userinfo.get(claim) if isinstance(userinfo, dict) else None
        if isinstance(value, str):
            found.add(value.strip().upper())
        elif isinstance(value, list):
            found.update(str(v).strip().upper() for v in value)
    return {uai for uai in found if uai}


def ent_refusal(request, sociallogin) -> HttpResponse:
    """The French page of an ENT identity that maps onto no account: why, whom to ask, and the way back."""
    from continuite.accounts.models import User

    addresses = [a for a in sociallogin.email_addresses if a.email]
    address = (addresses[0].email if addresses else (sociallogin.user.email if sociallogin.user else "")) or ""
    verified = any(a.verified for a in addresses)
    if not address:
        reason = "no_email"
    elif not verified and User.objects.filter(email__iexact=address, is_active=True).exists():
        reason = "unverified"
    else:
        reason = "unknown"
    return refusal_page(
        request,
        reason=reason,
        address=address,
        uais=ent_uais(sociallogin.account.extra_data or {}),
        provider_name=sociallogin.account.get_provider().name,
    )


def refusal_page(request, *, reason: str, address: str, uais: set[str], provider_name: str) -> HttpResponse:
    """Why the ENT identity opens no account, and the secretariat of the school(s) the ENT names."""
    from continuite.ecole.models import Etablissement

    schools = list(Etablissement.objects.filter(uai__in=uais).order_by("name"))
    return render(
        request,
        "account/ent_refused.html",
        {"reason": reason, "address": address, "schools": schools, "provider": {"name": provider_name}},
        status=403,
    )


def ent_failure(request, *, provider_name: str, unreachable: bool, error: object = None) -> HttpResponse:
    """The French page of an ENT login that could not finish: the ENT did not answer, or did not confirm
    the login. What happened, what to do (try again, or the portal's own email and password), the way
    back to the login page; the error goes to the log for the operator."""
    logger.warning(
        "Connexion par %s impossible (%s) : %s",
        provider_name,
        "ENT injoignable" if unreachable else "réponse de l'ENT refusée",
        error if error is not None else "sans détail",
    )
    return render(
        request,
        "account/ent_unavailable.html",
        {"provider": {"name": provider_name}, "unreachable": unreachable},
        status=503 if unreachable else 502,
    )


def wrong_school(request, user, uais: set[str]) -> HttpResponse | None:
    """The same rule for every ENT login: when the ENT names the person's school, it must be the
    account's établissement."""
    if uais and (user.etablissement is None or user.etablissement.uai not in uais):
        messages.error(
            request,
            _(
                "Votre compte ENT ne correspond pas à l'établissement de votre compte Continuité. "
                "Contactez le secrétariat de votre lycée."
            ),
        )
        return redirect("account_login")
    return None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """The ENT proves who the person is; the portal decides which local account that is.

    The local account is found by the email the ENT asserts (allauth's email authentication).
    When the ENT names the person's school (UAI claim), it must be the account's établissement:
    a pupil of another lycée with the same address never lands in this one's data.
    """

    def is_open_for_signup(self, request, sociallogin) -> bool:
        # Reached only when no local account matched: say why, and whom to ask, instead of
        # allauth's bare "sign-up closed" page.
        raise ImmediateHttpResponse(ent_refusal(request, sociallogin))

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None) -> None:
        """An error on the way back from the ENT (refused code, unreachable token endpoint, a state lost):
        the portal's French page instead of allauth's bare one. A login the person cancelled at the ENT
        gets allauth's "cancelled" view, in the portal's words (templates/socialaccount/login_cancelled.html)."""
        from allauth.socialaccount.providers.base.constants import AuthError
        from requests import RequestException

        if error == AuthError.CANCELLED:
            return
        raise ImmediateHttpResponse(
            ent_failure(
                request,
                provider_name=provider.name,
                unreachable=isinstance(exception, RequestException),
                error=exception or error or request.GET.get("error_description") or request.GET.get("error"),
            )
        )

    def pre_social_login(self, request, sociallogin) -> None:
        user = sociallogin.user
        if user is None or user.pk is None:
            return
        refused = wrong_school(request, user, ent_uais(sociallogin.account.extra_data or {}))
        if refused is not None:
            raise ImmediateHttpResponse(refused)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").lower()
        return user
