"""Notifications: every write of the outbox.

``notify`` writes one row in the caller's transaction and enqueues its delivery once that
transaction commits. ``notification_deliver`` (called by the Celery task) claims the row with one
conditional UPDATE, so two workers or a re-delivered message never send twice; ``notifications_sweep``
(Celery beat, every minute) re-enqueues whatever is still due, so a broker outage or a crashed worker
delays a notice but never loses it.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db import connection as database
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import (
    DEFAULT_DIGEST_TIME,
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    Notification,
    NotificationPreference,
    NotificationSettings,
    Status,
)
from .signals import notification_failed

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
CHANNELS = frozenset({"email", "portal"})
CLAIM_DURATION = dt.timedelta(minutes=5)
# A row enqueued this long ago and still pending is enqueued again by the sweeper.
ENQUEUE_STALE_AFTER = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 8
BACKOFF_BASE = dt.timedelta(minutes=1)
SWEEP_BATCH = 2000
ACK_SALT = "continuite.notifications.ack"
ACK_MAX_AGE = dt.timedelta(days=120)
DIGEST_KIND = "notifications.digest"
DIGEST_TEMPLATE = "notifications/email/digest"


# --- Quiet hours -------------------------------------------------------------------------------

# Account mails (an invitation to choose a password, and any other "accounts.*" notice) are
# transactional: someone is waiting for them and their link's validity already runs. They leave at
# once, whatever the quiet hours or a daily digest; quiet hours are for notices about the pupils.
# (allauth's own mails, password reset and security notices, do not go through the outbox: they
# leave at once too.)
TRANSACTIONAL_KIND_PREFIXES = ("accounts.",)


def is_transactional(kind: str) -> bool:
    return kind.startswith(TRANSACTIONAL_KIND_PREFIXES)


def settings_of(etablissement_id: int) -> NotificationSettings:
    """The school's settings, or unsaved defaults (20:00–07:00) when it never changed them."""
    found = NotificationSettings.objects.filter(etablissement_id=etablissement_id).first()
    return found or NotificationSettings(
        etablissement_id=etablissement_id,
        quiet_start=DEFAULT_QUIET_START,
        quiet_end=DEFAULT_QUIET_END,
        digest_time=DEFAULT_DIGEST_TIME,
    )


def next_allowed_time(at: dt.datetime, *, quiet_start: dt.time, quiet_end: dt.time) -> dt.datetime:
    """``at`` itself, or the end of the quiet hours (Europe/Paris) when ``at`` falls inside them."""
    if quiet_start == quiet_end:
        return at
    local = timezone.localtime(at, PARIS)
    moment = local.time()
    if quiet_start > quiet_end:  # the window crosses midnight, e.g. 20:00–07:00
        if quiet_end <= moment < quiet_start:
            return at
        day = local.date() if moment < quiet_end else local.date() + dt.timedelta(days=1)
    else:
        if not (quiet_start <= moment < quiet_end):
            return at
        day = local.date()
    return dt.datetime.combine(day, quiet_end, tzinfo=PARIS)


# --- Writing a notice --------------------------------------------------------------------------


def render_plain(template_name: str, context: dict) -> str:
    """A template rendered as plain text: no HTML escaping ("L'HERMITTE", never "L&#x27;HERMITTE").

    Subjects and text parts are not HTML; the HTML part keeps Django's escaping.
    """
    return get_template(template_name).template.render(Context(context, autoescape=False))


def _render(template: str, context: dict) -> tuple[str, str, str]:
    with translation.override("fr"):
        subject = " ".join(render_plain(f"{template}_subject.txt", context).split())
        text = render_plain(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = ""
    return subject[:255], text, html


# Notices go to the broker by batches: one task delivers up to this many, each claimed on its own.
DELIVERY_BATCH = 50


def _enqueue(notification_ids: list[int]) -> int:
    """Hand rows to the broker, by batches; returns how many were handed over.

    A broker outage is logged, never raised: the rows are marked not enqueued and the sweeper
    hands them over again. A task given an id twice, or an id whose row was rolled back, skips it.
    """
    from .tasks import deliver_notifications

    handed = 0
    for start in range(0, len(notification_ids), DELIVERY_BATCH):
        batch = notification_ids[start : start + DELIVERY_BATCH]
        try:
            deliver_notifications.apply_async(
                (batch,), retry=True, retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
            )
        except Exception:
            logger.warning("Notifications %s : file d'attente injoignable, le balayage les renverra.", batch)
            Notification.objects.filter(pk__in=batch, status=Status.PENDING).update(enqueued_at=None)
        else:
            handed += len(batch)
    return handed


class _EnqueueOnCommit:
    """The on-commit hook of one transaction: every notice it wrote, enqueued by batches."""

    def __init__(self):
        self.ids: list[int] = []

    def __call__(self):
        _enqueue(self.ids)


def _enqueue_on_commit(notification_id: int) -> None:
    """Enqueue once the transaction commits, joining the transaction's other notices in one hook.

    A fan-out (a notice to every family) then costs one broker message per batch, not per notice.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, hook, _robust in connection.run_on_commit:
            if isinstance(hook, _EnqueueOnCommit):
                hook.ids.append(notification_id)
                return
    hook = _EnqueueOnCommit()
    hook.ids.append(notification_id)
    transaction.on_commit(hook)


def _wants_digest(user_id: int | None) -> bool:
    if user_id is None:
        return False
    return NotificationPreference.objects.filter(user_id=user_id, daily_digest=True).exists()


def _notify(
    *,
    etablissement,
    kind: str,
    template: str,
    context: dict,
    user=None,
    guardian=None,
    channels=("email", "portal"),
    idempotency_key: str,
    ack_required: bool = False,
    related=None,
    allow_digest: bool = True,
    reply_to: str = "",
) -> tuple[Notification, bool]:
    if (user is None) == (guardian is None):
        raise ValidationError(_("Une notification a un seul destinataire : un compte ou un responsable."))
    channels = frozenset(channels)
    if not channels or not channels <= CHANNELS:
        raise ValidationError(_("Canaux de notification inconnus : %(channels)s.") % {"channels": sorted(channels)})
    if not idempotency_key or len(idempotency_key) > 200:
        raise ValidationError(_("Une clé d'unicité de 1 à 200 caractères est obligatoire."))
    existing = Notification.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False

    if guardian is not None:
        portal_user_id = guardian.user_id
        email = guardian.email
        recipient_name = str(guardian)
    else:
        portal_user_id = user.pk
        email = user.email
        recipient_name = user.get_full_name() or user.email
    channel_portal = "portal" in channels and portal_user_id is not None
    channel_email = "email" in channels
    if not (channel_portal or channel_email):
        raise ValidationError(
            _("%(name)s n'a pas de compte : il ne peut être prévenu que par courriel.") % {"name": recipient_name}
        )

    subject, text, html = _render(template, {**context, "recipient_name": recipient_name})
    now = timezone.now()
    status, next_attempt_at, last_error, sent_at = Status.PENDING, now, "", None
    if not channel_email:
        status, sent_at = Status.PORTAL_ONLY, now
    elif not email:
        status, last_error = Status.FAILED, _("Aucune adresse de courriel pour ce destinataire.")
    elif is_transactional(kind):
        pass
    elif allow_digest and _wants_digest(portal_user_id if guardian is None else None):
        status = Status.DIGEST
    else:
        school = settings_of(etablissement.pk)
        next_attempt_at = next_allowed_time(now, quiet_start=school.quiet_start, quiet_end=school.quiet_end)
    enqueue_now = status == Status.PENDING and next_attempt_at <= now

    row = Notification(
        etablissement=etablissement,
        kind=kind,
        user_id=portal_user_id,
        guardian=guardian,
        recipient_name=recipient_name[:200],
        email=email if channel_email else "",
        reply_to=reply_to,
        channel_email=channel_email,
        channel_portal=channel_portal,
        subject=subject,
        body_text=text,
        body_html=html,
        idempotency_key=idempotency_key,
        status=status,
        next_attempt_at=next_attempt_at,
        enqueued_at=now if enqueue_now else None,
        last_error=last_error,
        created_at=now,
        sent_at=sent_at,
        ack_required=ack_required,
    )
    if related is not None:
        row.content_type = ContentType.objects.get_for_model(related)
        row.object_id = related.pk
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # Another transaction wrote the same key between our check and our insert.
        return Notification.objects.get(idempotency_key=idempotency_key), False
    if enqueue_now:
        _enqueue_on_commit(row.pk)
    return row, True


@transaction.atomic
def notify(
    *,
    etablissement,
    kind: str,
    template: str,
    context: dict,
    user=None,
    guardian=None,
    channels=("email", "portal"),
    idempotency_key: str,
    ack_required: bool = False,
    related=None,
    reply_to: str = "",
) -> Notification:
    """Write one notice to one recipient, in the caller's transaction, and deliver it after commit.

    The subject and bodies are rendered now (in French) from ``<template>_subject.txt``,
    ``<template>.txt`` and ``<template>.html`` with ``context`` plus ``recipient_name``. A guardian
    without an account is reached by email only. A second call with the same ``idempotency_key``
    returns the first row and sends nothing. ``ack_required`` adds a personal "J'ai pris
    connaissance" link to the mail; ``related`` is the object that caused the notice;
    ``reply_to`` is where the recipient's answer goes (the portal sends from a no-reply address).
    """
    notification, _created = _notify(
        etablissement=etablissement,
        kind=kind,
        template=template,
        context=context,
        user=user,
        guardian=guardian,
        channels=channels,
        idempotency_key=idempotency_key,
        ack_required=ack_required,
        related=related,
        reply_to=reply_to,
    )
    return notification


# --- Delivering a notice -----------------------------------------------------------------------


def acknowledgement_token(notification: Notification) -> str:
    return signing.dumps(notification.pk, salt=ACK_SALT)


def acknowledgement_url(notification: Notification) -> str:
    path = reverse("notifications:acknowledge", kwargs={"token": acknowledgement_token(notification)})
    return f"{settings.SITE_URL}{path}"


def _with_preferences(notification: Notification, text: str, html: str) -> tuple[str, str]:
    """Every mail ends with where its recipient chooses what he receives (or whom to ask, without an
    account)."""
    with translation.override("fr"):
        if notification.user_id:
            url = f"{settings.SITE_URL}{reverse('notifications:preferences')}"
            label = _("Choisir les notifications que vous recevez")
            text = f"{text.rstrip()}\n\n--\n{label} : {url}\n"
            footer = f'<p><small><a href="{escape(url)}">{escape(label)}</a></small></p>'
        else:
            contact = notification.etablissement.contact_email if notification.etablissement_id else ""
            line = _("Vous recevez ce courriel comme responsable légal, sans compte sur le portail.")
            ask = (
                _("Pour ne plus le recevoir par courriel, écrivez à l'établissement : %(contact)s.")
                % {"contact": contact}
                if contact
                else _("Pour ne plus le recevoir par courriel, adressez-vous à l'établissement.")
            )
            text = f"{text.rstrip()}\n\n--\n{line} {ask}\n"
            footer = f"<p><small>{escape(line)} {escape(ask)}</small></p>"
    if html:
        html = html.replace("</body>", f"{footer}</body>") if "</body>" in html else html + footer
    return text, html


def build_message(notification: Notification) -> EmailMultiAlternatives:
    """The mail of a notice; its Message-ID is fixed per row so that a duplicate is recognisable."""
    text, html = notification.body_text, notification.body_html
    if notification.ack_required:
        url = acknowledgement_url(notification)
        with translation.override("fr"):
            label = _("J'ai pris connaissance")
            text = f"{text.rstrip()}\n\n{label} : {url}\n"
            if html:
                link = f'<p><a href="{escape(url)}">{escape(label)}</a></p>'
                html = html.replace("</body>", f"{link}</body>") if "</body>" in html else html + link
    text, html = _with_preferences(notification, text, html)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
        reply_to=[notification.reply_to] if notification.reply_to else None,
        headers={
            "Message-ID": notification.message_id,
            "X-Continuite-Notification": notification.idempotency_key,
            "Auto-Submitted": "auto-generated",
        },
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def is_temporary(exc: BaseException) -> bool:
    """A 4xx answer, a dropped connection or a timeout: worth retrying. A 5xx answer is final."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | socket.timeout | TimeoutError | OSError)


_connections: dict[tuple, object] = {}


def _mail_connection():
    """One open mail connection per worker process (per mail settings), reused from task to task.

    Opening an SMTP session (connect, EHLO, STARTTLS, AUTH) per notice costs more than sending it.
    """
    key = (settings.EMAIL_BACKEND, getattr(settings, "EMAIL_HOST", ""), getattr(settings, "EMAIL_PORT", 0))
    connection = _connections.get(key)
    if connection is None:
        connection = get_connection()
        connection.open()
        _connections.clear()
        _connections[key] = connection
    return connection


def _drop_mail_connection() -> None:
    for connection in _connections.values():
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 (closing a broken connection may fail too)
            pass
    _connections.clear()


def _send(message) -> None:
    """Send on the process's open connection. A reused connection that the server closed while
    idle is reopened once (a connection found closed sent nothing); any other error is the
    caller's: temporary ones are retried later with backoff."""
    reused = bool(_connections)
    message.connection = _mail_connection()
    try:
        message.send()
    except smtplib.SMTPServerDisconnected:
        _drop_mail_connection()
        if not reused:
            raise
        message.connection = _mail_connection()
        message.send()
    except Exception:
        _drop_mail_connection()
        raise


# Reserve a due notice and read it back in one statement (PostgreSQL): ``raw()`` maps the
# returned columns onto a Notification.
CLAIM_SQL = (
    "UPDATE notifications_notification SET status = %s, claimed_until = %s, attempts = attempts + 1"
    " WHERE id = %s AND status = %s AND next_attempt_at <= %s RETURNING *"
)


def _claim(notification_id: int, *, now: dt.datetime) -> Notification | None:
    """Reserve a due notice for this worker and read it.

    The condition on the status makes the reservation atomic: of two workers given the same id,
    one gets the row, the other gets nothing. On PostgreSQL one round trip (``UPDATE … RETURNING``);
    on SQLite (the embedded default) an UPDATE then a SELECT, so that the write lock is released
    before Python reads the row (SQLite holds it until a RETURNING statement is finished).
    """
    if database.vendor == "postgresql":
        rows = list(
            Notification.objects.raw(
                CLAIM_SQL, [Status.SENDING, now + CLAIM_DURATION, notification_id, Status.PENDING, now]
            )
        )
        return rows[0] if rows else None
    claimed = Notification.objects.filter(pk=notification_id, status=Status.PENDING, next_attempt_at__lte=now).update(
        status=Status.SENDING, claimed_until=now + CLAIM_DURATION, attempts=F("attempts") + 1
    )
    return Notification.objects.get(pk=notification_id) if claimed else None


def notification_deliver(*, notification_id: int) -> str:
    """Send one due notice by email, at most once; returns "sent", "retry", "failed" or "skipped".

    Not one transaction on purpose: the claim must be committed before the mail leaves, and the
    row marked sent right after the SMTP server accepted it.
    """
    notification = _claim(notification_id, now=timezone.now())
    if notification is None:
        return "skipped"
    try:
        _send(build_message(notification))
    except Exception as exc:
        return _record_failure(notification, exc)
    Notification.objects.filter(pk=notification_id, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return "sent"


def _record_failure(notification: Notification, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if is_temporary(exc) and notification.attempts < MAX_ATTEMPTS:
        retry_at = timezone.now() + BACKOFF_BASE * 2 ** (notification.attempts - 1)
        if not is_transactional(notification.kind):
            school = settings_of(notification.etablissement_id)
            retry_at = next_allowed_time(retry_at, quiet_start=school.quiet_start, quiet_end=school.quiet_end)
        Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
            status=Status.PENDING,
            next_attempt_at=retry_at,
            claimed_until=None,
            enqueued_at=None,
            last_error=error,
        )
        logger.info("Notification %s : erreur temporaire, nouvel essai prévu (%s).", notification.pk, error)
        return "retry"
    with transaction.atomic():
        failed = Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
            status=Status.FAILED, claimed_until=None, last_error=error
        )
        if failed:  # once: a second worker finds the row no longer "sending"
            notification_failed.send(sender=Notification, notification=notification, error=error)
    logger.error("Notification %s : échec définitif (%s).", notification.pk, error)
    return "failed"


def notifications_sweep(*, now: dt.datetime | None = None) -> int:
    """Re-enqueue every due notice that no worker holds; returns how many were enqueued.

    Rows left in "sending" past their claim (a crashed worker) are given back, or failed after
    the last attempt. At-least-once: a worker dying between the SMTP answer and the final UPDATE
    may cause one duplicate, recognisable by its Message-ID.
    """
    now = now or timezone.now()
    expired = Notification.objects.filter(status=Status.SENDING, claimed_until__lt=now)
    error = _("Envoi interrompu trop de fois.")
    for notification in expired.filter(attempts__gte=MAX_ATTEMPTS):
        with transaction.atomic():
            if Notification.objects.filter(pk=notification.pk, status=Status.SENDING, claimed_until__lt=now).update(
                status=Status.FAILED, claimed_until=None, last_error=error
            ):
                notification_failed.send(sender=Notification, notification=notification, error=error)
    expired.update(status=Status.PENDING, claimed_until=None, enqueued_at=None)
    ids = list(
        Notification.objects.due(now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - ENQUEUE_STALE_AFTER))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids).update(enqueued_at=now)
    return _enqueue(ids)


# --- Digests -----------------------------------------------------------------------------------


@transaction.atomic
def digest_send_for(*, user, now: dt.datetime | None = None) -> Notification | None:
    """Gather the user's notices kept for the digest into one mail a day (idempotent per day)."""
    now = now or timezone.now()
    day = timezone.localtime(now, PARIS).date()
    held = list(
        Notification.objects.select_for_update()
        .filter(user=user, status=Status.DIGEST, created_at__lte=now)
        .order_by("created_at", "pk")
    )
    if not held:
        return None
    digest, created = _notify(
        etablissement=held[0].etablissement,
        kind=DIGEST_KIND,
        template=DIGEST_TEMPLATE,
        context={"notifications": held, "day": day},
        user=user,
        channels=("email",),
        idempotency_key=f"digest:{user.pk}:{day.isoformat()}",
        allow_digest=False,
    )
    if not created:
        return None  # today's digest is gone already: these wait for tomorrow's
    Notification.objects.filter(pk__in=[n.pk for n in held]).update(status=Status.DIGESTED, digest=digest)
    return digest


def digests_send(*, now: dt.datetime | None = None) -> int:
    """Send the digest of every user whose school's digest time has come today."""
    from continuite.accounts.models import User

    now = now or timezone.now()
    moment = timezone.localtime(now, PARIS).time()
    pending = Notification.objects.filter(status=Status.DIGEST, user__isnull=False)
    user_ids = set(pending.values_list("user_id", flat=True).distinct())
    if not user_ids:
        return 0
    times = dict(NotificationSettings.objects.values_list("etablissement_id", "digest_time"))
    sent = 0
    for user in User.objects.filter(pk__in=user_ids):
        if moment >= times.get(user.etablissement_id, DEFAULT_DIGEST_TIME):
            sent += digest_send_for(user=user, now=now) is not None
    return sent


# --- The portal --------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark a notice read in the portal (the first reading time is kept)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notice of the user's centre read; returns how many."""
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())


def notification_from_token(token: str) -> Notification:
    """The notice a signed acknowledgement link points to; ValidationError when forged or too old."""
    try:
        pk = signing.loads(token, salt=ACK_SALT, max_age=ACK_MAX_AGE)
    except signing.BadSignature:
        raise ValidationError(_("Ce lien n'est pas valide ou a expiré.")) from None
    notification = (
        Notification.objects.select_related("etablissement", "guardian").filter(pk=pk, ack_required=True).first()
    )
    if notification is None:
        raise ValidationError(_("Ce lien n'est pas valide ou a expiré."))
    return notification


@transaction.atomic
def notification_acknowledge(*, token: str) -> tuple[Notification, bool]:
    """Record "J'ai pris connaissance" from a signed link, once; returns (notice, newly acknowledged)."""
    notification = notification_from_token(token)
    now = timezone.now()
    # Acknowledged is read too: the portal must not show as unread what the CPE sees acknowledged.
    done = Notification.objects.filter(pk=notification.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, read_at=Coalesce("read_at", Value(now))
    )
    if done:
        notification.acknowledged_at = now
        notification.read_at = notification.read_at or now
    return notification, bool(done)


@transaction.atomic
def notification_settings_update(
    *, etablissement, quiet_start: dt.time, quiet_end: dt.time, digest_time: dt.time
) -> NotificationSettings:
    """Change the school's quiet hours window and digest time (an empty window: no quiet hours)."""
    if digest_time is None or quiet_start is None or quiet_end is None:
        raise ValidationError(_("Les trois heures sont obligatoires."))
    school_settings, _created = NotificationSettings.objects.get_or_create(etablissement=etablissement)
    school_settings.quiet_start = quiet_start
    school_settings.quiet_end = quiet_end
    school_settings.digest_time = digest_time
    school_settings.save(update_fields=["quiet_start", "quiet_end", "digest_time"])
    return school_settings


@transaction.atomic
def notification_preference_set(*, user, daily_digest: bool) -> NotificationPreference:
    """Choose one mail a day instead of one per event (CPE and direction only)."""
    from continuite.accounts.roles import Role

    if daily_digest and not user.has_role(Role.CPE, Role.DIRECTION):
        raise ValidationError(_("Seuls les CPE et la direction peuvent recevoir un récapitulatif quotidien."))
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"daily_digest": daily_digest}
    )
    return preference
