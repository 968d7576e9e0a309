"""Generate a region of lycées in PostgreSQL for the benchmark (COPY, never row-by-row saves)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from continuite.ecole.models import Etablissement
from continuite.scale.parts import PARTS
from continuite.scale.region import RegionGenerator

BATCH = 5


class Command(BaseCommand):
    help = "Génère une région de lycées (données fictives) pour le banc d'essai, sur PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--lycees", type=int, default=100, help="nombre de lycées (défaut : 100)")

    def handle(self, *args, lycees: int, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_region écrit avec COPY : il faut PostgreSQL (DATABASE_URL=postgres://...).")
        if lycees < 1:
            raise CommandError("Il faut au moins un lycée.")
        existing = Etablissement.objects.filter(uai__endswith="R", uai__startswith="9").count()
        if existing >= lycees:
            self.stdout.write(f"La région compte déjà {existing} lycées générés : rien à faire.")
            return
        started = time.monotonic()
        rows = 0
        today = timezone.localdate()
        for first in range(existing, lycees, BATCH):
            count = min(BATCH, lycees - first)
            with transaction.atomic():
                # Check foreign keys row by row as COPY writes, not queued until the commit.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                generator = RegionGenerator(lycees=count, today=today, seed=first + 1)
                generated = generator.generate_directory(first)
                for part in PARTS:
                    part(generator, generated)
                generator.ids.reset_sequences()
            rows += generator.rows
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"  {first + count:>4} lycées, {rows:>10,} lignes, {elapsed:6.1f} s ({rows / elapsed:,.0f} lignes/s)"
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Région générée : {lycees} lycées, {rows:,} lignes en {time.monotonic() - started:.0f} s"
            )
        )
