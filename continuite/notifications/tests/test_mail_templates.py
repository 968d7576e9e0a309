"""Every mail template of the portal, rendered as it leaves: plain text never HTML-escaped, a Message-ID
on the site's domain, a Reply-To where an answer is expected, and the recipient's preferences link."""

from __future__ import annotations

import datetime as dt
import email
import re
from email import policy
from pathlib import Path

import allauth
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from continuite.notifications import models as notification_models
from continuite.notifications.models import Notification
from continuite.notifications.services import build_message, notification_deliver, notify

from .factories import NotificationFactory

NAME = "Théo L'HERMITTE"
TITLE = "Prêt par l'établissement & co"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def mail_templates() -> list[str]:
    """Every mail of the project: a ``<name>_subject.txt`` next to its ``<name>.txt``."""
    found = sorted(
        str(path.relative_to(TEMPLATES)).removesuffix("_subject.txt")
        for path in TEMPLATES.glob("**/*_subject.txt")
        if ("notifications" in path.parts or "email" in path.parts)
        and path.with_name(path.name.replace("_subject.txt", ".txt")).exists()
    )
    assert len(found) >= 20  # equipment, planning, suivi, digest, invitation, login change, ...
    return found


class Anything:
    """Whatever a template asks of a variable: an object, a list, a date part, a name with an apostrophe."""

    def __str__(self):
        return NAME

    __html__ = None  # not safe: the HTML part must escape it

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Anything()

    def __getitem__(self, key):
        return Anything()

    def __call__(self, *args, **kwargs):
        return Anything()

    def __iter__(self):
        return iter([Anything()])

    def __len__(self):
        return 1

    def __index__(self):
        return 1

    def __hash__(self):  # a month or a weekday in the date filters' tables
        return hash(1)

    def __eq__(self, other):
        return other is self or other == 1

    def __int__(self):
        return 1

    def __sub__(self, other):
        return 1

    def __lt__(self, other):
        return False

    __gt__ = __le__ = __ge__ = __lt__


def context_for(template: str) -> dict:
    """Every name the template's three parts use, each an ``Anything`` whose text is ``NAME``."""
    source = "".join(
        (TEMPLATES / f"{template}{suffix}").read_text(encoding="utf-8")
        for suffix in ("_subject.txt", ".txt", ".html")
        if (TEMPLATES / f"{template}{suffix}").exists()
    )
    names = set(re.findall(r"[{][{%][^}]*?\b([a-z_][a-z0-9_]*)", source))
    names |= {n for tag in re.findall(r"[{][{%](.*?)[%}][}]", source) for n in re.findall(r"\b([a-z_]\w*)\b", tag)}
    context = {name: Anything() for name in names}
    context.update(title=TITLE, body=f"{NAME} a rendu {TITLE}.", url="https://continuite.example.fr/x")
    return context


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def parsed(notification: Notification) -> email.message.EmailMessage:
    raw = build_message(notification).message().as_bytes()
    return email.message_from_bytes(raw, policy=policy.default)


@override_settings(SITE_URL="https://continuite.lycee-zay.fr")
@pytest.mark.parametrize("template", mail_templates())
def test_it_renders_every_mail_without_html_entities(world, frozen, template):
    world.cpe.user.first_name, world.cpe.user.last_name = "Théo", "L'HERMITTE"
    world.cpe.user.save()
    notification = notify(
        etablissement=world.etablissement,
        kind="test.every-template",
        template=template,
        context=context_for(template),
        user=world.cpe.user,
        idempotency_key=f"test:{template}",
        reply_to="cpe@lycee.fr",
    )
    message = parsed(notification)
    subject, text = message["Subject"], message.get_body(("plain",)).get_content()
    for part in (subject, text):
        assert "&#x27;" not in part and "&#39;" not in part and "&amp;" not in part and "&quot;" not in part, part
    assert "L'HERMITTE" in subject + text, (subject, text)
    assert message["Message-ID"].endswith("@continuite.lycee-zay.fr>")
    assert message["Reply-To"] == "cpe@lycee.fr"
    assert f"https://continuite.lycee-zay.fr{reverse('notifications:preferences')}" in text
    assert "Choisir les notifications que vous recevez" in text
    html = message.get_body(("html",))
    if html is not None:
        content = html.get_content()
        assert "L'HERMITTE" not in content.replace("L&#x27;HERMITTE", "")  # the HTML part escapes
        assert reverse("notifications:preferences") in content


def test_it_tells_a_guardian_without_account_whom_to_ask(world, frozen):
    world.etablissement.contact_email = "ce.0450001a@ac-orleans-tours.fr"
    world.etablissement.save()
    world.guardian2.email = "marc.durand@example.fr"
    world.guardian2.save()
    notification = notify(
        etablissement=world.etablissement,
        kind="test.guardian",
        template="notifications/email/message",
        context={"title": TITLE, "body": "Un message."},
        guardian=world.guardian2,
        channels=("email",),
        idempotency_key="test:guardian",
    )
    text = parsed(notification).get_body(("plain",)).get_content()
    assert (
        "Vous recevez ce courriel comme responsable légal, sans compte sur le portail. Pour ne plus le recevoir "
        "par courriel, écrivez à l'établissement : ce.0450001a@ac-orleans-tours.fr." in text
    )


@override_settings(SITE_URL="https://continuite.lycee-zay.fr:8443")
def test_it_keeps_one_message_id_per_notice_across_retries_and_unique_across_databases(db, monkeypatch):
    notification = NotificationFactory()
    first = notification.message_id
    assert re.fullmatch(rf"<notification-{notification.pk}\.[0-9a-f]{{16}}@continuite\.lycee-zay\.fr>", first)
    # A retry reads the row again: the same Message-ID, so the receiving server sees one mail.
    notification.refresh_from_db()
    assert notification.message_id == first
    notification_deliver(notification_id=notification.pk)
    assert mail.outbox[0].extra_headers["Message-ID"] == first
    # Another school's database numbers its rows from 1 too: same pk, another Message-ID.
    monkeypatch.setattr(notification_models, "database_name", lambda: "continuite_0370002b")
    assert notification.message_id != first


def test_it_says_when_the_invitation_link_expires(world, frozen, django_capture_on_commit_callbacks):
    from continuite.accounts.services import user_invite

    world.teacher.user.first_name, world.teacher.user.last_name = "Théo", "L'HERMITTE"
    world.teacher.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        user_invite(user=world.teacher.user)
    message = email.message_from_bytes(mail.outbox[-1].message().as_bytes(), policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    # Django's password-reset tokens live PASSWORD_RESET_TIMEOUT (3 days): 30 November 11:00 in Paris + 3 days.
    assert settings.PASSWORD_RESET_TIMEOUT == 3 * 24 * 3600
    assert "Il est valable jusqu'au jeudi 3 décembre 2026 à 11h00" in text
    assert "Bonjour Théo L'HERMITTE," in text


def test_it_tells_every_recipient_on_the_preferences_page_whom_to_ask(world, client):
    world.etablissement.contact_email = "secretariat@lycee-zay.fr"
    world.etablissement.save()
    client.force_login(world.user("parent"))
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get(reverse("notifications:preferences")).text).split())
    assert "Pour ne plus recevoir un type de courriel, écrivez à l'établissement : secretariat@lycee-zay.fr" in page
    assert "vous choisissez ici" not in page  # no choice offered to a parent
    client.force_login(world.user("cpe"))
    page = client.get(reverse("notifications:preferences")).text
    assert "vous choisissez ici" in page and 'name="daily_digest"' in page


# allauth's own mails (password reset, email confirmation, the unknown-account answer, the security
# notices of the account and of the second factor), as the portal's account adapter sends them.
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
APOSTROPHE_ADDRESS = "theo.l'hermitte@lycee.fr"  # an address may hold an apostrophe too


def allauth_mail_templates() -> list[str]:
    found = sorted(
        str(path.relative_to(ALLAUTH_TEMPLATES)).removesuffix("_subject.txt")
        for path in ALLAUTH_TEMPLATES.glob("*/email/*_subject.txt")
    )
    assert {
        "account/email/password_reset_key",
        "account/email/email_confirmation",
        "account/email/email_confirmation_signup",
        "account/email/unknown_account",
        "mfa/email/totp_activated",
    } <= set(found)
    return found


def allauth_context(template: str, user) -> dict:
    """Every name the mail's templates (and those they extend or include) use."""
    sources = []
    for suffix in ("_subject.txt", "_message.txt"):
        for folder in (TEMPLATES, ALLAUTH_TEMPLATES):
            if (folder / f"{template}{suffix}").exists():
                sources.append((folder / f"{template}{suffix}").read_text(encoding="utf-8"))
                break
    for base in ("account/email/base_message.txt", "account/email/base_notification.txt"):
        sources.append(((TEMPLATES / base) if (TEMPLATES / base).exists() else (ALLAUTH_TEMPLATES / base)).read_text())
    source = "".join(sources)
    names = {n for tag in re.findall(r"[{][{%](.*?)[%}][}]", source) for n in re.findall(r"\b([a-z_]\w*)\b", tag)}
    context = {name: Anything() for name in names}
    context.update(
        user=user,
        email=APOSTROPHE_ADDRESS,
        from_email="ancienne.l'hermitte@lycee.fr",
        to_email=APOSTROPHE_ADDRESS,
        password_reset_url="https://continuite.lycee-zay.fr/comptes/password/reset/key/1-abc/",
        activate_url="https://continuite.lycee-zay.fr/comptes/confirm-email/abc/",
        signup_url="https://continuite.lycee-zay.fr/comptes/signup/",
        code="",
        user_agent='Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0 "L\'HERMITTE" & co',
    )
    return context


def allauth_mail(template: str, to: str, context: dict) -> email.message.EmailMessage:
    from allauth.account.adapter import get_adapter
    from allauth.core.context import request_context
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get("/comptes/password/reset/")
    request.user = AnonymousUser()
    before = len(mail.outbox)
    with request_context(request):
        get_adapter(request).send_mail(template, to, context)
    [sent] = mail.outbox[before:]
    return email.message_from_bytes(sent.message().as_bytes(), policy=policy.default)


@override_settings(SITE_URL="https://continuite.lycee-zay.fr")
@pytest.mark.parametrize("site_name", ["Lycée L'HERMITTE", None])
@pytest.mark.parametrize("template", allauth_mail_templates())
def test_it_renders_allauths_mails_without_html_entities(world, template, site_name):
    user = world.teacher.user
    user.first_name, user.last_name, user.email = "Théo", "L'HERMITTE", APOSTROPHE_ADDRESS
    user.save()
    context = allauth_context(template, user)
    if site_name is None:
        context.pop("current_site", None)  # the portal's own (its name and its domain)
    else:
        context["current_site"] = type("Site", (), {"name": site_name, "domain": "continuite.lycee-zay.fr"})()
    message = allauth_mail(template, user.email, context)
    subject, text = message["Subject"], message.get_body(("plain",)).get_content()
    for part in (subject, text):
        assert "&#x27;" not in part and "&#39;" not in part and "&amp;" not in part and "&quot;" not in part, part
    assert subject.strip().startswith("[Continuité] ")  # (a long subject is folded after « Subject: »)
    assert "testserver" not in text
    if site_name is None:
        assert "Bonjour, c'est Continuité !" in text and "continuite.lycee-zay.fr" in text, text
    else:
        assert "L'HERMITTE" in text, text
    assert message["Message-ID"].endswith("@continuite.lycee-zay.fr>")


@override_settings(SITE_URL="https://continuite.lycee-zay.fr")
def test_it_sends_the_password_reset_of_an_address_with_an_apostrophe_unescaped(world, client):
    user = world.teacher.user
    user.first_name, user.last_name, user.email = "Théo", "L'HERMITTE", APOSTROPHE_ADDRESS
    user.save()
    assert client.post(reverse("account_reset_password"), {"email": APOSTROPHE_ADDRESS}).status_code == 302
    message = email.message_from_bytes(mail.outbox[-1].message().as_bytes(), policy=policy.default)
    assert message["To"] == APOSTROPHE_ADDRESS
    subject, text = message["Subject"], message.get_body(("plain",)).get_content()
    assert subject.strip() == "[Continuité] E-mail de réinitialisation de mot de passe"
    assert "&#x27;" not in text and "&amp;" not in text
    # the link to follow, on SITE_URL (not on the host the request named)
    assert re.search(r"https://continuite.lycee-zay.fr/comptes/password/reset/key/\S+/", text)
    assert message["Message-ID"].endswith("@continuite.lycee-zay.fr>")


@override_settings(SITE_URL="https://continuite.lycee-zay.fr")
def test_it_answers_a_reset_for_an_unknown_address_without_offering_a_closed_sign_up(world, client):
    world.etablissement.contact_email = "secretariat@lycee-zay.fr"
    world.etablissement.save()
    assert client.post(reverse("account_reset_password"), {"email": "o'brien@example.fr"}).status_code == 302
    message = email.message_from_bytes(mail.outbox[-1].message().as_bytes(), policy=policy.default)
    text = " ".join(message.get_body(("plain",)).get_content().split())
    assert "/comptes/signup/" not in text and "inscrire" not in text
    assert "Aucun compte Continuité n'est ouvert pour l'adresse o'brien@example.fr." in text
    assert "Les comptes sont ouverts par l'établissement" in text
    assert "https://continuite.lycee-zay.fr/comptes/login/" in text
