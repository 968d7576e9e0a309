"""Registers, absences and their justification, work handed in."""

import datetime as dt
import logging
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuite.ecole.models import Student

from .. import queries
from ..models import (
    AbsenceStatus,
    AttendanceMark,
    AttendanceRegister,
    AttendanceStatus,
    HandIn,
    HandInStatus,
    Justification,
    JustificationReason,
)
from .common import MAX_JUSTIFICATION_DAYS, REGISTER_MODALITIES, _audit, _signals_after_commit

logger = logging.getLogger(__name__)


def _covering_justifications(student_ids, day: dt.date) -> dict[int, Justification]:
    rows = Justification.objects.filter(student_id__in=student_ids, start__lte=day, end__gte=day).order_by("-given_at")
    found: dict[int, Justification] = {}
    for row in rows:
        found.setdefault(row.student_id, row)
    return found


@transaction.atomic
def register_take(*, session, user, marks: Mapping[int, str], today: dt.date | None = None) -> AttendanceRegister:
    """Take (or correct) the register of a video or hybrid session, for the whole list in one call.

    ``marks`` maps a student id to a status; a student left out is present. A new absence is
    "à justifier" unless a justification already covers that day; a corrected register keeps the
    justification state of absences that stay absences. The signals are recomputed after commit.
    """
    today = today or timezone.localdate()
    if session.modality not in REGISTER_MODALITIES:
        raise ValidationError(_("L'appel ne se fait que pour une classe virtuelle ou une séance hybride."))
    if session.date > today:
        raise ValidationError(_("L'appel d'une séance à venir ne peut pas encore être fait."))
    invalid = {status for status in marks.values() if status not in AttendanceStatus.values}
    if invalid:
        raise ValidationError(_("État de présence inconnu : %(value)s.") % {"value": ", ".join(sorted(invalid))})
    students = list(queries.session_students(session).values_list("pk", flat=True))
    strangers = set(marks) - set(students)
    if strangers:
        raise ValidationError(_("Un élève de la liste n'appartient pas à cette séance."))

    now = timezone.now()
    staff = user.staff_profile
    register, created = AttendanceRegister.objects.get_or_create(
        session=session,
        defaults={
            "etablissement_id": session.etablissement_id,
            "date": session.date,
            "taken_by": staff,
            "taken_at": now,
            "updated_at": now,
        },
    )
    if not created:
        register.updated_at = now
        register.save(update_fields=["updated_at"])
    existing = {mark.student_id: mark for mark in register.marks.all()}
    covering = _covering_justifications(students, session.date)
    to_create, to_update = [], []
    for student_id in students:
        status = marks.get(student_id, AttendanceStatus.PRESENT)
        mark = existing.get(student_id) or AttendanceMark(register=register, student_id=student_id)
        was_absent = mark.pk is not None and mark.status == AttendanceStatus.ABSENT
        mark.status = status
        if status != AttendanceStatus.ABSENT:
            mark.absence_status, mark.justification = AbsenceStatus.NONE, None
        elif not was_absent:
            justification = covering.get(student_id)
            mark.justification = justification
            mark.absence_status = AbsenceStatus.JUSTIFIED if justification else AbsenceStatus.TO_JUSTIFY
        (to_update if mark.pk else to_create).append(mark)
    AttendanceMark.objects.bulk_create(to_create)
    AttendanceMark.objects.bulk_update(to_update, ["status", "absence_status", "justification"])
    _audit(user=user, action="create" if created else "change", obj=register)
    _signals_after_commit(session.etablissement_id)
    return register


@transaction.atomic
def absence_justify(
    *, user, student: Student, start: dt.date, end: dt.date, reason: str, today: dt.date | None = None
) -> Justification:
    """Record a reason for a student's absences over a period (a guardian or the CPE).

    Absences "à justifier" of the period become "justifiée"; while the period runs, no notice is sent.
    """
    today = today or timezone.localdate()
    if reason not in JustificationReason.values:
        raise ValidationError(_("Choisissez un motif dans la liste."))
    if start > end:
        raise ValidationError(_("La date de fin doit suivre la date de début."))
    if (end - start).days > MAX_JUSTIFICATION_DAYS:
        raise ValidationError(_("Une justification couvre au plus deux mois."))
    if start > today + dt.timedelta(days=31):
        raise ValidationError(_("Une absence ne peut être justifiée plus d'un mois à l'avance."))
    justification = Justification.objects.create(
        etablissement_id=student.etablissement_id,
        student=student,
        start=start,
        end=end,
        reason=reason,
        given_by=user,
        given_at=timezone.now(),
    )
    AttendanceMark.objects.filter(
        student=student, status=AttendanceStatus.ABSENT, register__date__range=(start, end)
    ).exclude(absence_status=AbsenceStatus.SETTLED).update(
        absence_status=AbsenceStatus.JUSTIFIED, justification=justification
    )
    _audit(user=user, action="create", obj=justification, student=student)
    _signals_after_commit(student.etablissement_id)
    return justification


@transaction.atomic
def absence_settle(*, user, mark: AttendanceMark) -> AttendanceMark:
    """The CPE settles ("règle") an absence: it no longer counts in the signals."""
    if mark.status != AttendanceStatus.ABSENT:
        raise ValidationError(_("Seule une absence peut être réglée."))
    mark.absence_status = AbsenceStatus.SETTLED
    mark.save(update_fields=["absence_status"])
    _audit(user=user, action="change", obj=mark, student=mark.student)
    return mark


@transaction.atomic
def handin_mark(*, homework, user, statuses: Mapping[int, str]) -> int:
    """Mark rendu / non rendu / en retard for the whole list of a work to hand in; returns the rows written.

    A student left out has handed in his work.
    """
    if homework.hand_in_mode == "aucun":
        raise ValidationError(_("Ce travail n'est pas à rendre."))
    invalid = {value for value in statuses.values() if value not in HandInStatus.values}
    if invalid:
        raise ValidationError(_("État de rendu inconnu : %(value)s.") % {"value": ", ".join(sorted(invalid))})
    students = list(queries.homework_students(homework).values_list("pk", flat=True))
    if set(statuses) - set(students):
        raise ValidationError(_("Un élève de la liste n'est pas concerné par ce travail."))
    now = timezone.now()
    existing = {row.student_id: row for row in HandIn.objects.filter(homework=homework)}
    to_create, to_update = [], []
    for student_id in students:
        status = statuses.get(student_id, HandInStatus.HANDED_IN)
        row = existing.get(student_id)
        if row is None:
            to_create.append(
                HandIn(
                    etablissement_id=homework.etablissement_id,
                    homework=homework,
                    student_id=student_id,
                    due_date=homework.due_date,
                    status=status,
                    marked_by=user.staff_profile,
                    marked_at=now,
                )
            )
        elif row.status != status:
            row.status, row.marked_by, row.marked_at = status, user.staff_profile, now
            to_update.append(row)
    HandIn.objects.bulk_create(to_create)
    HandIn.objects.bulk_update(to_update, ["status", "marked_by", "marked_at"])
    _audit(user=user, action="change", obj=homework)
    _signals_after_commit(homework.etablissement_id)
    return len(to_create) + len(to_update)


def active_justification(student: Student, today: dt.date) -> Justification | None:
    """A justification still running (or given for the last days): while it stands, no notice."""
    return Justification.objects.filter(student=student, end__gte=today).order_by("-end").first()
