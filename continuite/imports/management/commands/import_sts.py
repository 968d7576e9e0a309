from continuite.imports.models import ImportKind

from ._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe l'export STS-web (sts_emp_<UAI>_<année>.xml) : personnels, matières, divisions, groupes, services."
        " Usage : `manage.py import_sts FICHIER [--uai UAI] [--dry-run]`."
    )
    kind = ImportKind.STS
