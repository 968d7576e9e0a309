"""What the ``import_*`` commands share: read a file, check it, print the plan, apply unless ``--dry-run``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from continuite.ecole.models import Etablissement
from continuite.imports.models import ImportStatus
from continuite.imports.services import import_check, import_job_create, import_run


class ImportCommand(BaseCommand):
    kind: str = ""

    def add_arguments(self, parser):
        parser.add_argument("path", help="le fichier exporté (XML, CSV ou zip)")
        parser.add_argument("--uai", required=True, help="UAI de l'établissement (ex. 0450000A)")
        parser.add_argument("--dry-run", action="store_true", help="vérifier et simuler sans rien modifier")

    def handle(self, *args, path: str, uai: str, dry_run: bool, **options):
        etablissement = Etablissement.objects.filter(uai=uai.strip().upper()).first()
        if etablissement is None:
            raise CommandError(f"Aucun établissement d'UAI {uai}.")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        job = import_job_create(
            etablissement=etablissement, kind=self.kind, filename=file.name, content=file.read_bytes()
        )
        job = import_check(job) if dry_run else import_run(job)
        report = job.report
        if job.status == ImportStatus.FAILED:
            raise CommandError(report.get("error") or "Import refusé.")
        self.stdout.write(("Simulation" if dry_run else "Import appliqué") + f" (import n° {job.pk}) :")
        for label, row in report["counts"].items():
            self.stdout.write(
                f"  {label} : {row['created']} créé(s), {row['updated']} mis à jour, "
                f"{row['unchanged']} inchangé(s), {row['removed']} retiré(s)"
            )
        for problem in report["problems"]:
            where = f"{problem['element']} (ligne {problem['line']})" if problem["line"] else problem["element"]
            self.stdout.write(f"  [{problem['level']}] {where} : {problem['message']}")
        if not dry_run and report.get("invitable"):
            self.stdout.write(
                f"{report['invitable']} personne(s) avec un courriel sans compte : "
                "invitez-les depuis la page Imports du portail."
            )
