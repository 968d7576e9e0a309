"""The school's own settings of the follow-up: window, thresholds and the texts of the notices."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

PERCENT = [MinValueValidator(1), MaxValueValidator(100)]


class SuiviSettings(models.Model):
    """Created lazily with these defaults (``suivi.services.settings_get``); edited by the direction or the CPE."""

    etablissement = models.OneToOneField(
        "ecole.Etablissement", on_delete=models.CASCADE, related_name="suivi_settings", verbose_name=_("établissement")
    )
    window_days = models.PositiveSmallIntegerField(
        _("fenêtre d'observation (jours de classe)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # Defaults that do not flood: a share of absences is read only over enough sessions, and a
    # single missed class never makes a level on its own.
    min_sessions = models.PositiveSmallIntegerField(
        _("nombre minimal de séances à distance dans la fenêtre pour calculer une part d'absences"),
        default=5,
        validators=[MinValueValidator(1)],
    )
    vigilance_min_absences = models.PositiveSmallIntegerField(
        _("vigilance : nombre minimal d'absences non justifiées"), default=2, validators=[MinValueValidator(1)]
    )
    risque_min_absences = models.PositiveSmallIntegerField(
        _("risque : nombre minimal d'absences non justifiées"), default=4, validators=[MinValueValidator(1)]
    )
    vigilance_absence_percent = models.PositiveSmallIntegerField(
        _("vigilance : part des séances à distance manquées sans justification (%)"), default=20, validators=PERCENT
    )
    risque_absence_percent = models.PositiveSmallIntegerField(
        _("risque : part des séances à distance manquées sans justification (%)"), default=40, validators=PERCENT
    )
    vigilance_missing_work = models.PositiveSmallIntegerField(_("vigilance : travaux non rendus"), default=2)
    risque_missing_work = models.PositiveSmallIntegerField(_("risque : travaux non rendus"), default=4)
    vigilance_technical = models.PositiveSmallIntegerField(_("vigilance : problèmes techniques"), default=3)
    risque_flags = models.PositiveSmallIntegerField(
        _("risque : fiches de repérage (une seule fiche met en vigilance)"), default=2
    )
    vigilance_unreachable = models.PositiveSmallIntegerField(
        _("vigilance : tentatives de contact sans réponse de la famille"), default=2
    )
    # The form tutor is warned first; the family notice waits this long, unless things get worse.
    warning_delay_days = models.PositiveSmallIntegerField(
        _("délai entre l'avertissement et l'avis à la famille (jours de classe)"),
        default=2,
        validators=[MaxValueValidator(15)],
        help_text=_("L'avis part plus tôt seulement si la situation s'aggrave entre-temps."),
    )
    vie_scolaire_phone = models.CharField(
        _("téléphone de la vie scolaire"),
        max_length=20,
        blank=True,
        help_text=_("Écrit sous la signature des avis aux familles."),
    )
    vie_scolaire_email = models.EmailField(
        _("courriel de la vie scolaire"),
        blank=True,
        help_text=_("Adresse de réponse des avis quand le CPE n'a pas de courriel."),
    )
    postal_address = models.TextField(
        _("adresse postale de l'établissement"),
        max_length=300,
        blank=True,
        help_text=_("En tête des courriers imprimés (une ligne par ligne d'adresse)."),
    )
    dasen_half_days = models.PositiveSmallIntegerField(
        _("règle DASEN : demi-journées d'absence non justifiées sur 30 jours (0 : règle désactivée)"),
        default=4,
        validators=[MaxValueValidator(20)],
        help_text=_("À partir de ce nombre, le dossier passe en risque : l'élève doit être signalé à la DASEN."),
    )
    justification_days_ahead = models.PositiveSmallIntegerField(
        _("une famille peut demander une justification jusqu'à (jours à l'avance)"),
        default=7,
        validators=[MaxValueValidator(31)],
    )

    class Meta:
        verbose_name = _("réglages du suivi")
        verbose_name_plural = _("réglages du suivi")
        constraints = [
            models.CheckConstraint(
                condition=Q(vigilance_absence_percent__lt=F("risque_absence_percent")),
                name="suivisettings_absence_levels_ordered",
            ),
            models.CheckConstraint(
                condition=Q(vigilance_missing_work__lt=F("risque_missing_work")),
                name="suivisettings_work_levels_ordered",
            ),
            models.CheckConstraint(
                condition=Q(vigilance_min_absences__lte=F("risque_min_absences")),
                name="suivisettings_min_absences_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Réglages du suivi"))


class NoticeTemplate(models.Model):
    """The text of the notice of one level, editable by the school; rendered and kept at send time.

    Placeholders: ``{eleve}``, ``{classe}``, ``{etablissement}``, ``{absences}``, ``{seances}``,
    ``{travaux}``, ``{date}``.
    """

    etablissement = models.ForeignKey(
        "ecole.Etablissement", on_delete=models.CASCADE, related_name="suivi_notice_templates"
    )
    level = models.PositiveSmallIntegerField(
        _("niveau de l'avis"), validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("texte"))
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("modèle d'avis aux familles")
        verbose_name_plural = _("modèles d'avis aux familles")
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "level"], name="noticetemplate_unique_level"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=3), name="noticetemplate_level_1_3"),
        ]

    def __str__(self) -> str:
        return f"{_('Avis de niveau')} {self.level}"
