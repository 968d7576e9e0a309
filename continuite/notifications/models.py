"""Notifications: an outbox of notices, each written in the transaction of the event that causes it.

A row is one notice to one recipient (an account, or a guardian who may have none). The French
subject and bodies are rendered when the event happens and stored, so that what was sent is what
the row says. Delivery by email is done by Celery (see ``services.notification_deliver``); the
portal channel is the notification centre.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

DEFAULT_QUIET_START = dt.time(20, 0)
DEFAULT_QUIET_END = dt.time(7, 0)
DEFAULT_DIGEST_TIME = dt.time(7, 30)


class Status(models.TextChoices):
    PENDING = "pending", _("En attente")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")
    DIGEST = "digest", _("Réservé au récapitulatif du jour")
    DIGESTED = "digested", _("Envoyé dans un récapitulatif")
    PORTAL_ONLY = "portal", _("Portail seulement")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """The notices shown in the user's notification centre: his own, on the portal channel."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user, channel_portal=True)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def due(self, now: dt.datetime) -> NotificationQuerySet:
        return self.filter(status=Status.PENDING, next_attempt_at__lte=now)

    def failed_for(self, etablissement_id: int) -> NotificationQuerySet:
        return self.filter(etablissement_id=etablissement_id, status=Status.FAILED)


class Notification(models.Model):
    etablissement = models.ForeignKey(
        "ecole.Etablissement", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("établissement")
    )
    kind = models.CharField(_("type"), max_length=80)
    # The account that sees the notice in the portal (a guardian's account, if he has one).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("compte destinataire"),
    )
    guardian = models.ForeignKey(
        "ecole.Guardian",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("responsable destinataire"),
    )
    recipient_name = models.CharField(_("nom du destinataire"), max_length=200, blank=True)
    email = models.EmailField(_("adresse d'envoi"), blank=True)
    # Where an answer goes (the CPE, the vie scolaire); the sender itself is a no-reply address.
    reply_to = models.EmailField(_("adresse de réponse"), blank=True)
    channel_email = models.BooleanField(_("par courriel"), default=True)
    channel_portal = models.BooleanField(_("dans le portail"), default=True)
    subject = models.CharField(_("objet"), max_length=255)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    idempotency_key = models.CharField(_("clé d'unicité"), max_length=200, unique=True)
    status = models.CharField(_("état de l'envoi"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"))
    claimed_until = models.DateTimeField(_("réservé jusqu'à"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("mis en file le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"))
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)
    ack_required = models.BooleanField(_("accusé de lecture demandé"), default=False)
    acknowledged_at = models.DateTimeField(_("pris connaissance le"), null=True, blank=True)
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digested",
        verbose_name=_("récapitulatif"),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    related = GenericForeignKey("content_type", "object_id")

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(guardian__isnull=False), name="notification_has_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["user", "channel_portal", "read_at"], name="notification_centre"),
            models.Index(fields=["content_type", "object_id"], name="notification_related"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_name or self.email}"

    @property
    def recipient(self):
        return self.guardian if self.guardian_id else self.user

    @property
    def message_id(self) -> str:
        """The Message-ID of the mail: the same for every attempt, so a duplicate is recognisable.

        On the site's own domain; unique across databases (each school's database numbers its rows
        from 1): the row's creation instant and the database's name are hashed in with its number.
        """
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        created = self.created_at.isoformat() if self.created_at else ""
        digest = hashlib.sha256(f"{database_name()}|{self.pk}|{created}".encode()).hexdigest()[:16]
        return f"<notification-{self.pk}.{digest}@{host}>"


def database_name() -> str:
    """The name of the database the rows are numbered in (one per school in some deployments)."""
    return str(settings.DATABASES["default"].get("NAME", ""))


class NotificationSettings(models.Model):
    """Per-school settings: the quiet hours window and the time of the daily digest."""

    etablissement = models.OneToOneField(
        "ecole.Etablissement",
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("établissement"),
    )
    quiet_start = models.TimeField(_("début des heures calmes"), default=DEFAULT_QUIET_START)
    quiet_end = models.TimeField(_("fin des heures calmes"), default=DEFAULT_QUIET_END)
    digest_time = models.TimeField(_("heure du récapitulatif quotidien"), default=DEFAULT_DIGEST_TIME)

    class Meta:
        verbose_name = _("réglages des notifications")
        verbose_name_plural = _("réglages des notifications")

    def __str__(self) -> str:
        return f"{self.etablissement} : {self.quiet_start:%H:%M}–{self.quiet_end:%H:%M}"


class NotificationPreference(models.Model):
    """A user's choice (CPE, direction): one mail a day instead of one per event."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("compte"),
    )
    daily_digest = models.BooleanField(_("un courriel par jour"), default=False)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self) -> str:
        return f"{self.user} : {'récapitulatif' if self.daily_digest else 'immédiat'}"
