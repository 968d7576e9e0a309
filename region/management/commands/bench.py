"""``make bench``: the region's key pages under load, as ratios to the floor (see region.bench)."""

import datetime as dt
import os
import platform

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from region.bench import explain as explain_page
from region.bench import measure, table
from region.generator import BENCH_PASSWORD
from region.pages import FLOOR, bench_pages, bench_users


class Command(BaseCommand):
    help = "Banc d'essai des pages clés sur une région générée (PostgreSQL, gunicorn, wrk)."

    def add_arguments(self, parser):
        parser.add_argument("--lycees", type=int, default=100)
        parser.add_argument("--seconds", type=int, default=10, help="durée de mesure par page")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=2, help="workers gunicorn")
        parser.add_argument("--users", type=int, default=8, help="utilisateurs simulés par rôle")
        parser.add_argument(
            "--explain", action="store_true", help="EXPLAIN ANALYZE des requêtes de chaque page, sans charge"
        )
        parser.add_argument(
            "--a-froid",
            dest="cold",
            action="store_true",
            help="sans aucun cache (chaque page lue comme la première fois après une écriture)",
        )

    def handle(self, *args, lycees, seconds, connections, workers, users, explain, cold, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Le banc d'essai tourne sur PostgreSQL : définissez DATABASE_URL=postgres://...")
        call_command("migrate", "--noinput", verbosity=0)
        call_command("seed_region", lycees=lycees, stdout=self.stdout)
        people = bench_users(per_role=users)
        pages = bench_pages()
        if explain:
            self._explain(pages, people)
            return
        if cold:
            os.environ["CACHE_URL"] = "dummy://"  # the server's processes: no fragment, no session kept
        self.stdout.write(f"Mesure : {connections} connexions, {seconds} s par page{' (à froid)' if cold else ''}")
        results = measure(
            pages,
            people,
            password=BENCH_PASSWORD,
            seconds=seconds,
            connections=connections,
            workers=workers,
            log=self.stdout.write,
        )
        self.stdout.write("")
        version = connection.pg_version
        self.stdout.write(
            f"Continuité — banc d'essai du {dt.date.today():%d/%m/%Y}, {lycees} lycées, "
            f"{os.cpu_count()} cœurs {platform.machine()}, PostgreSQL {version // 10000}.{version % 100}, "
            f"gunicorn {workers} workers, {connections} connexions"
        )
        self.stdout.write(table(results, FLOOR))

    def _explain(self, pages, people):
        for page in pages:
            user = people.get(page.role, [None])[0]
            plans = explain_page(page.path(user), user)
            total = sum(ms for ms, _line, _sql in plans)
            self.stdout.write(f"\n{page.label} — {len(plans)} requêtes, {total:.2f} ms d'exécution SQL en tout")
            for ms, line, sql in plans[:3]:
                self.stdout.write(f"  {ms:7.3f} ms  {line[:90]}")
                self.stdout.write(f"             {sql[:160]}")
