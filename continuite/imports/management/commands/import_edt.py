from continuite.imports.models import ImportKind

from ._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe l'emploi du temps EDT (EXP_COURS.xml). Usage : `manage.py import_edt FICHIER [--uai UAI] [--dry-run]`."
    )
    kind = ImportKind.EDT
