from continuite.imports.models import ImportKind

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Importe le fichier SIECLE_ELEVES : `manage.py import_siecle_eleves FICHIER --uai UAI [--dry-run]`."
    kind = ImportKind.SIECLE_ELEVES
