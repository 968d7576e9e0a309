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
from continuite.french import day_month

from .. import queries
from ..models import (
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Flag,
    FlagKind,
    Level,
    SuiviSettings,
)
from .cases import case_open
from .common import _audit, _cpe_users, _notify, _signals_after_commit
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
    """The levels of one student from his counts; a pure function, pinned by tests.

    ``counts`` over the window: sessions (remote sessions registered), unexcused (absences neither
    justified nor settled; "présent à distance" and late are present), technical, missing_work,
    flags, unreachable, equipment (0/1); and over the last 30 days: unexcused_half_days (the DASEN
    count). A share of absences is read only over ``min_sessions`` sessions and from
    ``vigilance_min_absences`` / ``risque_min_absences`` absences: one missed class never makes a level.
    """
    sessions = counts.get("sessions", 0)
    unexcused = counts.get("unexcused", 0)
    missing = counts.get("missing_work", 0)
    flags = counts.get("flags", 0)
    unreachable = counts.get("unreachable", 0)
    technical = counts.get("technical", 0)
    equipment = counts.get("equipment", 0)
    half_days = counts.get("unexcused_half_days", 0)
    found = Evaluation(
        evidence={k: v for k, v in counts.items() if v},
        severity=unexcused + missing + flags + unreachable,
    )

    def fire(level: str, rule: str) -> None:
        found.rules.append(f"{Level(level).label} : {rule}")
        if Level.rank(level) > Level.rank(found.level):
            found.level = level

    if sessions >= settings.min_sessions and unexcused >= settings.vigilance_min_absences:
        share = round(100 * unexcused / sessions)
        found.evidence["part_absences"] = share
        rule = _("%(share)s %% des séances à distance manquées sans justification (%(n)s sur %(total)s)") % {
            "share": share,
            "n": unexcused,
            "total": sessions,
        }
        if share >= settings.risque_absence_percent and unexcused >= settings.risque_min_absences:
            fire(Level.RISQUE, rule + _(" ≥ %(t)s %%") % {"t": settings.risque_absence_percent})
        elif share >= settings.vigilance_absence_percent:
            fire(Level.VIGILANCE, rule + _(" ≥ %(t)s %%") % {"t": settings.vigilance_absence_percent})
    if settings.dasen_half_days and half_days >= settings.dasen_half_days:
        fire(
            Level.RISQUE,
            _("%(n)s demi-journées d'absence non justifiées sur 30 jours ≥ %(t)s (règle DASEN : signalement à faire)")
            % {"n": half_days, "t": settings.dasen_half_days},
        )
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


def signals_evaluate_school(*, etablissement_id: int, today: dt.date, student_ids=None) -> dict[int, Evaluation]:
    """Every student's evaluation over the window: one aggregate query per signal kind. ``student_ids``
    narrows every aggregate to those students (a case page reads one student, not the school)."""
    settings = settings_get(etablissement=etablissement_id)
    start = queries.window_start(etablissement_id=etablissement_id, today=today, days=settings.window_days)
    window = {"etablissement_id": etablissement_id, "start": start, "end": today, "student_ids": student_ids}
    attendance = queries.attendance_by_student(**window)
    missing = queries.missing_work_by_student(**window)
    flags = queries.flags_by_student(**window)
    unreachable = queries.unreachable_by_student(**window)
    half_days = queries.half_days_by_student(
        etablissement_id=etablissement_id,
        start=today - dt.timedelta(days=queries.DASEN_DAYS - 1),
        end=today,
        student_ids=student_ids,
    )
    equipment = queries.equipment_gap_students(etablissement_id=etablissement_id, student_ids=student_ids)
    found: dict[int, Evaluation] = {}
    for student_id in set(attendance) | set(missing) | set(flags) | set(unreachable) | set(half_days):
        counts = dict(attendance.get(student_id, {}))
        counts.update(
            missing_work=missing.get(student_id, 0),
            flags=flags.get(student_id, 0),
            unreachable=unreachable.get(student_id, 0),
            unexcused_half_days=half_days.get(student_id, {}).get("unexcused_half_days", 0),
            equipment=int(student_id in equipment),
        )
        evaluation = signal_evaluate(counts, settings)
        evaluation.evidence["fenetre"] = f"{start.isoformat()} → {today.isoformat()}"
        found[student_id] = evaluation
    return found


def case_current_rule(case: Case, *, today: dt.date) -> dict:
    """What the case page says under « Règle déclenchée »: the rules the signals read today (the
    same evaluation as ``signals_compute``), never the figures of the day the case was opened, which
    the history keeps; and the day the level was last set. Constant queries (one per signal kind).
    """
    evaluation = signals_evaluate_school(
        etablissement_id=case.etablissement_id, today=today, student_ids=[case.student_id]
    ).get(case.student_id)
    rules = evaluation.rules if evaluation is not None else []
    if rules:
        rule = "; ".join(rules)
    elif case.opened_by_id is not None:
        rule = _("aucun signal calculé aujourd'hui ; suivi ouvert par le CPE : %(why)s") % {"why": case.rule}
    else:
        rule = _("plus aucun signal dans la fenêtre aujourd'hui")
    # query: the last change of level (raised, lowered, reopened), else the opening
    changed = (
        CaseEvent.objects.filter(case=case, kind__in=[EventKind.LEVEL_UP, EventKind.LEVEL_DOWN, EventKind.REOPENED])
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return {"rule": rule, "since": timezone.localtime(changed or case.opened_at)}


def _level_change(case: Case, evaluation: Evaluation, *, auto_lower: bool) -> tuple[str, str] | None:
    """The case's new level and the kind of event, when the facts moved it (None: unchanged).

    A case follows the facts both ways; with no signal left it comes down to Vigilance (the CPE
    closes it). A case the CPE opened by hand is never lowered by the portal: his judgement stands.
    """
    target = evaluation.level or Level.VIGILANCE
    if Level.rank(target) > Level.rank(case.level):
        return target, EventKind.LEVEL_UP
    if auto_lower and Level.rank(target) < Level.rank(case.level):
        return target, EventKind.LEVEL_DOWN
    return None


def _follow(case: Case, evaluation: Evaluation) -> bool:
    """Bring an open case to the facts of today; every change of level is an event. True if changed."""
    before_level, before_severity, before_evidence = case.level, case.severity, case.evidence
    change = _level_change(case, evaluation, auto_lower=case.opened_by_id is None)
    case.severity = evaluation.severity
    case.evidence = evaluation.evidence
    if change is not None:
        case.level = change[0]
    if (case.level, case.severity, case.evidence) != (before_level, before_severity, before_evidence):
        case.save(update_fields=["level", "severity", "evidence"])
    if change is not None:
        text = _("%(before)s → %(after)s : %(rules)s") % {
            "before": Level(before_level).label,
            "after": Level(case.level).label,
            "rules": "; ".join(evaluation.rules) or _("plus aucun signal dans la fenêtre"),
        }
    elif before_severity and not evaluation.severity:
        text = _("Plus aucun signal dans la fenêtre : le suivi peut être clos si la situation est rétablie.")
    else:
        return before_severity != case.severity
    CaseEvent.objects.create(
        case=case,
        kind=change[1] if change else EventKind.LEVEL_DOWN,
        occurred_at=timezone.now(),
        text=text,
        evidence={**evaluation.evidence, "avant": before_level, "gravite_avant": before_severity},
    )
    return True


def _reopen(case: Case, evaluation: Evaluation) -> Case:
    """Signals came back after the case was closed: the same file is opened again, with the facts."""
    closed_at = case.closed_at
    case.status, case.closed_at, case.outcome = CaseStatus.OPEN, None, ""
    case.level, case.severity, case.evidence = evaluation.level, evaluation.severity, evaluation.evidence
    case.rule = "; ".join(evaluation.rules)[:300]
    case.save(update_fields=["status", "closed_at", "outcome", "level", "severity", "evidence", "rule"])
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.REOPENED,
        occurred_at=timezone.now(),
        text=_("Signaux revenus depuis la clôture du %(day)s : %(rules)s")
        % {"day": day_month(timezone.localdate(closed_at)), "rules": "; ".join(evaluation.rules)},
        evidence=evaluation.evidence,
    )
    Flag.objects.filter(student_id=case.student_id, case__isnull=True).update(case=case)
    for cpe in _cpe_users(case.etablissement_id):
        _notify(
            etablissement=case.etablissement,
            kind="suivi.case_reopened",
            template="suivi/notifications/case_reopened",
            context={"case": case, "student": case.student, "level": case.get_level_display(), "rule": case.rule},
            user=cpe,
            channels=("portal",),
            idempotency_key=f"suivi:case_reopened:{case.pk}:{closed_at.isoformat()}:{cpe.pk}",
            related=case,
        )
    return case


@transaction.atomic
def signals_compute(*, etablissement: Etablissement | int, today: dt.date | None = None) -> list[Case]:
    """Evaluate every student and bring the cases to the facts; returns the cases opened or changed.

    - A student crossing a level gets a case (never a second open one).
    - An open case follows the facts both ways: raised when worse, lowered when absences are
      justified or work handed in (not below the level the CPE chose when he opened it by hand);
      each change of level is an event on its history.
    - A closed case comes back when signals return: closed inside the window, it is reopened
      only if the situation is worse than when it was closed (never on the same evidence);
      closed before the window, the signals are new and a new case is opened.
    """
    etablissement_id = getattr(etablissement, "pk", etablissement)
    today = today or timezone.localdate()
    evaluations = signals_evaluate_school(etablissement_id=etablissement_id, today=today)
    open_cases = {
        case.student_id: case
        for case in Case.objects.open().filter(etablissement_id=etablissement_id).select_related("student")
    }
    flagged = {pk for pk, evaluation in evaluations.items() if evaluation.level}
    if not flagged and not open_cases:
        return []
    settings = settings_get(etablissement=etablissement_id)
    start = queries.window_start(etablissement_id=etablissement_id, today=today, days=settings.window_days)
    current = set(
        Student.objects.current()
        .filter(etablissement_id=etablissement_id, pk__in=flagged | set(open_cases))
        .values_list("pk", flat=True)
    )
    last_closed: dict[int, Case] = {}
    for case in Case.objects.closed().filter(student_id__in=flagged - set(open_cases)).order_by("-closed_at"):
        last_closed.setdefault(case.student_id, case)
    changed: list[Case] = []
    for student_id in sorted(current):
        evaluation = evaluations.get(student_id) or Evaluation()
        case = open_cases.get(student_id)
        if case is not None:
            if _follow(case, evaluation):
                changed.append(case)
            continue
        if not evaluation.level:
            continue
        closed = last_closed.get(student_id)
        if closed is not None and timezone.localdate(closed.closed_at) >= start:
            if evaluation.severity > closed.severity or Level.rank(evaluation.level) > Level.rank(closed.level):
                changed.append(_reopen(closed, evaluation))
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
    return changed
