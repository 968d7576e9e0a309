from continuite.imports.models import ImportKind

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Importe le fichier EDT : `manage.py import_edt FICHIER --uai UAI [--dry-run]`."
    kind = ImportKind.EDT
