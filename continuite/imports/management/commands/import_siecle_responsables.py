from continuite.imports.models import ImportKind

from ._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe l'export SIECLE des responsables (ResponsablesAvecAdresses.xml) et leurs liens aux élèves."
        " Usage : `manage.py import_siecle_responsables FICHIER [--uai UAI] [--dry-run]`."
    )
    kind = ImportKind.SIECLE_RESPONSABLES
