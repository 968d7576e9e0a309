"""Suivi: every write of the follow-up (registers, hand-ins, flags, signals, cases, notices).

Keyword-only, typed, atomic, validating; errors are ``ValidationError`` with a French message.
Each change of a student's follow-up is written to the access log (``continuite.audit``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from continuite.ecole.models import Etablissement, Guardian, GuardianLink, Staff, Student

from . import queries
from .defaults import DEFAULT_NOTICES, PLACEHOLDERS
from .models import (
    AbsenceStatus,
    AttendanceMark,
    AttendanceRegister,
    AttendanceStatus,
    Case,
    CaseAction,
    CaseEvent,
    CaseOutcome,
    CaseStatus,
    ContactChannel,
    ContactOutcome,
    EventKind,
    FamilyContact,
    Flag,
    FlagKind,
    HandIn,
    HandInStatus,
    Justification,
    JustificationReason,
    Level,
    Notice,
    NoticeStage,
    NoticeTemplate,
    SuiviSettings,
)

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
    from .tasks import compute_signals

    transaction.on_commit(lambda: compute_signals.delay(etablissement_id))


# --- Settings and notice texts -------------------------------------------------------------------


def settings_get(*, etablissement: Etablissement | int) -> SuiviSettings:
    etablissement_id = getattr(etablissement, "pk", etablissement)
    found, _created = SuiviSettings.objects.get_or_create(etablissement_id=etablissement_id)
    return found


@transaction.atomic
def settings_update(*, etablissement: Etablissement, user, **values: int) -> SuiviSettings:
    """Change the school's window and thresholds; vigilance must stay below risque."""
    current = settings_get(etablissement=etablissement)
    for name, value in values.items():
        setattr(current, name, value)
    if current.vigilance_absence_percent >= current.risque_absence_percent:
        raise ValidationError(_("Le seuil de vigilance doit être inférieur au seuil de risque (absences)."))
    if current.vigilance_missing_work >= current.risque_missing_work:
        raise ValidationError(_("Le seuil de vigilance doit être inférieur au seuil de risque (travaux non rendus)."))
    current.full_clean()
    current.save()
    _audit(user=user, action="change", obj=current)
    return current


def notice_templates_get(*, etablissement: Etablissement) -> list[NoticeTemplate]:
    """The school's three notice texts, created from the defaults the first time."""
    existing = {t.level: t for t in NoticeTemplate.objects.filter(etablissement=etablissement)}
    for level, (subject, body) in DEFAULT_NOTICES.items():
        if level not in existing:
            existing[level], _created = NoticeTemplate.objects.get_or_create(
                etablissement=etablissement, level=level, defaults={"subject": str(subject), "body": str(body)}
            )
    return [existing[level] for level in sorted(existing)]


def _check_placeholders(text: str) -> None:
    try:
        text.format_map({name: "" for name in PLACEHOLDERS})
    except (KeyError, ValueError, IndexError) as exc:
        raise ValidationError(
            _("Le texte contient un champ inconnu ou mal écrit (%(error)s). Champs possibles : %(names)s.")
            % {"error": exc, "names": ", ".join("{" + n + "}" for n in PLACEHOLDERS)}
        ) from exc


@transaction.atomic
def notice_template_update(
    *, etablissement: Etablissement, user, level: int, subject: str, body: str
) -> NoticeTemplate:
    """Edit the text of one notice level; placeholders are checked so that sending never fails."""
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ValidationError(_("L'objet et le texte de l'avis sont obligatoires."))
    _check_placeholders(subject)
    _check_placeholders(body)
    template = next((t for t in notice_templates_get(etablissement=etablissement) if t.level == level), None)
    if template is None:
        raise ValidationError(_("Niveau d'avis inconnu."))
    template.subject, template.body = subject, body
    template.save(update_fields=["subject", "body", "updated_at"])
    _audit(user=user, action="change", obj=template)
    return template


# --- Registers -----------------------------------------------------------------------------------


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


# --- Flags ---------------------------------------------------------------------------------------


@transaction.atomic
def flag_raise(
    *, user, student: Student, kind: str, observed: str, since: dt.date, today: dt.date | None = None
) -> Flag:
    """A staff member's "fiche de repérage". It joins the open case, or feeds the signals."""
    today = today or timezone.localdate()
    observed = observed.strip()
    if kind not in FlagKind.values:
        raise ValidationError(_("Choisissez un motif dans la liste."))
    if not observed:
        raise ValidationError(_("Décrivez ce que vous avez observé."))
    if since > today:
        raise ValidationError(_("La date « depuis le » ne peut pas être dans le futur."))
    staff = user.staff_profile
    if staff is None or staff.etablissement_id != student.etablissement_id:
        raise ValidationError(_("Seul un personnel de l'établissement de l'élève peut le signaler."))
    case = Case.objects.open().filter(student=student).first()
    flag = Flag.objects.create(
        etablissement_id=student.etablissement_id,
        student=student,
        raised_by=staff,
        kind=kind,
        observed=observed,
        since=since,
        raised_at=timezone.now(),
        case=case,
    )
    if case is not None:
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.FLAG,
            occurred_at=flag.raised_at,
            author=user,
            text=observed,
            evidence={"flag": flag.pk, "motif": flag.get_kind_display(), "depuis": since.isoformat()},
        )
    _audit(user=user, action="create", obj=flag, student=student)
    _signals_after_commit(student.etablissement_id)
    return flag


# --- Signals -------------------------------------------------------------------------------------


@dataclass
class Evaluation:
    level: str = ""
    rules: list[str] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    severity: int = 0


def signal_evaluate(counts: Mapping[str, int], settings: SuiviSettings) -> Evaluation:
    """The levels of one student from his counts over the window; a pure function, pinned by tests.

    ``counts``: sessions (remote sessions registered), unexcused (absences neither justified nor
    settled; "présent à distance" and late are present), technical, missing_work, flags,
    unreachable, equipment (0/1).
    """
    sessions = counts.get("sessions", 0)
    unexcused = counts.get("unexcused", 0)
    missing = counts.get("missing_work", 0)
    flags = counts.get("flags", 0)
    unreachable = counts.get("unreachable", 0)
    technical = counts.get("technical", 0)
    equipment = counts.get("equipment", 0)
    found = Evaluation(
        evidence={k: v for k, v in counts.items() if v},
        severity=unexcused + missing + flags + unreachable,
    )

    def fire(level: str, rule: str) -> None:
        found.rules.append(f"{Level(level).label} : {rule}")
        if Level.rank(level) > Level.rank(found.level):
            found.level = level

    if sessions >= settings.min_sessions and unexcused:
        share = round(100 * unexcused / sessions)
        found.evidence["part_absences"] = share
        rule = _("%(share)s %% des séances à distance manquées sans justification (%(n)s sur %(total)s)") % {
            "share": share,
            "n": unexcused,
            "total": sessions,
        }
        if share >= settings.risque_absence_percent:
            fire(Level.RISQUE, rule + _(" ≥ %(t)s %%") % {"t": settings.risque_absence_percent})
        elif share >= settings.vigilance_absence_percent:
            fire(Level.VIGILANCE, rule + _(" ≥ %(t)s %%") % {"t": settings.vigilance_absence_percent})
    if missing >= settings.risque_missing_work:
        fire(Level.RISQUE, _("%(n)s travaux non rendus ≥ %(t)s") % {"n": missing, "t": settings.risque_missing_work})
    elif missing >= settings.vigilance_missing_work:
        fire(
            Level.VIGILANCE,
            _("%(n)s travaux non rendus ≥ %(t)s") % {"n": missing, "t": settings.vigilance_missing_work},
        )
    if flags >= settings.risque_flags:
        fire(Level.RISQUE, _("%(n)s fiches de repérage ≥ %(t)s") % {"n": flags, "t": settings.risque_flags})
    elif flags:
        fire(Level.VIGILANCE, _("fiche de repérage d'un personnel"))
    if unreachable >= settings.vigilance_unreachable:
        fire(Level.VIGILANCE, _("famille injoignable (%(n)s tentatives sans réponse)") % {"n": unreachable})
    if technical >= settings.vigilance_technical:
        fire(Level.VIGILANCE, _("%(n)s problèmes techniques en classe virtuelle") % {"n": technical})
    if equipment and found.level:
        found.rules.append(_("Besoin d'équipement en attente de décision"))
    return found


def signals_evaluate_school(*, etablissement_id: int, today: dt.date) -> dict[int, Evaluation]:
    """Every student's evaluation over the window: one aggregate query per signal kind."""
    settings = settings_get(etablissement=etablissement_id)
    start = queries.window_start(etablissement_id=etablissement_id, today=today, days=settings.window_days)
    window = {"etablissement_id": etablissement_id, "start": start, "end": today}
    attendance = queries.attendance_by_student(**window)
    missing = queries.missing_work_by_student(**window)
    flags = queries.flags_by_student(**window)
    unreachable = queries.unreachable_by_student(**window)
    equipment = queries.equipment_gap_students(etablissement_id=etablissement_id)
    found: dict[int, Evaluation] = {}
    for student_id in set(attendance) | set(missing) | set(flags) | set(unreachable):
        counts = dict(attendance.get(student_id, {}))
        counts.update(
            missing_work=missing.get(student_id, 0),
            flags=flags.get(student_id, 0),
            unreachable=unreachable.get(student_id, 0),
            equipment=int(student_id in equipment),
        )
        evaluation = signal_evaluate(counts, settings)
        evaluation.evidence["fenetre"] = f"{start.isoformat()} → {today.isoformat()}"
        found[student_id] = evaluation
    return found


@transaction.atomic
def signals_compute(*, etablissement: Etablissement | int, today: dt.date | None = None) -> list[Case]:
    """Evaluate every student and open a case for each one crossing a level (never a second one).

    An open case whose student got worse is raised to the new level and its severity updated.
    A student whose case was closed inside the window is not reopened on the same evidence.
    Returns the cases opened or raised.
    """
    etablissement_id = getattr(etablissement, "pk", etablissement)
    today = today or timezone.localdate()
    evaluations = {
        pk: e for pk, e in signals_evaluate_school(etablissement_id=etablissement_id, today=today).items() if e.level
    }
    if not evaluations:
        return []
    settings = settings_get(etablissement=etablissement_id)
    start = queries.window_start(etablissement_id=etablissement_id, today=today, days=settings.window_days)
    current = set(
        Student.objects.current()
        .filter(etablissement_id=etablissement_id, pk__in=evaluations)
        .values_list("pk", flat=True)
    )
    open_cases = {case.student_id: case for case in Case.objects.open().filter(student_id__in=current)}
    recently_closed = set(
        Case.objects.closed()
        .filter(student_id__in=current, closed_at__date__gte=start)
        .values_list("student_id", flat=True)
    )
    changed: list[Case] = []
    for student_id in sorted(current):
        evaluation = evaluations[student_id]
        case = open_cases.get(student_id)
        if case is None:
            if student_id in recently_closed:
                continue
            try:
                changed.append(
                    case_open(
                        student=Student.objects.get(pk=student_id),
                        user=None,
                        level=evaluation.level,
                        rule="; ".join(evaluation.rules),
                        evidence=evaluation.evidence,
                        severity=evaluation.severity,
                    )
                )
            except ValidationError:
                continue  # opened meanwhile by another run: never a second case
        elif Level.rank(evaluation.level) > Level.rank(case.level) or evaluation.severity > case.severity:
            raised = Level.rank(evaluation.level) > Level.rank(case.level)
            case.level = evaluation.level if raised else case.level
            case.severity = max(case.severity, evaluation.severity)
            case.evidence = evaluation.evidence
            case.save(update_fields=["level", "severity", "evidence"])
            if raised:
                CaseEvent.objects.create(
                    case=case,
                    kind=EventKind.LEVEL_UP,
                    occurred_at=timezone.now(),
                    text="; ".join(evaluation.rules),
                    evidence=evaluation.evidence,
                )
                changed.append(case)
    return changed


# --- Cases ---------------------------------------------------------------------------------------


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


@transaction.atomic
def case_open(
    *,
    student: Student,
    user=None,
    level: str,
    rule: str,
    evidence: dict | None = None,
    severity: int = 0,
) -> Case:
    """Open the case of a student (by the signals, ``user=None``, or by the CPE); never a second open one.

    The student's flags not yet on a case join it; the CPEs are told.
    """
    if level not in Level.values:
        raise ValidationError(_("Niveau inconnu."))
    if not rule.strip():
        raise ValidationError(_("Indiquez ce qui motive l'ouverture du suivi."))
    if Case.objects.open().filter(student=student).exists():
        raise ValidationError(_("Un suivi est déjà ouvert pour cet élève."))
    now = timezone.now()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                etablissement_id=student.etablissement_id,
                student=student,
                level=level,
                rule=rule[:300],
                evidence=evidence or {},
                severity=severity,
                opened_at=now,
                opened_by=user,
            )
    except IntegrityError as exc:
        raise ValidationError(_("Un suivi est déjà ouvert pour cet élève.")) from exc
    CaseEvent.objects.create(
        case=case, kind=EventKind.SIGNAL, occurred_at=now, author=user, text=rule, evidence=evidence or {}
    )
    Flag.objects.filter(student=student, case__isnull=True).update(case=case)
    for cpe in _cpe_users(student.etablissement_id):
        _notify(
            etablissement=student.etablissement,
            kind="suivi.case_opened",
            template="suivi/notifications/case_opened",
            context={"case": case, "student": student, "level": case.get_level_display(), "rule": rule},
            user=cpe,
            channels=("portal",),
            idempotency_key=f"suivi:case_opened:{case.pk}:{cpe.pk}",
            related=case,
        )
    _audit(user=user, action="create", obj=case, student=student)
    return case


def _check_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("Ce suivi est clos : il ne peut plus être modifié."))


def _refresh_review(case: Case) -> None:
    case.review_on = case.actions.filter(done_at__isnull=True).aggregate(first=Min("review_on"))["first"]
    case.save(update_fields=["review_on"])


@transaction.atomic
def case_interview_record(*, case: Case, user, text: str, occurred_on: dt.date | None = None) -> CaseEvent:
    """Record the interview with the student: what was said and agreed (no health details)."""
    _check_open(case)
    text = text.strip()
    if not text:
        raise ValidationError(_("Résumez l'entretien en quelques lignes."))
    occurred_on = occurred_on or timezone.localdate()
    if occurred_on > timezone.localdate():
        raise ValidationError(_("La date de l'entretien ne peut pas être dans le futur."))
    moment = timezone.make_aware(dt.datetime.combine(occurred_on, dt.time(12, 0)))
    if occurred_on == timezone.localdate():
        moment = timezone.now()
    event = CaseEvent.objects.create(case=case, kind=EventKind.INTERVIEW, occurred_at=moment, author=user, text=text)
    _audit(user=user, action="change", obj=case, student=case.student)
    return event


@transaction.atomic
def case_action_add(*, case: Case, user, what: str, owner: Staff, review_on: dt.date) -> CaseAction:
    """An action decided for the student, with the staff member in charge and the date of the next point."""
    _check_open(case)
    what = what.strip()
    if not what:
        raise ValidationError(_("Décrivez l'action."))
    if owner.etablissement_id != case.etablissement_id or owner.left_on is not None:
        raise ValidationError(_("Le responsable doit être un personnel de l'établissement."))
    if review_on < timezone.localdate():
        raise ValidationError(_("La date du point ne peut pas être passée."))
    action = CaseAction.objects.create(
        case=case, what=what, owner=owner, review_on=review_on, created_at=timezone.now(), created_by=user
    )
    _refresh_review(case)
    _audit(user=user, action="change", obj=case, student=case.student)
    return action


@transaction.atomic
def case_action_done(*, action: CaseAction, user) -> CaseAction:
    _check_open(action.case)
    if action.done_at is None:
        action.done_at = timezone.now()
        action.save(update_fields=["done_at"])
        _refresh_review(action.case)
        _audit(user=user, action="change", obj=action.case, student=action.case.student)
    return action


@transaction.atomic
def family_contact_log(
    *,
    student: Student,
    user,
    channel: str,
    outcome: str,
    guardian: Guardian | None = None,
    note: str = "",
    case: Case | None = None,
    occurred_at: dt.datetime | None = None,
) -> FamilyContact:
    """Log a contact with the family (call, email, letter, meeting) and its outcome."""
    if case is not None:
        _check_open(case)
        student = case.student
    if channel not in ContactChannel.values or outcome not in ContactOutcome.values:
        raise ValidationError(_("Choisissez le moyen et le résultat du contact dans la liste."))
    if guardian is not None and not GuardianLink.objects.filter(guardian=guardian, student=student).exists():
        raise ValidationError(_("Ce responsable n'est pas rattaché à l'élève."))
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("Un contact ne peut pas être daté dans le futur."))
    contact = FamilyContact.objects.create(
        etablissement_id=student.etablissement_id,
        student=student,
        case=case,
        guardian=guardian,
        channel=channel,
        outcome=outcome,
        note=note.strip(),
        occurred_at=occurred_at,
        logged_by=user,
    )
    _audit(user=user, action="create", obj=contact, student=student)
    if outcome == ContactOutcome.UNREACHABLE:
        _signals_after_commit(student.etablissement_id)
    return contact


def active_justification(student: Student, today: dt.date) -> Justification | None:
    """A justification still running (or given for the last days): while it stands, no notice."""
    return Justification.objects.filter(student=student, end__gte=today).order_by("-end").first()


class _Blank(dict):
    def __missing__(self, key):  # an unknown field never breaks a notice
        return ""


def notice_render(*, case: Case, template: NoticeTemplate, today: dt.date) -> tuple[str, str]:
    evidence = case.evidence or {}
    values = _Blank(
        eleve=case.student.full_name,
        classe=str(case.student.division or ""),
        etablissement=str(case.etablissement.name),
        absences=evidence.get("unexcused", 0),
        seances=evidence.get("sessions", 0),
        travaux=evidence.get("missing_work", 0),
        date=today.strftime("%d/%m/%Y"),
    )
    return template.subject.format_map(values), template.body.format_map(values)


def notice_next_step(case: Case) -> tuple[str, int]:
    """The next step of the notices: (stage, level) — the warning of a level comes before its notice."""
    level = case.notice_level + 1
    warned = case.notices.filter(stage=NoticeStage.WARNING, level=level).exists()
    return (NoticeStage.NOTICE if warned else NoticeStage.WARNING), level


@transaction.atomic
def notice_send(*, case: Case, user, today: dt.date | None = None) -> Notice:
    """Send the next notice step: first the warning of the level to the form tutor, then the notice
    to both legal guardians (through the outbox, an acknowledgement asked of each).

    Refused while a justification covers the absences, and when the situation did not get worse
    since the last notice; the outbox keeps quiet hours (20:00–07:00).
    """
    today = today or timezone.localdate()
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("student__division", "etablissement")
        .get(pk=case.pk)
    )
    _check_open(case)
    if case.notice_level >= MAX_NOTICE_LEVEL:
        raise ValidationError(_("Le dernier niveau d'avis a déjà été envoyé : transmettez le dossier à la direction."))
    covering = active_justification(case.student, today)
    if covering is not None:
        raise ValidationError(
            _("Une justification valable couvre les absences jusqu'au %(end)s : aucun avis n'est envoyé.")
            % {"end": covering.end.strftime("%d/%m/%Y")}
        )
    last = case.notices.filter(stage=NoticeStage.NOTICE).order_by("-level").first()
    if last is not None and case.severity <= last.severity:
        raise ValidationError(
            _("La situation ne s'est pas aggravée depuis le dernier avis (envoyé le %(date)s) : pas de nouvel avis.")
            % {"date": timezone.localtime(last.sent_at).strftime("%d/%m/%Y")}
        )
    stage, level = notice_next_step(case)
    template = notice_templates_get(etablissement=case.etablissement)[level - 1]
    subject, body = notice_render(case=case, template=template, today=today)
    if stage == NoticeStage.WARNING:
        from continuite.accounts.models import User

        tutors = list(
            User.objects.filter(is_active=True, staff__tutored_divisions=case.student.division_id)
            if case.student.division_id
            else []
        )
        recipients = [{"user": tutor} for tutor in tutors]
        notice_kind, template_name = "suivi.notice_warning", "suivi/notifications/warning"
    else:
        links = GuardianLink.objects.filter(student=case.student, kind__in=["legal1", "legal2"]).select_related(
            "guardian"
        )
        recipients = [{"guardian": link.guardian} for link in links.order_by("kind")]
        if not recipients:
            raise ValidationError(_("L'élève n'a aucun responsable légal enregistré : l'avis ne peut pas partir."))
        notice_kind, template_name = "suivi.notice", "suivi/notifications/notice"
    notice = Notice.objects.create(
        case=case,
        stage=stage,
        level=level,
        severity=case.severity,
        subject=subject[:255],
        body=body,
        sent_at=timezone.now(),
        sent_by=user,
    )
    for recipient in recipients:
        who = recipient.get("user") or recipient.get("guardian")
        _notify(
            etablissement=case.etablissement,
            kind=notice_kind,
            template=template_name,
            context={"notice": notice, "case": case, "student": case.student, "subject": subject, "body": body},
            idempotency_key=f"suivi:notice:{notice.pk}:{type(who).__name__.lower()}:{who.pk}",
            ack_required=stage == NoticeStage.NOTICE,
            related=notice,
            **recipient,
        )
    if stage == NoticeStage.NOTICE:
        case.notice_level = level
        case.save(update_fields=["notice_level"])
    _audit(user=user, action="change", obj=case, student=case.student)
    return notice


@transaction.atomic
def case_escalate(*, case: Case, user, text: str) -> Case:
    """Report the case to the direction (it then sees it, and is told through the outbox)."""
    _check_open(case)
    text = text.strip()
    if not text:
        raise ValidationError(_("Indiquez pourquoi le dossier est transmis à la direction."))
    if case.escalated_at is not None:
        raise ValidationError(_("Ce dossier a déjà été transmis à la direction."))
    case.escalated_at, case.escalated_by = timezone.now(), user
    case.save(update_fields=["escalated_at", "escalated_by"])
    CaseEvent.objects.create(
        case=case, kind=EventKind.ESCALATION, occurred_at=case.escalated_at, author=user, text=text
    )
    for direction in _direction_users(case.etablissement_id):
        _notify(
            etablissement=case.etablissement,
            kind="suivi.case_escalated",
            template="suivi/notifications/case_escalated",
            context={"case": case, "student": case.student, "text": text},
            user=direction,
            idempotency_key=f"suivi:escalated:{case.pk}:{direction.pk}",
            related=case,
        )
    _audit(user=user, action="change", obj=case, student=case.student)
    return case


@transaction.atomic
def case_close(*, case: Case, user, outcome: str, text: str = "") -> Case:
    """Close the case with its outcome, or a hand-over (MLDS, CIO, PSAD)."""
    _check_open(case)
    if outcome not in CaseOutcome.values:
        raise ValidationError(_("Choisissez l'issue du suivi dans la liste."))
    case.status, case.closed_at, case.outcome, case.review_on = CaseStatus.CLOSED, timezone.now(), outcome, None
    case.save(update_fields=["status", "closed_at", "outcome", "review_on"])
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.CLOSURE,
        occurred_at=case.closed_at,
        author=user,
        text=text.strip(),
        evidence={"issue": str(CaseOutcome(outcome).label)},
    )
    _audit(user=user, action="change", obj=case, student=case.student)
    return case


def reviews_due_notify(*, etablissement: Etablissement, today: dt.date | None = None) -> int:
    """Tell each CPE, once a day, how many case reviews are due (the outbox makes it part of his digest)."""
    today = today or timezone.localdate()
    due = list(
        Case.objects.review_due(today)
        .filter(etablissement=etablissement)
        .select_related("student")
        .order_by("review_on")
    )
    if not due:
        return 0
    sent = 0
    for cpe in _cpe_users(etablissement.pk):
        _notify(
            etablissement=etablissement,
            kind="suivi.reviews_due",
            template="suivi/notifications/reviews_due",
            context={"cases": due, "today": today},
            user=cpe,
            idempotency_key=f"suivi:reviews_due:{etablissement.pk}:{cpe.pk}:{today.isoformat()}",
        )
        sent += 1
    return sent
