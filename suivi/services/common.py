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
    """Recompute the school's signals once the change is committed, through the broker.

    The change itself is already saved: with the broker down, the person must not read an error
    (he would do it again). The signals are then recomputed by the next periodic run (twice a day,
    ``suivi.conf``), which is said in the log.
    """
    from ..tasks import compute_signals

    def enqueue():
        try:
            compute_signals.delay(etablissement_id)
        except Exception as exc:  # kombu's OperationalError and any other broker failure
            logger.warning(
                "Courtier injoignable (%s) : signaux de l'établissement %s recalculés au prochain passage périodique.",
                exc,
                etablissement_id,
            )

    transaction.on_commit(enqueue)


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
