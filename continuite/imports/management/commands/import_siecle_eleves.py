from continuite.imports.models import ImportKind

from ._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe l'export SIECLE des élèves (ElevesSansAdresses.xml) : arrivées, départs, changements de classe."
        " Usage : `manage.py import_siecle_eleves FICHIER [--uai UAI] [--dry-run]`."
    )
    kind = ImportKind.SIECLE_ELEVES
