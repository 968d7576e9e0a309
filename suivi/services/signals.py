"""Dropout signals: teachers' flags and the portal's own evaluation of each student."""

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuite.ecole.models import Etablissement, Student

from .. import queries
from ..models import (
    Case,
    CaseEvent,
    EventKind,
    Flag,
    FlagKind,
    Level,
    SuiviSettings,
)
from .cases import case_open
from .common import _audit, _signals_after_commit
from .config import settings_get

logger = logging.getLogger(__name__)


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
