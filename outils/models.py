"""The catalogue of ENT tools: what each tool is for, its GDPR status, rules, limits and tutorials.

How the académie's catalogue and each school's edits live together (copy on write):

* The académie ships its tools as rows with ``etablissement`` NULL and ``shipped`` True, keyed by a
  stable ``slug``. A data migration upserts them by slug (``outils.catalogue.load_catalogue``);
  nobody edits them in the portal, so an upgrade may overwrite them freely.
* When the référent numérique or the direction of school X edits a shipped tool, the portal
  writes school X's own copy (``etablissement`` = X, same ``slug``, ``based_on`` = the shipped
  row). School X then sees its copy in place of the académie's row; school Y still sees the
  académie's row. Upgrades never touch the copy, so a school's edit survives them.
* A school may also add its own tools (``etablissement`` = X, no ``based_on``).
* Marking a tool unavailable locally does not copy it: ``ToolLocalSetting(etablissement, slug)``
  holds the flag and a note, so the tool keeps following the académie's upgrades.
* Tutorials hang on the root tool (the shipped row, or the school's own tool); the académie's are
  shared (``etablissement`` NULL), a school's own are seen only by that school.
"""

from __future__ import annotations

from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .queries import ToolQuerySet, TutorialQuerySet


class Need(models.TextChoices):
    """What a teacher needs to do; each maps to a boolean field of ``Tool`` (see NEED_FIELDS)."""

    DOCUMENTS = "documents", _("Partager des documents")
    COMMUNICATION = "communication", _("Communiquer avec les élèves et les parents")
    COLLABORATIVE_WRITING = "collaborative_writing", _("Écrire à plusieurs")
    VIRTUAL_CLASS = "virtual_class", _("Animer une classe virtuelle")
    COURSES = "courses", _("Concevoir et partager des cours")
    MEDIA = "media", _("Diffuser des vidéos et du son")


NEED_FIELDS = {
    Need.DOCUMENTS: "serves_documents",
    Need.COMMUNICATION: "serves_communication",
    Need.COLLABORATIVE_WRITING: "serves_collaborative_writing",
    Need.VIRTUAL_CLASS: "serves_virtual_class",
    Need.COURSES: "serves_courses",
    Need.MEDIA: "serves_media",
}


class Audience(models.TextChoices):
    TEACHERS = "enseignants", _("Enseignants")
    STUDENTS = "eleves", _("Élèves")
    PARENTS = "parents", _("Parents")
    STAFF = "personnels", _("Personnels")


AUDIENCE_FIELDS = {
    Audience.TEACHERS: "for_teachers",
    Audience.STUDENTS: "for_students",
    Audience.PARENTS: "for_parents",
    Audience.STAFF: "for_staff",
}


class Hosting(models.TextChoices):
    ENT = "ent", _("ENT NetO'Centre")
    MINISTERE = "ministere", _("Ministère (apps.education)")
    CNED = "cned", _("CNED")
    OUTSIDE = "outside", _("Hors de l'Éducation nationale")


class AccessMode(models.TextChoices):
    ENT = "ent", _("Connexion par l'ENT (empêche les intrusions)")
    STUDENT_ACCOUNT = "student_account", _("Un compte à créer par chaque élève")
    LINK = "link", _("Un lien")
    PASSWORD = "password", _("Un mot de passe")


class GdprStatus(models.TextChoices):
    RECOMMENDED = "recommande", _("Recommandé")
    POSSIBLE = "possible", _("Possible")
    RULED_OUT = "a_proscrire", _("À proscrire")


# Order of the statuses in every list: recommended first, ruled out last.
GDPR_RANK = {GdprStatus.RECOMMENDED: 0, GdprStatus.POSSIBLE: 1, GdprStatus.RULED_OUT: 2}


class TutorialKind(models.TextChoices):
    VIDEO = "video", _("Vidéo")
    PDF = "pdf", _("PDF")
    PAGE = "page", _("Page web")


class Tool(models.Model):
    etablissement = models.ForeignKey(
        "ecole.Etablissement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tools",
        verbose_name=_("établissement"),
        help_text=_("Vide pour un outil du catalogue académique."),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="local_copies",
        verbose_name=_("fiche académique d'origine"),
    )
    slug = models.SlugField(_("identifiant"), max_length=80)
    shipped = models.BooleanField(_("livré par l'académie"), default=False)
    position = models.PositiveSmallIntegerField(_("ordre"), default=500)
    name = models.CharField(_("nom"), max_length=120)
    summary = models.CharField(_("description courte"), max_length=300)
    description = models.TextField(_("usage"), blank=True)
    serves_documents = models.BooleanField(Need.DOCUMENTS.label, default=False)
    serves_communication = models.BooleanField(Need.COMMUNICATION.label, default=False)
    serves_collaborative_writing = models.BooleanField(Need.COLLABORATIVE_WRITING.label, default=False)
    serves_virtual_class = models.BooleanField(Need.VIRTUAL_CLASS.label, default=False)
    serves_courses = models.BooleanField(Need.COURSES.label, default=False)
    serves_media = models.BooleanField(Need.MEDIA.label, default=False)
    hosting = models.CharField(_("hébergement"), max_length=20, choices=Hosting.choices)
    access_mode = models.CharField(_("accès"), max_length=20, choices=AccessMode.choices)
    gdpr_status = models.CharField(_("statut RGPD"), max_length=20, choices=GdprStatus.choices)
    gdpr_reasons = models.TextField(_("raisons du statut RGPD"), blank=True, help_text=_("Une raison par ligne."))
    for_teachers = models.BooleanField(Audience.TEACHERS.label, default=False)
    for_students = models.BooleanField(Audience.STUDENTS.label, default=False)
    for_parents = models.BooleanField(Audience.PARENTS.label, default=False)
    for_staff = models.BooleanField(Audience.STAFF.label, default=False)
    limits = models.TextField(_("limites"), blank=True, help_text=_("Une limite par ligne."))
    rules = models.TextField(_("règles d'usage"), blank=True, help_text=_("Une règle par ligne."))
    no_recording = models.BooleanField(_("enregistrement interdit"), default=False)
    allowed_domains = models.JSONField(_("domaines autorisés pour les liens"), default=list, blank=True)
    url = models.URLField(_("adresse d'accès"), max_length=500, blank=True)
    reference_url = models.URLField(_("source"), max_length=500, blank=True)
    alternative = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outil à utiliser à la place"),
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ToolQuerySet.as_manager()

    class Meta:
        verbose_name = _("outil")
        verbose_name_plural = _("outils")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(etablissement__isnull=True), name="tool_unique_academie_slug"
            ),
            models.UniqueConstraint(fields=["etablissement", "slug"], name="tool_unique_etablissement_slug"),
            models.CheckConstraint(
                condition=Q(shipped=False) | Q(etablissement__isnull=True), name="tool_shipped_is_academie"
            ),
            models.CheckConstraint(
                condition=Q(based_on__isnull=True) | Q(etablissement__isnull=False), name="tool_copy_has_etablissement"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("outils:tool_detail", args=[self.pk])

    @property
    def students_log_in_through_ent(self) -> bool:
        """True when students reach the tool with their ENT account, which prevents intrusions."""
        return self.access_mode == AccessMode.ENT

    @property
    def is_ruled_out(self) -> bool:
        return self.gdpr_status == GdprStatus.RULED_OUT

    @property
    def root_id(self) -> int:
        """The row tutorials and local settings hang on: the académie's tool for a school's copy."""
        return self.based_on_id or self.pk

    @property
    def needs(self) -> list[Need]:
        return [need for need, field in NEED_FIELDS.items() if getattr(self, field)]

    @property
    def audiences(self) -> list[Audience]:
        return [audience for audience, field in AUDIENCE_FIELDS.items() if getattr(self, field)]

    @property
    def gdpr_reason_list(self) -> list[str]:
        return _lines(self.gdpr_reasons)

    @property
    def limit_list(self) -> list[str]:
        return _lines(self.limits)

    @property
    def rule_list(self) -> list[str]:
        return _lines(self.rules)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Tutorial(models.Model):
    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="tutorials", verbose_name=_("outil"))
    etablissement = models.ForeignKey(
        "ecole.Etablissement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tool_tutorials",
        verbose_name=_("établissement"),
        help_text=_("Vide pour un tutoriel du catalogue académique."),
    )
    shipped = models.BooleanField(_("livré par l'académie"), default=False)
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=TutorialKind.choices)
    url = models.URLField(_("adresse"), max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    position = models.PositiveSmallIntegerField(_("ordre"), default=500)

    objects = TutorialQuerySet.as_manager()

    class Meta:
        verbose_name = _("tutoriel")
        verbose_name_plural = _("tutoriels")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "url"], condition=Q(etablissement__isnull=True), name="tutorial_unique_academie_url"
            ),
            models.CheckConstraint(
                condition=Q(shipped=False) | Q(etablissement__isnull=True), name="tutorial_shipped_is_academie"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ToolLocalSetting(models.Model):
    """What one établissement says of a tool without copying it: unavailable here, and why."""

    etablissement = models.ForeignKey(
        "ecole.Etablissement", on_delete=models.CASCADE, related_name="tool_settings", verbose_name=_("établissement")
    )
    slug = models.SlugField(_("outil (identifiant)"), max_length=80)
    unavailable = models.BooleanField(_("indisponible dans l'établissement"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("réglage local d'un outil")
        verbose_name_plural = _("réglages locaux des outils")
        constraints = [models.UniqueConstraint(fields=["etablissement", "slug"], name="toollocalsetting_unique")]

    def __str__(self) -> str:
        return f"{self.slug} ({self.etablissement_id})"


class AllowedDomain(models.Model):
    """A domain the référent numérique allows for links given to students, outside the catalogue's tools."""

    etablissement = models.ForeignKey(
        "ecole.Etablissement",
        on_delete=models.CASCADE,
        related_name="allowed_link_domains",
        verbose_name=_("établissement"),
    )
    domain = models.CharField(_("domaine"), max_length=253)
    note = models.CharField(_("pourquoi"), max_length=300)
    added_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ajouté par"),
    )
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("domaine autorisé")
        verbose_name_plural = _("domaines autorisés")
        ordering = ["domain"]
        constraints = [models.UniqueConstraint(fields=["etablissement", "domain"], name="alloweddomain_unique")]

    def __str__(self) -> str:
        return self.domain
