"""Helpers shared by the follow-up's services: access log, signal recomputation, who is told."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

REGISTER_MODALITIES = ("visio", "hybride")
MAX_NOTICE_LEVEL = 3
MAX_JUSTIFICATION_DAYS = 62


def _audit(*, user, action: str, obj, student=None, request=None) -> None:
    """Every change of a follow-up goes to the access log (the system's own changes have no user)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    from continuite.audit.services import audit_record

    audit_record(user=user, action=action, obj=obj, student=student, request=request)


def _signals_after_commit(etablissement_id: int) -> None:
    from ..tasks import compute_signals

    transaction.on_commit(lambda: compute_signals.delay(etablissement_id))


def _cpe_users(etablissement_id: int):
    from continuite.accounts.models import User

    return User.objects.filter(
        etablissement_id=etablissement_id, is_active=True, staff__is_cpe=True, staff__left_on__isnull=True
    )


def _direction_users(etablissement_id: int):
    from continuite.accounts.models import User

    return User.objects.filter(
        etablissement_id=etablissement_id, is_active=True, staff__is_direction=True, staff__left_on__isnull=True
    )


def _notify(**kwargs):
    from continuite.notifications.services import notify

    return notify(**kwargs)
