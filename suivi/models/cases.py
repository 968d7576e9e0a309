"""Flags ("fiches de repérage"), cases run by the CPE, and everything on a case's timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..queries import CaseQuerySet, FlagQuerySet


class Level(models.TextChoices):
    VIGILANCE = "vigilance", _("Vigilance")
    RISQUE = "risque", _("Risque")

    @classmethod
    def rank(cls, value: str) -> int:
        return {"": 0, cls.VIGILANCE: 1, cls.RISQUE: 2}.get(value, 0)


class FlagKind(models.TextChoices):
    DROPOUT = "decrochage", _("Signes de décrochage")
    EQUIPMENT = "equipement", _("Manque d'équipement")
    TECHNICAL = "technique", _("Difficultés techniques")
    UNREACHABLE = "injoignable", _("Famille injoignable")
    OTHER = "autre", _("Autre inquiétude")


class Flag(models.Model):
    """A staff member's "fiche de repérage": what was seen, since when (no health or family details)."""

    etablissement = models.ForeignKey("ecole.Etablissement", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey("ecole.Student", on_delete=models.CASCADE, related_name="suivi_flags")
    raised_by = models.ForeignKey(
        "ecole.Staff", on_delete=models.SET_NULL, null=True, related_name="suivi_flags", verbose_name=_("signalé par")
    )
    kind = models.CharField(_("motif"), max_length=12, choices=FlagKind.choices, default=FlagKind.DROPOUT)
    observed = models.TextField(
        _("ce qui a été observé"),
        max_length=1000,
        help_text=_("Des faits scolaires (présence, travail, attitude en classe) ; aucune information de santé."),
    )
    since = models.DateField(_("depuis le"))
    raised_at = models.DateTimeField(_("signalé le"))
    case = models.ForeignKey("Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="flags")

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche de repérage")
        verbose_name_plural = _("fiches de repérage")
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["etablissement", "raised_at"], name="flag_etab_raised")]

    def __str__(self) -> str:
        return f"{self.student} — {self.get_kind_display()}"


class CaseStatus(models.TextChoices):
    OPEN = "ouvert", _("Ouvert")
    CLOSED = "clos", _("Clos")


class CaseOutcome(models.TextChoices):
    RESOLVED = "resolu", _("Situation rétablie")
    MLDS = "mlds", _("Passage de relais à la MLDS")
    CIO = "cio", _("Passage de relais au CIO")
    PSAD = "psad", _("Passage de relais à la PSAD")
    LEFT = "depart", _("Départ de l'établissement")
    OTHER = "autre", _("Autre issue")


HANDOVER_OUTCOMES = (CaseOutcome.MLDS, CaseOutcome.CIO, CaseOutcome.PSAD)


class Case(models.Model):
    """A student followed by the CPE: at most one open case per student (constraint and service)."""

    etablissement = models.ForeignKey("ecole.Etablissement", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey("ecole.Student", on_delete=models.CASCADE, related_name="suivi_cases")
    status = models.CharField(_("état"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    level = models.CharField(_("niveau"), max_length=10, choices=Level.choices)
    rule = models.CharField(_("règle déclenchée"), max_length=300)
    evidence = models.JSONField(_("éléments relevés"), default=dict)
    # A number that grows when the situation gets worse (unexcused absences + missing work + flags):
    # a new notice is sent only when it is higher than at the last notice.
    severity = models.PositiveIntegerField(_("gravité"), default=0)
    opened_at = models.DateTimeField(_("ouvert le"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    review_on = models.DateField(_("prochain point"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("transmis à la direction le"), null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notice_level = models.PositiveSmallIntegerField(_("dernier avis envoyé"), default=0)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    outcome = models.CharField(_("issue"), max_length=8, choices=CaseOutcome.choices, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier de suivi")
        verbose_name_plural = _("dossiers de suivi")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["student"], condition=Q(status="ouvert"), name="case_one_open_per_student"),
            models.CheckConstraint(
                condition=Q(status="ouvert", closed_at__isnull=True) | Q(status="clos", closed_at__isnull=False),
                name="case_closed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["etablissement", "status", "level"], name="case_etab_status"),
            models.Index(fields=["status", "closed_at"], name="case_status_closed"),
        ]

    def __str__(self) -> str:
        return f"{_('Suivi de')} {self.student}"

    def get_absolute_url(self) -> str:
        return reverse("suivi:case_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class EventKind(models.TextChoices):
    SIGNAL = "signal", _("Signal")
    LEVEL_UP = "aggravation", _("Aggravation")
    LEVEL_DOWN = "amelioration", _("Amélioration")
    REOPENED = "reouverture", _("Réouverture")
    JUSTIFICATION = "justification", _("Justification d'absence")
    FLAG = "fiche", _("Fiche de repérage")
    INTERVIEW = "entretien", _("Entretien")
    ESCALATION = "direction", _("Transmission à la direction")
    CLOSURE = "cloture", _("Clôture")


class CaseEvent(models.Model):
    """One step of the timeline that has no table of its own (signals, interview, escalation, closure)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("type"), max_length=14, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("date"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("compte rendu"), max_length=2000, blank=True)
    evidence = models.JSONField(_("éléments"), default=dict, blank=True)

    class Meta:
        verbose_name = _("étape du suivi")
        verbose_name_plural = _("étapes du suivi")
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class CaseAction(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "ecole.Staff", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("responsable")
    )
    review_on = models.DateField(_("date du point"))
    created_at = models.DateTimeField(_("décidée le"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["review_on", "pk"]

    def __str__(self) -> str:
        return self.what


class ContactChannel(models.TextChoices):
    CALL = "appel", _("Appel téléphonique")
    EMAIL = "courriel", _("Courriel")
    LETTER = "courrier", _("Courrier")
    MEETING = "rencontre", _("Rencontre")


class ContactOutcome(models.TextChoices):
    REACHED = "joint", _("Famille jointe")
    MESSAGE = "message", _("Message laissé")
    UNREACHABLE = "injoignable", _("Injoignable")
    MEETING_SET = "rdv", _("Rendez-vous fixé")


class FamilyContact(models.Model):
    """A contact with the family, logged with its outcome (an unanswered one feeds a signal)."""

    etablissement = models.ForeignKey("ecole.Etablissement", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey("ecole.Student", on_delete=models.CASCADE, related_name="suivi_contacts")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    guardian = models.ForeignKey(
        "ecole.Guardian", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("avec")
    )
    channel = models.CharField(_("moyen"), max_length=10, choices=ContactChannel.choices)
    outcome = models.CharField(_("résultat"), max_length=12, choices=ContactOutcome.choices)
    note = models.TextField(_("compte rendu"), max_length=1000, blank=True)
    occurred_at = models.DateTimeField(_("date"))
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("contact avec la famille")
        verbose_name_plural = _("contacts avec les familles")
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["etablissement", "outcome", "occurred_at"], name="contact_etab_outcome")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} — {self.get_outcome_display()}"


class NoticeStage(models.TextChoices):
    WARNING = "avertissement", _("Avertissement au professeur principal")
    NOTICE = "avis", _("Avis aux responsables légaux")


class Notice(models.Model):
    """A notice of a level: first the warning to the form tutor, then the notice to both legal guardians.

    The text is rendered when sent and kept here (and in each outbox row, one per guardian).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    stage = models.CharField(_("étape"), max_length=14, choices=NoticeStage.choices)
    level = models.PositiveSmallIntegerField(_("niveau"))
    severity = models.PositiveIntegerField(_("gravité au moment de l'envoi"))
    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(_("texte envoyé"))
    sent_at = models.DateTimeField(_("envoyé le"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The facts counted when the notice left (never those of the day the case was opened).
    figures = models.JSONField(_("chiffres au moment de l'envoi"), default=dict, blank=True)
    # Who was actually told (a warning names the tutor, or the CPE when the tutor has no account).
    told = models.CharField(_("prévenu"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("avis")
        verbose_name_plural = _("avis")
        ordering = ["sent_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "stage", "level"], name="notice_unique_stage_level")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.level}"
