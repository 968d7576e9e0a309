"""Writes of the audit app: the access log and the rectification of a person's directory data.

Other apps call ``audit_record`` whenever a student's follow-up (a case, the register history,
an equipment file) is opened or changed:

    audit_record(user=request.user, action="view", obj=case, student=case.student, request=request)
"""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuite.ecole.models import Guardian, Student

from .models import AuditAction, AuditEntry

PHONE = re.compile(r"^\+?[0-9][0-9 .-]{5,18}$")


def _label(value, limit: int) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@transaction.atomic
def audit_record(*, user, action: str, obj, student=None, detail: str = "", request=None) -> AuditEntry:
    """Append one row to the access log: who (and his roles now), when, what, about which student.

    ``detail`` must not hold free personal text: a list of changed field names is the intended use.
    """
    if action not in AuditAction.values:
        raise ValidationError(_("Action de journal inconnue : %(action)s.") % {"action": action})
    if user is None or not user.is_authenticated:
        raise ValidationError(_("Seul un utilisateur connecté peut être inscrit au journal des accès."))
    if student is None and isinstance(obj, Student):
        student = obj
    etablissement_id = (
        getattr(student, "etablissement_id", None) or getattr(obj, "etablissement_id", None) or user.etablissement_id
    )
    return AuditEntry.objects.create(
        created_at=timezone.now(),
        etablissement_id=etablissement_id,
        user=user,
        user_label=_label(user.get_full_name() and f"{user.get_full_name()} <{user.email}>" or user.email, 254),
        roles=", ".join(sorted(str(role.label) for role in user.roles)),
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(getattr(obj, "pk", "") or "")[:64],
        object_label=_label(obj, 200) if obj is not None else "",
        student=student,
        detail=_label(detail, 500),
        path=_label(request.path, 300) if request is not None else "",
    )


def _apply_changes(instance, changes: dict) -> list[str]:
    """Set the fields that differ; return their names (the audit detail), validating the row."""
    changed = [name for name, value in changes.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, changes[name])
    if changed:
        instance.full_clean()
        instance.save(update_fields=changed)
    return changed


@transaction.atomic
def student_rectify(
    *, user, student: Student, last_name: str, first_name: str, birth_date: dt.date | None, request=None
) -> list[str]:
    """Rectify a student's directory fields (GDPR right to rectification); the change is logged."""
    changes = {"last_name": last_name.strip(), "first_name": first_name.strip(), "birth_date": birth_date}
    if not changes["last_name"] or not changes["first_name"]:
        raise ValidationError(_("Le nom et le prénom sont obligatoires."))
    if birth_date is not None and birth_date > timezone.localdate():
        raise ValidationError(_("La date de naissance ne peut pas être dans le futur."))
    changed = _apply_changes(student, changes)
    if changed:
        audit_record(
            user=user,
            action=AuditAction.CHANGE,
            obj=student,
            student=student,
            detail=", ".join(changed),
            request=request,
        )
    return changed


@transaction.atomic
def guardian_rectify(
    *, user, guardian: Guardian, last_name: str, first_name: str, email: str, mobile: str, request=None
) -> list[str]:
    """Rectify a guardian's directory fields and contacts; the change is logged."""
    changes = {
        "last_name": last_name.strip(),
        "first_name": first_name.strip(),
        "email": email.strip().lower(),
        "mobile": mobile.strip(),
    }
    if not changes["last_name"] or not changes["first_name"]:
        raise ValidationError(_("Le nom et le prénom sont obligatoires."))
    if changes["mobile"] and not PHONE.match(changes["mobile"]):
        raise ValidationError(_("Le numéro de téléphone ne contient que des chiffres, espaces, points ou tirets."))
    changed = _apply_changes(guardian, changes)
    if changed:
        audit_record(user=user, action=AuditAction.CHANGE, obj=guardian, detail=", ".join(changed), request=request)
    return changed
