"""The gate of import jobs: the direction only (403 otherwise), of its own établissement (404 otherwise)."""

from django.shortcuts import get_object_or_404

from continuite.accounts.roles import Role
from continuite.ecole.access import require_role

from .models import ImportJob


def require_importer(user) -> None:
    require_role(user, Role.DIRECTION)


def access_import_job(user, pk: int) -> ImportJob:
    require_importer(user)
    return get_object_or_404(ImportJob.objects.visible_to(user).select_related("etablissement"), pk=pk)
