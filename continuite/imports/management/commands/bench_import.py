"""Generate the files of a full lycée, import them into a fresh établissement, print the time per file."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from continuite.ecole.models import Etablissement
from continuite.ecole.services import etablissement_create, school_year_create
from continuite.imports import samples
from continuite.imports.models import ImportKind, ImportStatus
from continuite.imports.services import import_job_create, import_run


class Command(BaseCommand):
    help = "Mesure l'import d'un lycée complet (1 500 élèves, 120 personnels, 50 divisions, 1 000 créneaux)."

    def add_arguments(self, parser):
        parser.add_argument("--uai", default="0999999Z", help="UAI de l'établissement jetable créé pour la mesure")
        parser.add_argument("--students", type=int, default=1500)
        parser.add_argument("--staff", type=int, default=120)
        parser.add_argument("--divisions", type=int, default=50)
        parser.add_argument("--slots", type=int, default=1000)
        parser.add_argument("--keep", action="store_true", help="garder l'établissement créé (avec --in-place)")
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="mesurer dans la base configurée ; par défaut, une base jetable est créée puis détruite",
        )

    def handle(self, *args, in_place: bool, **options):
        if in_place:
            return self.bench(**options)
        # A throwaway database (a file for SQLite, as in production), built from the migrations.
        with tempfile.TemporaryDirectory() as directory:
            if connection.vendor == "sqlite":
                connection.settings_dict.setdefault("TEST", {})["NAME"] = str(Path(directory) / "bench.sqlite3")
            old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
            try:
                self.bench(**options)
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0)

    def bench(self, *, uai, students, staff, divisions, slots, keep, **options):
        if Etablissement.objects.filter(uai=uai).exists():
            raise CommandError(f"L'établissement {uai} existe déjà : choisissez un autre --uai.")
        year = dt.date.today().year if dt.date.today().month >= 8 else dt.date.today().year - 1
        school = samples.lycee(
            uai,
            year,
            divisions=divisions,
            pupils_per_division=students // divisions,
            teachers=staff - 1,
            slots_per_division=max(1, slots // divisions),
        )
        files = [
            (ImportKind.STS, f"sts_emp_{uai}_{year}.xml", samples.sts_xml(school)),
            (
                ImportKind.SIECLE_ELEVES,
                "ElevesSansAdresses.zip",
                samples.zipped("ElevesSansAdresses.xml", samples.eleves_xml(school, encoding="ISO-8859-15")),
            ),
            (ImportKind.SIECLE_RESPONSABLES, "ResponsablesAvecAdresses.xml", samples.responsables_xml(school)),
            (ImportKind.EDT, "EXP_COURS.xml", samples.edt_xml(school)),
        ]
        etablissement = etablissement_create(uai=uai, name="Lycée de mesure")
        school_year_create(
            etablissement=etablissement,
            label=f"{year}-{year + 1}",
            start=dt.date(year, 9, 1),
            end=dt.date(year + 1, 8, 31),
        )
        self.stdout.write(
            f"Lycée généré : {len(school.pupils)} élèves, {len(school.teachers)} personnels, "
            f"{len(school.divisions)} divisions, {len(school.slots)} créneaux."
        )
        total = 0.0
        try:
            with tempfile.TemporaryDirectory() as directory:
                for kind, name, content in files:
                    path = Path(directory) / name
                    path.write_bytes(content)
                    started = time.perf_counter()
                    job = import_run(
                        import_job_create(
                            etablissement=etablissement, kind=kind, filename=name, content=path.read_bytes()
                        )
                    )
                    elapsed = time.perf_counter() - started
                    total += elapsed
                    if job.status != ImportStatus.DONE:
                        raise CommandError(f"{name} : {job.report.get('error')}")
                    created = job.report["totals"]["created"]
                    self.stdout.write(
                        f"  {name:<32} {len(content) / 1024:8.0f} Kio  {elapsed:6.2f} s  ({created} lignes créées)"
                    )
            self.stdout.write(self.style.SUCCESS(f"Total : {total:.2f} s"))
        finally:
            if not keep:
                # Slots protect their subjects: remove them first, then the établissement cascades.
                from planning.models import TimetableSlot

                TimetableSlot.objects.filter(etablissement=etablissement).delete()
                etablissement.delete()
