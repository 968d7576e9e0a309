from continuite.imports.models import ImportKind

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Importe le fichier UDT : `manage.py import_udt FICHIER --uai UAI [--dry-run]`."
    kind = ImportKind.UDT
