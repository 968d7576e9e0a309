"""allauth adapters: no open sign-up; the ENT login maps onto existing local accounts."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

# Claims in which the ENT NetO'Centre (and other académie ENTs) may carry the school's UAI.
UAI_CLAIMS = ("uai", "ESCOUAI", "ESCOUAICourant", "ENTPersonStructRattachUAI")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts come from the school's data (admin or imports), never from the public.
        return False


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
    from continuite.ecole.models import Etablissement

    extra = sociallogin.account.extra_data or {}
    addresses = [a for a in sociallogin.email_addresses if a.email]
    address = (addresses[0].email if addresses else (sociallogin.user.email if sociallogin.user else "")) or ""
    verified = any(a.verified for a in addresses)
    if not address:
        reason = "no_email"
    elif not verified and User.objects.filter(email__iexact=address, is_active=True).exists():
        reason = "unverified"
    else:
        reason = "unknown"
    schools = list(Etablissement.objects.filter(uai__in=ent_uais(extra)).order_by("name"))
    return render(
        request,
        "account/ent_refused.html",
        {"reason": reason, "address": address, "schools": schools, "provider": sociallogin.account.get_provider()},
        status=403,
    )


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

    def pre_social_login(self, request, sociallogin) -> None:
        user = sociallogin.user
        if user is None or user.pk is None:
            return
        uais = ent_uais(sociallogin.account.extra_data or {})
        if uais and (user.etablissement is None or user.etablissement.uai not in uais):
            messages.error(
                request,
                _(
                    "Votre compte ENT ne correspond pas à l'établissement de votre compte Continuité. "
                    "Contactez le secrétariat de votre lycée."
                ),
            )
            raise ImmediateHttpResponse(redirect("account_login"))

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (user.email or "").lower()
        return user
