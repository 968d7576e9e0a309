"""One gate per object of the catalogue: not visible → 404, visible but not changeable → 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from continuite.accounts.roles import Role

from .models import Tool, Tutorial

# Who keeps the catalogue of his établissement.
CATALOGUE_EDITORS = frozenset({Role.REFERENT_NUMERIQUE, Role.DIRECTION})


def can_edit_catalogue(user) -> bool:
    return bool(user.roles & CATALOGUE_EDITORS)


def access_tool(user, pk: int, *, for_write: bool = False) -> Tool:
    """The académie's tools are visible to every member of a school; a school's own, to it only.

    Writing to an académie tool is allowed to the editors: the service writes their school's copy.
    """
    tool = get_object_or_404(Tool.objects.visible_to(user).select_related("alternative"), pk=pk)
    if for_write and not can_edit_catalogue(user):
        raise PermissionDenied
    return tool


def access_tutorial(user, pk: int, *, for_write: bool = False) -> Tutorial:
    """Only a school's own tutorials can be changed, by its editors; the académie's are read-only."""
    tutorial = get_object_or_404(Tutorial.objects.visible_to(user).select_related("tool"), pk=pk)
    if for_write and (not can_edit_catalogue(user) or tutorial.etablissement_id != user.etablissement_id):
        raise PermissionDenied
    return tutorial
