from continuite.imports.models import ImportKind

from ._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe l'emploi du temps UnDeuxTemps (export_udt.csv)."
        " Usage : `manage.py import_udt FICHIER [--uai UAI] [--dry-run]`."
    )
    kind = ImportKind.UDT
