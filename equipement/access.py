"""One gate per object type: not visible → 404, visible but not changeable → 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Device, Loan, Need
from .queries import MANAGERS, readiness_divisions


def _check_write(user, for_write: bool) -> None:
    if for_write and not (user.roles & MANAGERS):
        raise PermissionDenied


def access_need(user, pk: int, *, for_write: bool = False) -> Need:
    need = get_object_or_404(
        Need.objects.visible_to(user).select_related(
            "student__division", "staff", "declared_by", "decided_by", "etablissement"
        ),
        pk=pk,
    )
    _check_write(user, for_write)
    return need


def access_loan(user, pk: int, *, for_write: bool = False) -> Loan:
    loan = get_object_or_404(
        Loan.objects.visible_to(user).select_related(
            "device", "need__student__division", "need__staff", "agreement_accepted_by", "etablissement"
        ),
        pk=pk,
    )
    _check_write(user, for_write)
    return loan


def access_device(user, pk: int, *, for_write: bool = False) -> Device:
    # Only managers see the inventory: for anyone else the device does not exist (404).
    device = get_object_or_404(Device.objects.visible_to(user), pk=pk)
    _check_write(user, for_write)
    return device


def access_readiness_division(user, pk: int):
    """A division whose students' digital readiness the user may read (404 otherwise)."""
    return get_object_or_404(readiness_divisions(user).select_related("etablissement"), pk=pk)


def access_readiness_student(user, pk: int, *, for_write: bool = False):
    """A student whose readiness the user may read; 403 when he may read but not keep it."""
    from continuite.ecole.models import Student

    student = get_object_or_404(
        Student.objects.current().filter(division__in=readiness_divisions(user)).select_related("division"), pk=pk
    )
    if for_write and not readiness_divisions(user, for_write=True).filter(pk=student.division_id).exists():
        raise PermissionDenied
    return student
