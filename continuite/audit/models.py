"""The access log (append-only) and the anonymised counts left behind by the retention purge."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .queries import AuditEntryQuerySet


class AuditAction(models.TextChoices):
    VIEW = "view", _("Consultation")
    CHANGE = "change", _("Modification")
    CREATE = "create", _("Création")
    DELETE = "delete", _("Suppression")
    EXPORT = "export", _("Export")


class AuditEntry(models.Model):
    """One access to or change of a person's follow-up data: who, when, what, from which role.

    Rows are written by ``audit_record`` only and never changed afterwards; the retention purge
    removes them after 12 months in bulk (a queryset delete, not ``delete()``).
    """

    created_at = models.DateTimeField(_("date"), default=timezone.now)
    etablissement = models.ForeignKey(
        "ecole.Etablissement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("établissement"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utilisateur"),
    )
    # Kept as text: the account may be deleted or its roles change, the log must still say who.
    user_label = models.CharField(_("auteur"), max_length=254)
    roles = models.CharField(_("rôles au moment de l'accès"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("type")
    )
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    object_label = models.CharField(_("objet"), max_length=200, blank=True)
    student = models.ForeignKey(
        "ecole.Student",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("élève concerné"),
    )
    detail = models.CharField(_("détail"), max_length=500, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal des accès")
        verbose_name_plural = _("journal des accès")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["etablissement", "-created_at"], name="auditentry_etab_date"),
            models.Index(fields=["student", "-created_at"], name="auditentry_student_date"),
            models.Index(fields=["created_at"], name="auditentry_date"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.user_label} {self.get_action_display()} {self.object_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Une entrée du journal des accès ne peut pas être modifiée."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Une entrée du journal des accès ne peut pas être supprimée."))


class RetentionStat(models.Model):
    """What the retention purge removed, as counts only: the statistics survive the people."""

    etablissement = models.ForeignKey(
        "ecole.Etablissement", on_delete=models.CASCADE, related_name="+", verbose_name=_("établissement")
    )
    year = models.CharField(_("année scolaire"), max_length=9, help_text=_("ex. 2026-2027"))
    kind = models.CharField(_("nature"), max_length=60)
    count = models.PositiveIntegerField(_("nombre"), default=0)

    class Meta:
        verbose_name = _("statistique anonymisée")
        verbose_name_plural = _("statistiques anonymisées")
        ordering = ["etablissement", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "year", "kind"], name="retentionstat_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind}: {self.count}"
