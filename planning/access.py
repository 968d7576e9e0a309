"""One gate per object type: not visible → 404, visible but not changeable → 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from continuite.accounts.roles import Role
from continuite.ecole.models import Division

from .models import Homework, Session, TimetableSlot


def _is_direction(user) -> bool:
    return Role.DIRECTION in user.roles


def _staff_id(user) -> int | None:
    staff = user.staff_profile
    return staff.pk if staff is not None else None


def access_slot(user, pk: int, *, for_write: bool = False) -> TimetableSlot:
    slot = get_object_or_404(
        TimetableSlot.objects.visible_to(user).select_related("etablissement", "subject", "division", "group"), pk=pk
    )
    if for_write and not (_is_direction(user) or slot.teachers.filter(pk=_staff_id(user) or 0).exists()):
        raise PermissionDenied
    return slot


def access_session(user, pk: int, *, for_write: bool = False) -> Session:
    """A session is changed by its teachers and by the direction; seen by its audience and the staff."""
    session = get_object_or_404(
        Session.objects.visible_to(user).select_related(
            "etablissement", "subject", "division", "group", "slot", "created_by"
        ),
        pk=pk,
    )
    if for_write and not (_is_direction(user) or session.teachers.filter(pk=_staff_id(user) or 0).exists()):
        raise PermissionDenied
    return session


def access_homework(user, pk: int, *, for_write: bool = False) -> Homework:
    """Work is changed by whoever gave it and by the direction; seen by its audience and the staff."""
    homework = get_object_or_404(
        Homework.objects.visible_to(user).select_related("etablissement", "division", "group", "subject", "created_by"),
        pk=pk,
    )
    if for_write and not (
        _is_direction(user) or (homework.created_by_id and homework.created_by_id == _staff_id(user))
    ):
        raise PermissionDenied
    return homework


def access_division_load(user, pk: int) -> Division:
    """A division's heat map: its form tutors and the direction (another school's division: 404)."""
    division = get_object_or_404(
        Division.objects.filter(etablissement_id=user.etablissement_id or 0).select_related("school_year"), pk=pk
    )
    if not (_is_direction(user) or pk in user.tutored_division_ids):
        raise PermissionDenied
    return division
