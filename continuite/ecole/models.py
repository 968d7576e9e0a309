"""The school directory: établissements, years, divisions, groups, people and their links.

Every record belongs to an établissement; querysets expose ``visible_to(user)`` so that views
never see another school's rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .queries import (
    DivisionQuerySet,
    GroupQuerySet,
    GuardianQuerySet,
    StaffQuerySet,
    StudentQuerySet,
)

uai_validator = RegexValidator(
    r"^\d{7}[A-Z]$",
    _("Le code UAI comporte 7 chiffres suivis d'une lettre majuscule (ex. 0450000A)."),
)
ine_validator = RegexValidator(
    r"^[0-9A-Z]{10}[A-Z]$|^\d{9}[A-Z]{2}$",
    _("L'INE comporte 11 caractères (chiffres et lettres majuscules)."),
)


class HolidayZone(models.TextChoices):
    A = "A", _("Zone A")
    B = "B", _("Zone B")
    C = "C", _("Zone C")


class Etablissement(models.Model):
    uai = models.CharField(_("UAI"), max_length=8, unique=True, validators=[uai_validator])
    name = models.CharField(_("nom"), max_length=200)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    academie = models.CharField(_("académie"), max_length=120, default="Orléans-Tours")
    holiday_zone = models.CharField(
        _("zone de vacances"), max_length=1, choices=HolidayZone.choices, default=HolidayZone.B
    )
    contact_email = models.EmailField(_("adresse de contact"), blank=True)
    dpo_email = models.EmailField(_("contact données personnelles (DPD)"), blank=True)

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.uai})"


class SchoolYear(models.Model):
    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.CASCADE, related_name="school_years", verbose_name=_("établissement")
    )
    label = models.CharField(_("année scolaire"), max_length=9, help_text=_("ex. 2026-2027"))
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    is_current = models.BooleanField(_("année en cours"), default=False)

    class Meta:
        verbose_name = _("année scolaire")
        verbose_name_plural = _("années scolaires")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "label"], name="schoolyear_unique_label"),
            models.UniqueConstraint(
                fields=["etablissement"], condition=Q(is_current=True), name="schoolyear_one_current"
            ),
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="schoolyear_start_before_end"),
        ]

    def __str__(self) -> str:
        return self.label


class Subject(models.Model):
    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="subjects")
    code = models.CharField(_("code"), max_length=20)
    short_label = models.CharField(_("libellé court"), max_length=40)
    label = models.CharField(_("libellé"), max_length=120)

    class Meta:
        verbose_name = _("matière")
        verbose_name_plural = _("matières")
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["etablissement", "code"], name="subject_unique_code")]

    def __str__(self) -> str:
        return self.label


class Level(models.TextChoices):
    SECONDE = "2nde", _("Seconde")
    PREMIERE = "1ere", _("Première")
    TERMINALE = "Tle", _("Terminale")


class Staff(models.Model):
    """A member of staff; his roles are flags so that a page knows them without a query."""

    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="staff")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff"
    )
    sts_id = models.CharField(_("identifiant STS"), max_length=20, blank=True)
    civility = models.CharField(_("civilité"), max_length=10, blank=True)
    last_name = models.CharField(_("nom"), max_length=100)
    first_name = models.CharField(_("prénom"), max_length=100)
    email = models.EmailField(_("courriel"), blank=True)
    is_teacher = models.BooleanField(_("enseignant"), default=False)
    is_cpe = models.BooleanField(_("CPE"), default=False)
    is_direction = models.BooleanField(_("direction"), default=False)
    is_gestionnaire = models.BooleanField(_("gestionnaire"), default=False)
    is_referent_numerique = models.BooleanField(_("référent numérique"), default=False)
    left_on = models.DateField(_("parti le"), null=True, blank=True)

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("personnel")
        verbose_name_plural = _("personnels")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["etablissement", "sts_id"], condition=~Q(sts_id=""), name="staff_unique_sts_id"
            )
        ]
        indexes = [models.Index(fields=["etablissement", "last_name"], name="staff_etab_name")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Division(models.Model):
    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="divisions")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="divisions")
    code = models.CharField(_("code"), max_length=20)
    level = models.CharField(_("niveau"), max_length=4, choices=Level.choices)
    label = models.CharField(_("libellé"), max_length=100, blank=True)
    form_tutors = models.ManyToManyField(
        Staff, blank=True, related_name="tutored_divisions", verbose_name=_("professeurs principaux")
    )

    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "code"], name="division_unique_code"),
        ]

    def __str__(self) -> str:
        return self.code


class GroupKind(models.TextChoices):
    SPECIALITE = "specialite", _("Spécialité")
    OPTION = "option", _("Option")
    HALF = "demi", _("Demi-groupe")


class Half(models.TextChoices):
    A = "A", _("Groupe A")
    B = "B", _("Groupe B")


class Group(models.Model):
    """A group of students: a spécialité or option drawn from several divisions, or a half-group.

    A half-group belongs to one division (``division``) and is its half ``A`` or ``B``: hybrid
    teaching puts one half in the room and the other at a distance.
    """

    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="groups")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("libellé"), max_length=120, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=GroupKind.choices, default=GroupKind.SPECIALITE)
    divisions = models.ManyToManyField(
        Division, blank=True, related_name="groups", verbose_name=_("divisions d'appartenance")
    )
    division = models.ForeignKey(
        Division,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="half_groups",
        verbose_name=_("division du demi-groupe"),
    )
    half = models.CharField(_("moitié"), max_length=1, choices=Half.choices, blank=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("groupe")
        verbose_name_plural = _("groupes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "code"], name="group_unique_code"),
            models.CheckConstraint(
                condition=(Q(kind="demi") & Q(division__isnull=False) & ~Q(half=""))
                | (~Q(kind="demi") & Q(division__isnull=True) & Q(half="")),
                name="group_half_has_division",
            ),
        ]

    def __str__(self) -> str:
        return self.label or self.code


class TeachingAssignment(models.Model):
    """Who teaches what to which division or group (an STS-web "service")."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="assignments")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="assignments")
    division = models.ForeignKey(Division, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments")

    class Meta:
        verbose_name = _("service d'enseignement")
        verbose_name_plural = _("services d'enseignement")
        constraints = [
            models.CheckConstraint(
                condition=(Q(division__isnull=False) & Q(group__isnull=True))
                | (Q(division__isnull=True) & Q(group__isnull=False)),
                name="assignment_division_xor_group",
            ),
            models.UniqueConstraint(
                fields=["staff", "subject", "division"],
                condition=Q(division__isnull=False),
                name="assignment_unique_division",
            ),
            models.UniqueConstraint(
                fields=["staff", "subject", "group"], condition=Q(group__isnull=False), name="assignment_unique_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} — {self.subject} — {self.division or self.group}"


class Student(models.Model):
    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="students")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="student"
    )
    ine = models.CharField(_("INE"), max_length=11, validators=[ine_validator])
    # SIECLE's ELEVE_ID, refreshed at each import: the key guardians' files use to name students,
    # and the way to recognise a student whose provisional INE was replaced.
    siecle_id = models.CharField(_("identifiant SIECLE (ELEVE_ID)"), max_length=20, blank=True)
    last_name = models.CharField(_("nom"), max_length=100)
    first_name = models.CharField(_("prénom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    division = models.ForeignKey(Division, on_delete=models.SET_NULL, null=True, blank=True, related_name="students")
    groups = models.ManyToManyField(Group, blank=True, related_name="students", verbose_name=_("groupes"))
    entry_date = models.DateField(_("date d'entrée"), null=True, blank=True)
    exit_date = models.DateField(_("date de sortie"), null=True, blank=True)
    # A DATE_SORTIE still to come: the student stays in current lists until that day, when a
    # nightly task moves it to ``exit_date``.
    planned_exit_date = models.DateField(_("sortie prévue le"), null=True, blank=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("élève")
        verbose_name_plural = _("élèves")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["etablissement", "ine"], name="student_unique_ine")]
        indexes = [
            models.Index(fields=["division", "last_name"], name="student_division_name"),
            models.Index(fields=["etablissement", "siecle_id"], name="student_etab_siecle_id"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Guardian(models.Model):
    """A legal guardian or a contact of one or more students (SIECLE "responsable")."""

    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="guardians")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="guardian"
    )
    civility = models.CharField(_("civilité"), max_length=10, blank=True)
    last_name = models.CharField(_("nom"), max_length=100)
    first_name = models.CharField(_("prénom"), max_length=100)
    email = models.EmailField(_("courriel"), blank=True)
    mobile = models.CharField(_("téléphone portable"), max_length=20, blank=True)
    accepts_sms = models.BooleanField(_("accepte les SMS"), default=False)
    # SIECLE's PERSONNE_ID: re-imports match on it, never on the name (two guardians of one
    # student may share a name).
    siecle_id = models.CharField(_("identifiant SIECLE (PERSONNE_ID)"), max_length=20, blank=True)
    students = models.ManyToManyField(Student, through="GuardianLink", related_name="guardians")

    objects = GuardianQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsable")
        verbose_name_plural = _("responsables")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["etablissement", "siecle_id"], condition=~Q(siecle_id=""), name="guardian_unique_siecle_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.civility} {self.first_name} {self.last_name}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class LinkKind(models.TextChoices):
    LEGAL_1 = "legal1", _("Responsable légal 1")
    LEGAL_2 = "legal2", _("Responsable légal 2")
    CONTACT = "contact", _("Contact")


class GuardianLink(models.Model):
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="links")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardian_links")
    kind = models.CharField(_("lien"), max_length=8, choices=LinkKind.choices)
    relationship = models.CharField(_("parenté"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("lien responsable-élève")
        verbose_name_plural = _("liens responsable-élève")
        constraints = [
            models.UniqueConstraint(fields=["guardian", "student"], name="guardianlink_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.student} ({self.get_kind_display()})"

    @property
    def is_legal(self) -> bool:
        return self.kind in (LinkKind.LEGAL_1, LinkKind.LEGAL_2)


class DataVersion(models.Model):
    """The version of one school's data of one app (a random token), changed by the database itself.

    Triggers installed after every ``migrate`` (see ``continuite.ecole.dataversions``) give the row
    (établissement, app) a new random value in the same transaction as any write to the app's tables
    (a row saved, a queryset updated or deleted, a bulk insert, an import, a COPY). A page caches what
    it renders under the versions it read before its data, so a cached fragment is never stale: the
    write that changes it changes its key. ``etablissement_id`` 0 stands for rows of no school (the
    tools' shared catalogue). Random rather than counted, so that a restored backup never meets
    fragments cached under the numbers it had before.
    """

    etablissement_id = models.BigIntegerField(_("établissement (0 : toute la région)"))
    domain = models.CharField(_("application"), max_length=40)
    value = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("version des données")
        verbose_name_plural = _("versions des données")
        constraints = [models.UniqueConstraint(fields=["etablissement_id", "domain"], name="dataversion_unique_domain")]

    def __str__(self) -> str:
        return f"{self.domain} @ {self.etablissement_id} = {self.value}"
