"""Build the demo lycée and print a login for each role. Running it twice changes nothing."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from continuite.ecole.demo import DEMO_PASSWORD, demo_logins, seed_directory


def demo_seeders():
    """``<app>.demo.seed(etablissement=..., today=...)`` of each of the portal's apps that has one,
    idempotent by itself, in the order of ``settings.PORTAL_APPS`` (after the directory's own)."""
    for app in settings.PORTAL_APPS:
        try:
            module = import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        if hasattr(module, "seed"):
            yield module.seed


class Command(BaseCommand):
    help = "Crée le lycée de démonstration et affiche un identifiant par rôle."

    def add_arguments(self, parser):
        parser.add_argument(
            "--production",
            action="store_true",
            help="construire aussi la démonstration en production (comptes au mot de passe public, courriels envoyés)",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["production"]:
            raise CommandError(
                "Refusé en production : la démonstration crée des comptes au mot de passe public et envoie des "
                "courriels. Pour une instance de démonstration, ajoutez --production."
            )
        today = timezone.localdate()
        etablissement = seed_directory(today=today)
        for seed in demo_seeders():
            seed(etablissement=etablissement, today=today)
        if connection.vendor == "postgresql":
            # Statistics for the planner: without them (autovacuum off, or not yet run) PostgreSQL takes
            # every table for one row and picks plans a hundred times slower on the load pages.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Lycée de démonstration prêt : {etablissement.name}"))
        self.stdout.write(f"Identifiants de démonstration (mot de passe commun : {DEMO_PASSWORD})")
        for role, email, exists in demo_logins():
            if exists:
                self.stdout.write(f"  {role:<32} {email}")
