from continuite.imports.models import ImportKind

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Importe le fichier STS : `manage.py import_sts FICHIER --uai UAI [--dry-run]`."
    kind = ImportKind.STS
