"""What the ``import_*`` commands share: read a file, check it, print the plan, apply unless ``--dry-run``."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from continuite.ecole.models import Etablissement
from continuite.french import plural
from continuite.imports.models import ImportStatus
from continuite.imports.parsers.common import MAX_UPLOAD_BYTES
from continuite.imports.services import import_cancel, import_check, import_job_create, import_run


class ImportCommand(BaseCommand):
    kind: str = ""

    def add_arguments(self, parser):
        parser.add_argument("path", help="le fichier exporté (XML, CSV ou zip)")
        parser.add_argument(
            "--uai", help="UAI de l'établissement (ex. 0450000A) ; facultatif si la base n'en compte qu'un"
        )
        parser.add_argument("--dry-run", action="store_true", help="vérifier et simuler sans rien modifier")
        parser.add_argument(
            "--confirmer",
            action="store_true",
            help="appliquer même un fichier qui retire une grande partie des données (sinon refusé, rien ne change)",
        )

    def handle(self, *args, path: str, uai: str | None, dry_run: bool, confirmer: bool = False, **options):
        if uai:
            etablissement = Etablissement.objects.filter(uai=uai.strip().upper()).first()
            if etablissement is None:
                raise CommandError(f"Aucun établissement d'UAI {uai}.")
        else:
            # A portal for one lycée: no need to name it.
            found = list(Etablissement.objects.order_by("uai")[:2])
            if len(found) != 1:
                raise CommandError(
                    "La base compte plusieurs établissements : précisez lequel avec --uai UAI."
                    if found
                    else "Aucun établissement dans la base : créez-le d'abord (admin Django)."
                )
            etablissement = found[0]
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        # The size first: an oversized file is neither read into memory nor stored.
        size = file.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise CommandError(
                f"Le fichier fait {size / (1024 * 1024):.1f} Mo : la taille maximale est de "
                f"{MAX_UPLOAD_BYTES // (1024 * 1024)} Mo. Rien n'a été enregistré."
            )
        try:
            job = import_job_create(
                etablissement=etablissement, kind=self.kind, filename=file.name, content=file.read_bytes()
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        try:
            job = import_check(job) if dry_run else import_run(job, confirmed=confirmer)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        report = job.report
        if job.status == ImportStatus.FAILED:
            raise CommandError(report.get("error") or "Import refusé.")
        self.stdout.write(("Simulation" if dry_run else "Import appliqué") + f" (import n° {job.pk}) :")
        for label, row in report["counts"].items():
            self.stdout.write(
                f"  {label} : {plural(row['created'], 'créé')}, {plural(row['updated'], 'mis à jour', 'mis à jour')}, "
                f"{plural(row['unchanged'], 'inchangé')}, {plural(row['removed'], 'retiré')}"
            )
        for warning in report.get("warnings", []):
            self.stdout.write(self.style.WARNING(f"  {warning}"))
        for note in report.get("notes", []):
            self.stdout.write(f"  {note}")
        for listed in report.get("names", []):
            self.stdout.write(f"  {listed['heading']} :")
            for name in listed["names"]:
                self.stdout.write(f"    - {name}")
            if listed["omitted"]:
                self.stdout.write(f"    … et {plural(listed['omitted'], 'autre')}")
        for problem in report["problems"]:
            where = f"{problem['element']} (ligne {problem['line']})" if problem["line"] else problem["element"]
            self.stdout.write(f"  [{problem['level']}] {where} : {problem['message']}")
        if report.get("problems_omitted"):
            omitted = report["problems_omitted"]
            self.stdout.write(f"  … et {plural(omitted, 'autre point non détaillé', 'autres points non détaillés')}.")
        if dry_run:
            # Nothing will be applied from the command line's dry run: what the file held goes now.
            import_cancel(job=job)
        if not dry_run and report.get("invitable"):
            people = plural(report["invitable"], "personne a", "personnes ont")
            self.stdout.write(
                f"{people} une adresse de courriel et pas de compte : invitez-les depuis la page Imports du portail."
            )
