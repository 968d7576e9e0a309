"""Equipment: needs (who lacks what), the direction's decision, the inventory and the loans.

A need concerns one student or one member of staff. The direction answers it (a loan, access in
the school, paper copies, or a refusal); a loan lends one device of the inventory, and a device is
never lent twice at once (``loan_one_active_per_device``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from continuite import french

from .queries import DeviceQuerySet, LoanQuerySet, NeedQuerySet

DEFAULT_AGREEMENT_TEXT = _(
    "Convention de prêt de matériel informatique\n\n"
    "L'établissement prête à l'élève le matériel décrit ci-dessus pour lui permettre de suivre "
    "l'enseignement à distance. Le matériel reste la propriété du prêteur.\n\n"
    "Le responsable légal s'engage à :\n"
    "- faire un usage pédagogique et soigneux du matériel et de ses accessoires ;\n"
    "- ne pas le prêter ni le céder à un tiers ;\n"
    "- signaler sans délai toute panne, perte ou vol à l'établissement ;\n"
    "- restituer le matériel complet à la date de retour prévue, ou sur simple demande de "
    "l'établissement, ou en cas de départ de l'élève.\n\n"
    "En cas de perte ou de dégradation volontaire, l'établissement pourra demander une "
    "participation aux frais de réparation ou de remplacement."
)


class MissingKind(models.TextChoices):
    COMPUTER = "ordinateur", _("Ordinateur")
    TABLET = "tablette", _("Tablette")
    CONNECTION = "connexion", _("Connexion internet / clé 4G")
    WEBCAM = "webcam", _("Webcam, micro ou casque")


class NeedContext(models.TextChoices):
    SHARED_DEVICE = "partage", _("Appareil partagé avec la famille")
    NO_CONNECTION = "sans_connexion", _("Pas de connexion à la maison")
    BROKEN = "panne", _("Appareil en panne ou trop ancien")
    NO_DEVICE = "aucun", _("Aucun appareil")
    OTHER = "autre", _("Autre")


class NeedStatus(models.TextChoices):
    WAITING = "attente", _("En attente de décision")
    DECIDED = "decide", _("Décidé")
    REFUSED = "refuse", _("Refusé")
    CLOSED = "clos", _("Clos")


class Decision(models.TextChoices):
    SCHOOL_LOAN = "pret_etablissement", _("Prêt par l'établissement")
    REGION_LOAN = "pret_region", _("Prêt par la Région ou l'académie")
    SCHOOL_ACCESS = "acces", _("Accès dans l'établissement (CDI, salle informatique)")
    PAPER = "papier", _("Copies papier")
    REFUSED = "refus", _("Refus")


class Need(models.Model):
    etablissement = models.ForeignKey(
        "ecole.Etablissement", on_delete=models.CASCADE, related_name="equipment_needs", verbose_name=_("établissement")
    )
    student = models.ForeignKey(
        "ecole.Student",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="equipment_needs",
        verbose_name=_("élève"),
    )
    staff = models.ForeignKey(
        "ecole.Staff",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="equipment_needs",
        verbose_name=_("personnel"),
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="declared_equipment_needs",
        verbose_name=_("signalé par"),
    )
    declared_at = models.DateTimeField(_("signalé le"))
    lacks_computer = models.BooleanField(_("manque un ordinateur"), default=False)
    lacks_tablet = models.BooleanField(_("manque une tablette"), default=False)
    lacks_connection = models.BooleanField(_("manque une connexion internet"), default=False)
    lacks_webcam = models.BooleanField(_("manque webcam, micro ou casque"), default=False)
    context = models.CharField(_("contexte"), max_length=20, choices=NeedContext.choices)
    details = models.TextField(_("précisions"), blank=True)
    since = models.DateField(_("depuis le"), null=True, blank=True)

    status = models.CharField(_("état"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.WAITING)
    decision = models.CharField(_("décision"), max_length=20, choices=Decision.choices, blank=True)
    decision_reference = models.CharField(_("référence du prêt Région / académie"), max_length=100, blank=True)
    access_slot = models.CharField(_("créneau d'accès dans l'établissement"), max_length=200, blank=True)
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_equipment_needs",
        verbose_name=_("décidé par"),
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("besoin d'équipement")
        verbose_name_plural = _("besoins d'équipement")
        ordering = ["-declared_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(student__isnull=False) & Q(staff__isnull=True))
                | (Q(student__isnull=True) & Q(staff__isnull=False)),
                name="need_student_xor_staff",
            ),
            models.CheckConstraint(
                condition=Q(lacks_computer=True)
                | Q(lacks_tablet=True)
                | Q(lacks_connection=True)
                | Q(lacks_webcam=True),
                name="need_lacks_something",
            ),
        ]
        indexes = [models.Index(fields=["etablissement", "status"], name="need_etab_status")]

    def __str__(self) -> str:
        return f"{self.person} — {self.missing_label}"

    def get_absolute_url(self) -> str:
        return reverse("equipement:need_detail", kwargs={"pk": self.pk})

    @property
    def person(self):
        return self.student if self.student_id else self.staff

    @property
    def missing(self) -> list[str]:
        flags = [
            (self.lacks_computer, MissingKind.COMPUTER),
            (self.lacks_tablet, MissingKind.TABLET),
            (self.lacks_connection, MissingKind.CONNECTION),
            (self.lacks_webcam, MissingKind.WEBCAM),
        ]
        return [kind.value for held, kind in flags if held]

    @property
    def missing_label(self) -> str:
        return ", ".join(str(MissingKind(kind).label) for kind in self.missing)


class DigitalReadiness(models.Model):
    """A student's readiness for distance teaching: his ENT codes, the tools he knows, the training he
    needs. One record per student, kept by the form tutor of his class or the référent numérique
    (a guardian's answers when declaring an equipment need land here too). ``None`` means nobody
    has checked yet: the lists say "non renseigné", never "non"."""

    etablissement = models.ForeignKey(
        "ecole.Etablissement", on_delete=models.CASCADE, related_name="+", verbose_name=_("établissement")
    )
    student = models.OneToOneField(
        "ecole.Student", on_delete=models.CASCADE, related_name="digital_readiness", verbose_name=_("élève")
    )
    ent_codes_given = models.BooleanField(_("codes ENT remis et fonctionnels"), null=True, blank=True)
    knows_tools = models.BooleanField(_("connaît les outils des enseignants"), null=True, blank=True)
    needs_training = models.BooleanField(_("a besoin d'une formation au numérique"), null=True, blank=True)
    notes = models.TextField(_("remarques"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mis à jour par"),
    )
    updated_at = models.DateTimeField(_("mis à jour le"))

    class Meta:
        verbose_name = _("préparation numérique")
        verbose_name_plural = _("préparations numériques")

    def __str__(self) -> str:
        return str(_("Préparation numérique %(of_student)s") % {"of_student": french.de(self.student)})

    @property
    def missing(self) -> list[str]:
        """What the student still lacks to work at a distance, in the words of the list."""
        found = []
        if self.ent_codes_given is False:
            found.append(str(_("codes ENT")))
        if self.knows_tools is False:
            found.append(str(_("maîtrise des outils")))
        if self.needs_training:
            found.append(str(_("formation")))
        return found


class DeviceKind(models.TextChoices):
    LAPTOP = "portable", _("Ordinateur portable")
    TABLET = "tablette", _("Tablette")
    KEY_4G = "cle_4g", _("Clé 4G / routeur")
    WEBCAM = "webcam", _("Webcam, micro ou casque")


class DeviceState(models.TextChoices):
    GOOD = "bon", _("Bon état")
    WORN = "use", _("Usé")
    BROKEN = "panne", _("En panne")
    LOST = "perdu", _("Perdu")
    RETIRED = "reforme", _("Réformé")


class DeviceOwner(models.TextChoices):
    SCHOOL = "etablissement", _("Établissement")
    REGION = "region", _("Région")
    ACADEMIE = "academie", _("Académie")


# States in which a device may be lent.
LENDABLE_STATES = (DeviceState.GOOD, DeviceState.WORN)


class Device(models.Model):
    etablissement = models.ForeignKey(
        "ecole.Etablissement", on_delete=models.CASCADE, related_name="devices", verbose_name=_("établissement")
    )
    kind = models.CharField(_("type"), max_length=10, choices=DeviceKind.choices)
    model = models.CharField(_("modèle"), max_length=120)
    asset_tag = models.CharField(_("numéro d'inventaire"), max_length=40)
    serial_number = models.CharField(_("numéro de série"), max_length=80, blank=True)
    owner = models.CharField(_("propriétaire"), max_length=15, choices=DeviceOwner.choices, default=DeviceOwner.SCHOOL)
    state = models.CharField(_("état"), max_length=10, choices=DeviceState.choices, default=DeviceState.GOOD)
    location = models.CharField(_("emplacement"), max_length=120, blank=True)
    kit = models.CharField(_("contenu du kit"), max_length=200, blank=True, help_text=_("ex. chargeur, housse, clé 4G"))
    notes = models.TextField(_("remarques"), blank=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("matériel")
        verbose_name_plural = _("matériels")
        ordering = ["kind", "asset_tag"]
        constraints = [
            models.UniqueConstraint(
                fields=["etablissement", "asset_tag"],
                name="device_unique_asset_tag",
                violation_error_message=_("Ce numéro d'inventaire existe déjà dans l'établissement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset_tag} — {self.model}"


class LoanStatus(models.TextChoices):
    APPROVED = "accorde", _("Accordé")
    PREPARED = "prepare", _("Préparé")
    HANDED_OVER = "remis", _("Remis")
    RETURNED = "rendu", _("Rendu")
    LOST = "perdu", _("Perdu")
    DAMAGED = "endommage", _("Rendu endommagé")


# A device is out (or promised) while its loan is in one of these states.
ACTIVE_LOAN_STATES = (LoanStatus.APPROVED, LoanStatus.PREPARED, LoanStatus.HANDED_OVER)


class AgreementChannel(models.TextChoices):
    ONLINE = "en_ligne", _("En ligne")
    HAND_OVER = "remise", _("Signée à la remise")


class Loan(models.Model):
    etablissement = models.ForeignKey(
        "ecole.Etablissement", on_delete=models.CASCADE, related_name="loans", verbose_name=_("établissement")
    )
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="loans", verbose_name=_("besoin"))
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="loans", verbose_name=_("matériel"))
    status = models.CharField(_("état"), max_length=10, choices=LoanStatus.choices, default=LoanStatus.APPROVED)
    expected_return = models.DateField(_("retour prévu le"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accordé par"),
    )
    approved_at = models.DateTimeField(_("accordé le"))
    prepared_at = models.DateTimeField(_("préparé le"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("remis le"), null=True, blank=True)
    returned_at = models.DateTimeField(_("rendu le"), null=True, blank=True)
    return_condition = models.CharField(_("état au retour"), max_length=10, choices=DeviceState.choices, blank=True)
    return_notes = models.TextField(_("remarques au retour"), blank=True)
    # The agreement exactly as the guardian accepted it: later edits of the school's text never touch it.
    agreement_required = models.BooleanField(_("convention à faire accepter"), default=True)
    agreement_text = models.TextField(_("texte de la convention acceptée"), blank=True)
    agreement_accepted_at = models.DateTimeField(_("convention acceptée le"), null=True, blank=True)
    agreement_accepted_by = models.ForeignKey(
        "ecole.Guardian",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("convention acceptée par"),
    )
    agreement_channel = models.CharField(
        _("mode d'acceptation"), max_length=10, choices=AgreementChannel.choices, blank=True
    )

    objects = LoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("prêt")
        verbose_name_plural = _("prêts")
        ordering = ["expected_return", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(status__in=["accorde", "prepare", "remis"]),
                name="loan_one_active_per_device",
                violation_error_message=_("Ce matériel est déjà prêté."),
            ),
        ]
        indexes = [models.Index(fields=["etablissement", "status", "expected_return"], name="loan_etab_status")]

    def __str__(self) -> str:
        return f"{self.device} → {self.need.person}"

    def get_absolute_url(self) -> str:
        return reverse("equipement:loan_detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_LOAN_STATES

    @property
    def agreement_ok(self) -> bool:
        return not self.agreement_required or self.agreement_accepted_at is not None


class EquipmentSettings(models.Model):
    """Per-school settings: the loan agreement's text and the reminders' timing."""

    etablissement = models.OneToOneField(
        "ecole.Etablissement",
        on_delete=models.CASCADE,
        related_name="equipment_settings",
        verbose_name=_("établissement"),
    )
    agreement_text = models.TextField(_("texte de la convention de prêt"))
    default_loan_days = models.PositiveSmallIntegerField(_("durée de prêt par défaut (jours)"), default=90)
    reminder_days_before = models.PositiveSmallIntegerField(_("rappel avant le retour (jours)"), default=3)

    class Meta:
        verbose_name = _("réglages de l'équipement")
        verbose_name_plural = _("réglages de l'équipement")

    def __str__(self) -> str:
        return str(self.etablissement)
