"""Apply the retention rules now; ``--dry-run`` lists what would go and deletes nothing."""

from django.core.management.base import BaseCommand

from continuite.audit.retention import retention_apply


class Command(BaseCommand):
    help = "Applique les règles de conservation des données (--dry-run : liste sans supprimer)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien supprimer.")

    def handle(self, *args, dry_run: bool = False, **options):
        results = retention_apply(dry_run=dry_run)
        verb = "seraient supprimés" if dry_run else "supprimés"
        for name, count in results:
            self.stdout.write(f"{name:<32} {count:>6} {verb}")
        total = sum(count for _, count in results)
        self.stdout.write(self.style.SUCCESS(f"Total : {total} {verb}" + (" (simulation)" if dry_run else "")))
