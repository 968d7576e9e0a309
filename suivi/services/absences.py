"""Registers, absences and their justification, work handed in.

The vie scolaire's practice, in one place:

- a new absence is "à justifier" (unless an accepted justification already covers its day);
- the vie scolaire (the CPE) **justifies** absences directly, with a receivable reason, case or no
  case; or **settles** ("règle") one absence with a reason written on it (a mistaken register, a
  matter dealt with in person); either way it no longer counts in the signals;
- a guardian's justification is a **request**: limited to past days and the next
  ``SuiviSettings.justification_days_ahead`` days, it justifies nothing until the vie scolaire
  accepts it; a refusal carries its reason. The CPEs are told of each new request; the guardian
  of the decision. Requests and decisions are written on the student's open case, if any.
"""

import datetime as dt
import logging
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuite.ecole.models import GuardianLink, Student
from continuite.french import day_month

from .. import queries
from ..models import (
    AbsenceStatus,
    AttendanceMark,
    AttendanceRegister,
    AttendanceStatus,
    Case,
    CaseEvent,
    EventKind,
    HalfDay,
    HandIn,
    HandInStatus,
    Justification,
    JustificationReason,
    JustificationStatus,
)
from .common import (
    MAX_JUSTIFICATION_DAYS,
    REGISTER_MODALITIES,
    _audit,
    _cpe_users,
    _notify,
    _signals_after_commit,
)
from .config import settings_get

logger = logging.getLogger(__name__)

# How far ahead the vie scolaire itself may justify (a known appointment, an exam convocation).
MAX_DAYS_AHEAD_VIE_SCOLAIRE = 31


def _covering_justifications(student_ids, day: dt.date) -> dict[int, Justification]:
    rows = Justification.objects.accepted().covering(day).filter(student_id__in=student_ids).order_by("-given_at")
    found: dict[int, Justification] = {}
    for row in rows:
        found.setdefault(row.student_id, row)
    return found


@transaction.atomic
def register_take(
    *,
    session,
    user,
    marks: Mapping[int, str],
    seen: Mapping[int, str] | None = None,
    today: dt.date | None = None,
) -> AttendanceRegister:
    """Take (or correct) the register of a video or hybrid session, for the whole list in one call.

    ``marks`` maps a student id to a status; a student left out is present. A new absence is
    "à justifier" unless an accepted justification already covers that day; a corrected register
    keeps the justification state of absences that stay absences. The signals are recomputed after
    commit.

    ``seen`` is what the page showed when the person opened it (a teacher and the CPE may have the
    same register open). Then only the marks this person changed are written, and a mark that
    someone else changed meanwhile is kept as it is: the returned register's ``conflicts`` lists
    those students (id → the status now recorded), for the page to say so. Never a silent overwrite.
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

    # One writer at a time per session: the second of two simultaneous saves reads the first's marks.
    type(session).objects.select_for_update().filter(pk=session.pk).first()
    now = timezone.now()
    staff = user.staff_profile
    half_day = HalfDay.of(session.start)
    register, created = AttendanceRegister.objects.get_or_create(
        session=session,
        defaults={
            "etablissement_id": session.etablissement_id,
            "date": session.date,
            "half_day": half_day,
            "taken_by": staff,
            "taken_at": now,
            "updated_at": now,
        },
    )
    if not created:
        register.updated_at, register.half_day = now, half_day
        register.save(update_fields=["updated_at", "half_day"])
    existing = {mark.student_id: mark for mark in register.marks.all()}
    covering = _covering_justifications(students, session.date)
    to_create, to_update = [], []
    conflicts: dict[int, str] = {}
    for student_id in students:
        status = marks.get(student_id, AttendanceStatus.PRESENT)
        mark = existing.get(student_id) or AttendanceMark(register=register, student_id=student_id)
        if seen is not None:
            recorded = mark.status if mark.pk else AttendanceStatus.PRESENT
            shown = seen.get(student_id, AttendanceStatus.PRESENT)
            if status == shown:
                continue  # not touched by this person: whatever is recorded stays
            if recorded != shown:
                if recorded != status:
                    conflicts[student_id] = recorded  # changed by someone else meanwhile: kept
                continue
        was_absent = mark.pk is not None and mark.status == AttendanceStatus.ABSENT
        mark.status = status
        if status != AttendanceStatus.ABSENT:
            mark.absence_status, mark.justification = AbsenceStatus.NONE, None
            mark.settled_reason, mark.settled_by, mark.settled_at = "", None, None
        elif not was_absent:
            justification = covering.get(student_id)
            mark.justification = justification
            mark.absence_status = AbsenceStatus.JUSTIFIED if justification else AbsenceStatus.TO_JUSTIFY
        (to_update if mark.pk else to_create).append(mark)
    AttendanceMark.objects.bulk_create(to_create)
    AttendanceMark.objects.bulk_update(
        to_update, ["status", "absence_status", "justification", "settled_reason", "settled_by", "settled_at"]
    )
    _audit(user=user, action="create" if created else "change", obj=register)
    _signals_after_commit(session.etablissement_id)
    register.conflicts = conflicts
    return register


def _check_vie_scolaire(user, student: Student) -> None:
    staff = getattr(user, "staff_profile", None)
    if (
        staff is None
        or not staff.is_cpe
        or staff.left_on is not None
        or staff.etablissement_id != student.etablissement_id
    ):
        raise ValidationError(_("Seule la vie scolaire de l'établissement de l'élève peut justifier ou régler."))


def _check_period(*, reason: str, start: dt.date, end: dt.date) -> None:
    if reason not in JustificationReason.values:
        raise ValidationError(_("Choisissez un motif dans la liste."))
    if start > end:
        raise ValidationError(_("La date de fin doit suivre la date de début."))
    if (end - start).days > MAX_JUSTIFICATION_DAYS:
        raise ValidationError(_("Une justification couvre au plus deux mois."))


def _period_text(justification: Justification) -> str:
    if justification.start == justification.end:
        return _("le %(day)s") % {"day": day_month(justification.start)}
    return _("du %(start)s au %(end)s") % {"start": day_month(justification.start), "end": day_month(justification.end)}


def _absences_between(student: Student, start: dt.date, end: dt.date) -> bool:
    return AttendanceMark.objects.filter(
        student=student, status=AttendanceStatus.ABSENT, register__date__range=(start, end)
    ).exists()


def _clean_explanation(explanation: str) -> str:
    explanation = " ".join(explanation.split())
    if len(explanation) > 500:
        raise ValidationError(_("L'explication tient en 500 caractères au plus."))
    return explanation


def _explanation_text(justification: Justification) -> str:
    """The family's words, quoted on the case history after the reason."""
    if not justification.explanation:
        return ""
    return " " + _("Explication : « %(text)s »") % {"text": justification.explanation}


def _greeting(user) -> str:
    """« Madame » or « Monsieur » when the guardian's civility is known, as a letter would."""
    guardian = getattr(user, "guardian_profile", None)
    civility = (guardian.civility if guardian else "").lower().rstrip(".")
    if civility in ("mme", "madame"):
        return _("Madame")
    if civility in ("m", "monsieur"):
        return _("Monsieur")
    return _("Madame, Monsieur")


def _on_case(*, student: Student, user, text: str, evidence: dict) -> None:
    """Write a step of the student's absences on his open case, if he has one."""
    case = Case.objects.open().filter(student=student).first()
    if case is not None:
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.JUSTIFICATION,
            occurred_at=timezone.now(),
            author=user,
            text=text,
            evidence=evidence,
        )


def _justify_marks(justification: Justification) -> int:
    """The absences "à justifier" of the period become "justifiée" (a settled one stays settled)."""
    return (
        AttendanceMark.objects.filter(
            student_id=justification.student_id,
            status=AttendanceStatus.ABSENT,
            register__date__range=(justification.start, justification.end),
        )
        .exclude(absence_status=AbsenceStatus.SETTLED)
        .update(absence_status=AbsenceStatus.JUSTIFIED, justification=justification)
    )


@transaction.atomic
def absence_justify(
    *,
    user,
    student: Student,
    start: dt.date,
    end: dt.date,
    reason: str,
    explanation: str = "",
    today: dt.date | None = None,
) -> Justification:
    """The vie scolaire justifies a student's absences over a period, with or without an open case.

    Accepted at once: the absences "à justifier" of the period become "justifiée" and the levels
    are recomputed after commit (they may go down).
    """
    today = today or timezone.localdate()
    _check_vie_scolaire(user, student)
    _check_period(reason=reason, start=start, end=end)
    if start > today + dt.timedelta(days=MAX_DAYS_AHEAD_VIE_SCOLAIRE):
        raise ValidationError(_("Une absence ne peut être justifiée plus d'un mois à l'avance."))
    now = timezone.now()
    justification = Justification.objects.create(
        etablissement_id=student.etablissement_id,
        student=student,
        start=start,
        end=end,
        reason=reason,
        explanation=_clean_explanation(explanation),
        given_by=user,
        given_at=now,
        status=JustificationStatus.ACCEPTED,
        decided_by=user,
        decided_at=now,
    )
    count = _justify_marks(justification)
    _on_case(
        student=student,
        user=user,
        text=_("Absences justifiées par la vie scolaire %(period)s : %(reason)s.")
        % {"period": _period_text(justification), "reason": justification.get_reason_display()}
        + _explanation_text(justification),
        evidence={"justification": justification.pk, "absences": count},
    )
    _audit(user=user, action="create", obj=justification, student=student)
    _signals_after_commit(student.etablissement_id)
    return justification


@transaction.atomic
def justification_request(
    *,
    user,
    student: Student,
    start: dt.date,
    end: dt.date,
    reason: str,
    explanation: str = "",
    today: dt.date | None = None,
) -> Justification:
    """A guardian asks the vie scolaire to justify his child's absences over a period.

    A request, never a justification by itself: the absences stay "à justifier" until the vie
    scolaire accepts it. Only past days and the next few days (the school's setting) may be asked.
    The CPEs are told through the outbox.
    """
    today = today or timezone.localdate()
    guardian = getattr(user, "guardian_profile", None)
    if guardian is None or not GuardianLink.objects.filter(guardian=guardian, student=student).exists():
        raise ValidationError(_("Seul un responsable de l'élève peut demander la justification de ses absences."))
    _check_period(reason=reason, start=start, end=end)
    days_ahead = settings_get(etablissement=student.etablissement_id).justification_days_ahead
    last_day = today + dt.timedelta(days=days_ahead)
    if end > last_day:
        # Keyed by field: the family's form shows it next to the end date.
        raise ValidationError(
            {
                "end": _(
                    "Une absence à venir se justifie au plus %(n)s jours à l'avance (jusqu'au %(day)s) : "
                    "pour une absence plus lointaine, prenez contact avec la vie scolaire."
                )
                % {"n": days_ahead, "day": day_month(last_day)}
                if days_ahead
                else _("Seules les absences passées ou du jour se justifient ici.")
            }
        )
    # A past period without any recorded absence has nothing to justify: said to the family at once
    # rather than sent to the CPE to refuse. Today and the days ahead stay open (the register may
    # not be taken yet).
    if end < today and not _absences_between(student, start, end):
        period = (
            _("le %(day)s") % {"day": day_month(start)}
            if start == end
            else _("du %(start)s au %(end)s") % {"start": day_month(start), "end": day_month(end)}
        )
        raise ValidationError(_("Aucune absence n'est enregistrée %(period)s : rien à justifier.") % {"period": period})
    justification = Justification.objects.create(
        etablissement_id=student.etablissement_id,
        student=student,
        start=start,
        end=end,
        reason=reason,
        explanation=_clean_explanation(explanation),
        given_by=user,
        given_at=timezone.now(),
        status=JustificationStatus.PENDING,
    )
    _on_case(
        student=student,
        user=user,
        text=_("Demande de justification des responsables %(period)s : %(reason)s (en attente).")
        % {"period": _period_text(justification), "reason": justification.get_reason_display()}
        + _explanation_text(justification),
        evidence={"justification": justification.pk},
    )
    for cpe in _cpe_users(student.etablissement_id):
        _notify(
            etablissement=student.etablissement,
            kind="suivi.justification_requested",
            template="suivi/notifications/justification_requested",
            context={"justification": justification, "student": student, "period": _period_text(justification)},
            user=cpe,
            channels=("portal",),
            idempotency_key=f"suivi:justification_requested:{justification.pk}:{cpe.pk}",
            related=justification,
        )
    _audit(user=user, action="create", obj=justification, student=student)
    return justification


@transaction.atomic
def justification_decide(*, user, justification: Justification, accept: bool, note: str = "") -> Justification:
    """The vie scolaire accepts or refuses a guardian's request; a refusal says why.

    Accepted, it justifies the absences of its period (levels recomputed after commit). The
    guardian who asked is told of the decision; both steps stay on the student's history.
    """
    justification = Justification.objects.select_for_update().select_related("student").get(pk=justification.pk)
    student = justification.student
    _check_vie_scolaire(user, student)
    note = note.strip()
    if justification.status != JustificationStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà reçu une réponse."))
    if not accept and not note:
        raise ValidationError(_("Indiquez à la famille pourquoi la demande est refusée."))
    justification.status = JustificationStatus.ACCEPTED if accept else JustificationStatus.REFUSED
    justification.decided_by, justification.decided_at, justification.decision_note = user, timezone.now(), note[:300]
    justification.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    values = {"period": _period_text(justification), "reason": justification.get_reason_display(), "note": note}
    if accept:
        count = _justify_marks(justification)
        text = _("Demande de justification %(period)s acceptée (%(reason)s).") % values
        if note:
            text += " " + _("Mot de la vie scolaire : %(note)s") % values
        _signals_after_commit(student.etablissement_id)
    else:
        count = 0
        text = _("Demande de justification %(period)s refusée (%(reason)s) : %(note)s") % values
    _on_case(student=student, user=user, text=text, evidence={"justification": justification.pk, "absences": count})
    if justification.given_by_id is not None:
        # Written like the notices: a greeting, the deciding CPE's signature with the vie scolaire's
        # contact, and the family's answer goes to that CPE (else to the vie scolaire).
        from .notices import notice_signer  # notices reads absences: imported here, not at the top

        signer = notice_signer(user=user, etablissement=student.etablissement)
        _notify(
            etablissement=student.etablissement,
            kind="suivi.justification_decided",
            template="suivi/notifications/justification_decided",
            context={
                "justification": justification,
                "student": student,
                "period": values["period"],
                "greeting": _greeting(justification.given_by),
                "signature": signer["signature"],
                "etablissement": student.etablissement,
            },
            user=justification.given_by,
            idempotency_key=f"suivi:justification_decided:{justification.pk}",
            reply_to=signer["reply_to"],
            related=justification,
        )
    _audit(user=user, action="change", obj=justification, student=student)
    return justification


def _absence_to_process(*, user, mark: AttendanceMark, refused: str) -> AttendanceMark:
    """The mark locked, if the vie scolaire may still process it: an absence still "à justifier"."""
    mark = AttendanceMark.objects.select_for_update().select_related("student", "register").get(pk=mark.pk)
    _check_vie_scolaire(user, mark.student)
    if mark.status != AttendanceStatus.ABSENT:
        raise ValidationError(refused)
    if mark.absence_status != AbsenceStatus.TO_JUSTIFY:
        state = mark.get_absence_status_display().lower()
        raise ValidationError(_("Cette absence est déjà %(state)s.") % {"state": state})
    return mark


def _absence_processed(*, user, mark: AttendanceMark, fields: list[str], text: str) -> AttendanceMark:
    """Save who processed the absence, when and why; tell the case, the audit log and the signals."""
    mark.settled_by, mark.settled_at = user, timezone.now()
    mark.save(update_fields=[*fields, "settled_reason", "settled_by", "settled_at"])
    _on_case(student=mark.student, user=user, text=text, evidence={"absence": mark.pk})
    _audit(user=user, action="change", obj=mark, student=mark.student)
    _signals_after_commit(mark.student.etablissement_id)
    return mark


@transaction.atomic
def absence_settle(*, user, mark: AttendanceMark, reason: str) -> AttendanceMark:
    """The vie scolaire settles ("règle") one absence with a reason: it no longer counts in the signals."""
    mark = _absence_to_process(user=user, mark=mark, refused=_("Seule une absence peut être réglée."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Indiquez le motif du règlement de l'absence."))
    mark.absence_status, mark.settled_reason = AbsenceStatus.SETTLED, reason[:200]
    day = day_month(mark.register.date)
    text = _("Absence du %(day)s réglée : %(reason)s") % {"day": day, "reason": reason}
    return _absence_processed(user=user, mark=mark, fields=["absence_status"], text=text)


@transaction.atomic
def absence_correct(*, user, mark: AttendanceMark, status: str, reason: str = "") -> AttendanceMark:
    """The vie scolaire corrects a mistaken register: the student was there ("appel erroné").

    The absence disappears from every count (sessions missed, half-days, DASEN, signals); who
    corrected it, when and why stay on the mark.
    """
    mark = _absence_to_process(user=user, mark=mark, refused=_("Seule une absence peut être rectifiée."))
    if status not in CORRECTED_STATUSES:
        raise ValidationError(_("Indiquez comment l'élève a suivi la séance."))
    reason = " ".join(reason.split())
    label = AttendanceStatus(status).label
    written = _("Appel rectifié : %(status)s") % {"status": str(label).lower()}
    mark.status, mark.absence_status = status, AbsenceStatus.NONE
    mark.settled_reason = (f"{written} — {reason}" if reason else written)[:200]
    day = day_month(mark.register.date)
    text = _("Appel du %(day)s rectifié : %(status)s") % {"day": day, "status": label}
    return _absence_processed(user=user, mark=mark, fields=["status", "absence_status"], text=text)


# A mistaken "absent" becomes what the student really did: in class, at a distance, or late.
CORRECTED_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.REMOTE, AttendanceStatus.LATE)


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
    """An accepted justification still running (or given for the last days); a request is not one."""
    return Justification.objects.accepted().filter(student=student, end__gte=today).order_by("-end").first()
