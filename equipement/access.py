"""One gate per object type: not visible → 404, visible but not changeable → 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Device, Loan, Need
from .queries import MANAGERS


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
