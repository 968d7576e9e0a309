"""Import jobs: one uploaded file, its dry run, its application and the report the direction reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    STS = "sts", _("STS-web : sts_emp_<UAI>_<année>.xml")
    SIECLE_ELEVES = "siecle_eleves", _("SIECLE élèves : ElevesSansAdresses.xml")
    SIECLE_RESPONSABLES = "siecle_responsables", _("SIECLE responsables : ResponsablesAvecAdresses.xml")
    EDT = "edt", _("Emploi du temps EDT : EXP_COURS.xml")
    UDT = "udt", _("Emploi du temps UnDeuxTemps : export_udt.csv")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("déposé")
    CHECKED = "checked", _("vérifié")
    RUNNING = "running", _("en cours")
    DONE = "done", _("terminé")
    FAILED = "failed", _("refusé")  # as the job's page says: nothing was written
    CANCELLED = "cancelled", _("abandonné")


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or user.etablissement_id is None:
            return self.none()
        return self.filter(etablissement_id=user.etablissement_id)


class ImportJob(models.Model):
    etablissement = models.ForeignKey(
        "ecole.Etablissement", on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("établissement")
    )
    kind = models.CharField(_("type de fichier"), max_length=24, choices=ImportKind.choices)
    filename = models.CharField(_("nom du fichier"), max_length=255)
    # The file itself, kept with the job so that a worker on another machine can apply it, and
    # emptied once the import is applied, refused or abandoned (families' names are in it).
    content = models.BinaryField(_("contenu"), editable=False, blank=True, default=b"")
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    # What the dry run read, compressed: the application does not parse the file again.
    parsed = models.BinaryField(_("fichier lu"), editable=False, blank=True, default=b"")
    file_deleted_at = models.DateTimeField(_("fichier supprimé le"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    report = models.JSONField(_("compte rendu"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    queued_at = models.DateTimeField(_("confié au service d'import le"), null=True, blank=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["etablissement", "-created_at"], name="importjob_etab_created")]
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="importjob_progress_pct")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("imports:job_detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)
