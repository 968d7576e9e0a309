from continuite.imports.models import ImportKind

from ._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe le fichier SIECLE_RESPONSABLES : `manage.py import_siecle_responsables FICHIER --uai UAI [--dry-run]`."
    )
    kind = ImportKind.SIECLE_RESPONSABLES
