"""Accounts: created for people of the directory, then invited to choose their password."""

from __future__ import annotations

import datetime as dt

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import User


@transaction.atomic
def account_create_for(*, person, email: str | None = None, password: str | None = None) -> User:
    """Create the account of a staff member, guardian or student, tied to his établissement.

    Without a password the account cannot log in until its owner follows his invitation.
    """
    if person.user_id is not None:
        raise ValidationError(_("%(person)s a déjà un compte.") % {"person": person})
    email = (email or getattr(person, "email", "")).strip().lower()
    if not email:
        raise ValidationError(_("Une adresse de courriel est nécessaire pour créer un compte."))
    if User.objects.filter(email=email).exists():
        raise ValidationError(_("Un compte existe déjà avec l'adresse %(email)s.") % {"email": email})
    user = User.objects.create_user(
        email,
        password,
        first_name=person.first_name,
        last_name=person.last_name,
        etablissement=person.etablissement,
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    person.user = user
    person.save(update_fields=["user"])
    return user


def invitation_url(user: User) -> str:
    """A one-time link to choose a password: it dies as soon as the password is set."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return f"{settings.SITE_URL}{path}"


def invitation_expiry():
    """When a link made now stops working: Django's password-reset tokens live PASSWORD_RESET_TIMEOUT."""
    from django.utils import timezone

    return timezone.localtime(timezone.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))


@transaction.atomic
def user_invite(*, user: User) -> None:
    """Send the user his invitation through the notifications outbox (delivered after commit).

    Two clicks in the same minute give one mail (same idempotency key); a later click re-invites.
    """
    from django.utils import timezone

    from continuite.notifications.services import notify

    if not user.is_active:
        raise ValidationError(_("Ce compte est désactivé : il ne peut pas être invité."))
    if user.etablissement_id is None:
        raise ValidationError(_("Ce compte n'est rattaché à aucun établissement : il ne peut pas être invité."))
    notify(
        etablissement=user.etablissement,
        kind="accounts.invitation",
        template="accounts/email/invitation",
        context={
            "user": user,
            "url": invitation_url(user),
            "etablissement": user.etablissement,
            "expires_at": invitation_expiry(),
        },
        user=user,
        channels=("email",),
        idempotency_key=f"accounts.invitation:{user.pk}:{timezone.now():%Y%m%d%H%M}",
    )
