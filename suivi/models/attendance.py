"""Registers of remote sessions, justifications of absences, and work handed in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..queries import AttendanceMarkQuerySet, AttendanceRegisterQuerySet, JustificationQuerySet


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Présent")
    REMOTE = "distance", _("Présent à distance")
    ABSENT = "absent", _("Absent")
    LATE = "retard", _("En retard")
    TECHNICAL = "technique", _("Problème technique")


class AbsenceStatus(models.TextChoices):
    """As in vie scolaire; only "à justifier" counts in the signals.

    "Justifiée": a receivable reason accepted by the vie scolaire. "Réglée": processed by the vie
    scolaire without a receivable reason (a mistaken register, a matter dealt with in person), with
    the reason written on the absence.
    """

    NONE = "", _("—")
    TO_JUSTIFY = "a_justifier", _("À justifier")
    JUSTIFIED = "justifiee", _("Justifiée")
    SETTLED = "reglee", _("Réglée")


class JustificationReason(models.TextChoices):
    # The categories the vie scolaire uses (illness and a medical appointment are the most frequent);
    # no diagnosis is asked: the family's own words go in Justification.explanation.
    ILLNESS = "maladie", _("Maladie")
    MEDICAL = "rdv_medical", _("Rendez-vous médical")
    FAMILY_NOTE = "mot_famille", _("Justificatif écrit des responsables")
    OFFICIAL = "convocation", _("Convocation officielle, examen")
    TRANSPORT = "transport", _("Problème de transport")
    EQUIPMENT = "materiel", _("Panne de matériel ou de connexion")
    OTHER = "autre", _("Autre motif recevable")


class HalfDay(models.TextChoices):
    """The unit the vie scolaire counts absences in (and the DASEN rule): a session starting before
    noon belongs to the morning."""

    MORNING = "matin", _("Matin")
    AFTERNOON = "apres_midi", _("Après-midi")

    @classmethod
    def of(cls, start) -> str:
        return cls.MORNING if start.hour < 12 else cls.AFTERNOON


class JustificationStatus(models.TextChoices):
    """A guardian's justification is a request the vie scolaire accepts or refuses; the vie
    scolaire's own is accepted when given."""

    PENDING = "en_attente", _("Demande en attente")
    ACCEPTED = "acceptee", _("Acceptée")
    REFUSED = "refusee", _("Refusée")


class AttendanceRegister(models.Model):
    """The register of one video or hybrid session: one per session, one POST for the whole list."""

    etablissement = models.ForeignKey("ecole.Etablissement", on_delete=models.CASCADE, related_name="+")
    session = models.OneToOneField(
        "planning.Session", on_delete=models.CASCADE, related_name="register", verbose_name=_("séance")
    )
    date = models.DateField(_("date"))  # the session's date, kept here for the signal aggregates
    # the session's half-day, kept here for the half-day counts (one aggregate, no join)
    half_day = models.CharField(_("demi-journée"), max_length=10, choices=HalfDay.choices, default=HalfDay.MORNING)
    taken_by = models.ForeignKey(
        "ecole.Staff", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("appel fait par")
    )
    taken_at = models.DateTimeField(_("appel fait le"))
    updated_at = models.DateTimeField(_("modifié le"))

    objects = AttendanceRegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel d'une séance à distance")
        verbose_name_plural = _("appels des séances à distance")
        ordering = ["-date"]
        indexes = [models.Index(fields=["etablissement", "date"], name="register_etab_date")]

    def __str__(self) -> str:
        return f"{_('Appel')} {self.session}"

    def get_absolute_url(self) -> str:
        return reverse("suivi:register_take", kwargs={"session_pk": self.session_id})


class Justification(models.Model):
    """A reason given for a student's absences over a period.

    Given by the vie scolaire, it is accepted at once; asked by a guardian, it is a request that
    the vie scolaire accepts or refuses with a reason. Only an accepted one justifies absences.
    """

    etablissement = models.ForeignKey("ecole.Etablissement", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        "ecole.Student", on_delete=models.CASCADE, related_name="suivi_justifications", verbose_name=_("élève")
    )
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))
    reason = models.CharField(_("motif"), max_length=12, choices=JustificationReason.choices)
    # What the family (or the vie scolaire) writes about the absence, read by the CPE who decides.
    explanation = models.CharField(_("explication"), max_length=500, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("saisi par")
    )
    given_at = models.DateTimeField(_("saisi le"))
    status = models.CharField(
        _("état"), max_length=10, choices=JustificationStatus.choices, default=JustificationStatus.ACCEPTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_note = models.CharField(_("motif de la décision"), max_length=300, blank=True)

    objects = JustificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("justification d'absence")
        verbose_name_plural = _("justifications d'absence")
        ordering = ["-start"]
        constraints = [models.CheckConstraint(condition=Q(start__lte=F("end")), name="justification_start_before_end")]
        indexes = [
            models.Index(fields=["student", "end"], name="justification_student_end"),
            models.Index(fields=["etablissement", "status"], name="justification_etab_status"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.start:%d/%m}–{self.end:%d/%m}"


class AttendanceMark(models.Model):
    register = models.ForeignKey(AttendanceRegister, on_delete=models.CASCADE, related_name="marks")
    student = models.ForeignKey(
        "ecole.Student", on_delete=models.CASCADE, related_name="attendance_marks", verbose_name=_("élève")
    )
    status = models.CharField(
        _("présence"), max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    absence_status = models.CharField(
        _("état de l'absence"), max_length=12, choices=AbsenceStatus.choices, blank=True, default=AbsenceStatus.NONE
    )
    justification = models.ForeignKey(
        Justification, on_delete=models.SET_NULL, null=True, blank=True, related_name="marks"
    )
    settled_reason = models.CharField(_("motif du règlement"), max_length=200, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    settled_at = models.DateTimeField(_("réglée le"), null=True, blank=True)

    objects = AttendanceMarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("présence d'un élève")
        verbose_name_plural = _("présences des élèves")
        constraints = [
            models.UniqueConstraint(fields=["register", "student"], name="mark_unique_student"),
            models.CheckConstraint(
                condition=(Q(status="absent") & ~Q(absence_status="")) | (~Q(status="absent") & Q(absence_status="")),
                name="mark_absence_status_only_for_absent",
            ),
        ]
        indexes = [models.Index(fields=["student", "status"], name="mark_student_status")]

    def __str__(self) -> str:
        return f"{self.student} — {self.get_status_display()}"


class HandInStatus(models.TextChoices):
    HANDED_IN = "rendu", _("Rendu")
    MISSING = "non_rendu", _("Non rendu")
    LATE = "retard", _("Rendu en retard")
    # For a student on paper copies or without a device: his work reached the teacher on paper.
    PAPER = "papier", _("Rendu sur papier")


class HandIn(models.Model):
    """Whether a student handed in a piece of work to do (planning.Homework with a hand-in)."""

    etablissement = models.ForeignKey("ecole.Etablissement", on_delete=models.CASCADE, related_name="+")
    homework = models.ForeignKey("planning.Homework", on_delete=models.CASCADE, related_name="hand_ins")
    student = models.ForeignKey("ecole.Student", on_delete=models.CASCADE, related_name="hand_ins")
    due_date = models.DateField(_("pour le"))  # the homework's, kept here for the signal aggregates
    status = models.CharField(_("rendu"), max_length=10, choices=HandInStatus.choices, default=HandInStatus.HANDED_IN)
    marked_by = models.ForeignKey("ecole.Staff", on_delete=models.SET_NULL, null=True, related_name="+")
    marked_at = models.DateTimeField(_("saisi le"))

    class Meta:
        verbose_name = _("travail rendu")
        verbose_name_plural = _("travaux rendus")
        constraints = [models.UniqueConstraint(fields=["homework", "student"], name="handin_unique_student")]
        indexes = [models.Index(fields=["etablissement", "due_date", "status"], name="handin_etab_due")]

    def __str__(self) -> str:
        return f"{self.student} — {self.get_status_display()}"
