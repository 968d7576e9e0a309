"""Generate a region of lycées in PostgreSQL for the benchmark (COPY, never row-by-row saves)."""

import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from continuite.ecole.models import Etablissement
from region.generator import RegionGenerator
from region.parts import PARTS

BATCH = 5


def generate_batch(first: int, count: int, today) -> int:
    """One transaction: ``count`` lycées from number ``first``, with every app's part; returns the rows."""
    with transaction.atomic():
        # Check foreign keys row by row as COPY writes, not queued until the commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        generator = RegionGenerator(lycees=count, today=today, seed=first + 1)
        generated = generator.generate_directory(first)
        for part in PARTS:
            part(generator, generated)
    return generator.rows


def _generate_in_worker(first: int, count: int, today) -> int:
    try:
        return generate_batch(first, count, today)
    finally:
        connections.close_all()


class Command(BaseCommand):
    help = "Génère une région de lycées (données fictives) pour le banc d'essai, sur PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--lycees", type=int, default=100, help="nombre de lycées (défaut : 100)")
        parser.add_argument("--jobs", type=int, default=2, help="générateurs en parallèle, un par cœur (défaut : 2)")
        parser.add_argument("--batch", type=int, default=BATCH, help="lycées par transaction (défaut : 5)")

    def handle(self, *args, lycees: int, jobs: int, batch: int, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_region écrit avec COPY : il faut PostgreSQL (DATABASE_URL=postgres://...).")
        if lycees < 1:
            raise CommandError("Il faut au moins un lycée.")
        if jobs < 1 or batch < 1:
            raise CommandError("Il faut au moins un générateur et un lycée par transaction.")
        existing = Etablissement.objects.filter(uai__endswith="R", uai__startswith="9").count()
        if existing >= lycees:
            self.stdout.write(f"La région compte déjà {existing} lycées générés : rien à faire.")
            return
        started = time.monotonic()
        today = timezone.localdate()
        batches = [(first, min(batch, lycees - first)) for first in range(existing, lycees, batch)]
        rows, done = 0, existing

        def progress(batch_rows: int, count: int) -> None:
            nonlocal rows, done
            rows += batch_rows
            done += count
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"  {done:>4} lycées, {rows:>10,} lignes, {elapsed:6.1f} s ({rows / elapsed:,.0f} lignes/s)"
            )

        if jobs == 1:
            for first, count in batches:
                progress(generate_batch(first, count, today), count)
        else:
            # Each process opens its own connection: none may be inherited across the fork.
            connections.close_all()
            with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
                futures = {pool.submit(_generate_in_worker, first, count, today): count for first, count in batches}
                for future in as_completed(futures):
                    progress(future.result(), futures[future])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Région générée : {lycees} lycées, {rows:,} lignes en {time.monotonic() - started:.0f} s"
                f" ({jobs} générateur(s))"
            )
        )
