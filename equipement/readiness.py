"""Writes of the students' digital readiness (ENT codes, tools known, training needed).

The form tutor of a class and the référent numérique keep the record; a guardian or a teacher who
declares an equipment need may answer the same questions, and those answers land in the record.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuite.ecole.models import Student

from .models import DigitalReadiness
from .queries import readiness_divisions

MAX_NOTES = 1000


@transaction.atomic
def readiness_record(
    *,
    user,
    student: Student,
    ent_codes_given: bool | None,
    knows_tools: bool | None,
    needs_training: bool | None,
    notes: str = "",
) -> DigitalReadiness:
    """Keep a student's readiness: only the form tutor of his class or the référent numérique may."""
    if not readiness_divisions(user, for_write=True).filter(pk=student.division_id).exists():
        raise ValidationError(
            _("Seuls le professeur principal de sa classe et le référent numérique tiennent la fiche de cet élève.")
        )
    notes = notes.strip()
    if len(notes) > MAX_NOTES:
        raise ValidationError(_("Les remarques tiennent en %(n)s caractères au plus.") % {"n": MAX_NOTES})
    readiness, _created = DigitalReadiness.objects.update_or_create(
        student=student,
        defaults={
            "etablissement_id": student.etablissement_id,
            "ent_codes_given": ent_codes_given,
            "knows_tools": knows_tools,
            "needs_training": needs_training,
            "notes": notes,
            "updated_by": user,
            "updated_at": timezone.now(),
        },
    )
    from continuite.audit.services import audit_record

    audit_record(user=user, action="change", obj=readiness, student=student)
    return readiness


def readiness_note_answers(
    *, user, student: Student, ent_codes_given: bool | None, knows_tools: bool | None, needs_training: bool
) -> DigitalReadiness | None:
    """Add the answers given with an equipment need to the student's record (only those answered:
    "je ne sais pas" never erases what the form tutor checked). Called inside ``need_declare``."""
    answers = {
        field: value
        for field, value in (
            ("ent_codes_given", ent_codes_given),
            ("knows_tools", knows_tools),
            ("needs_training", True if needs_training else None),
        )
        if value is not None
    }
    if not answers:
        return None
    readiness = DigitalReadiness.objects.filter(student=student).first() or DigitalReadiness(
        student=student, etablissement_id=student.etablissement_id
    )
    for field, value in answers.items():
        setattr(readiness, field, value)
    readiness.updated_by, readiness.updated_at = user, timezone.now()
    readiness.save()
    return readiness
