"""A student's follow-up case: opening, interview, actions, family contacts, escalation, closing."""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from continuite.ecole.models import Etablissement, Guardian, GuardianLink, Staff, Student

from ..models import (
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
    Level,
)
from .common import _audit, _cpe_users, _direction_users, _notify, _signals_after_commit

logger = logging.getLogger(__name__)


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
        raise ValidationError({"what": _("Décrivez l'action.")})
    if owner.etablissement_id != case.etablissement_id or owner.left_on is not None:
        raise ValidationError({"owner": _("Le responsable doit être un personnel de l'établissement.")})
    if review_on < timezone.localdate():
        # Keyed by field: the case page shows it next to the date, the form kept as typed.
        raise ValidationError({"review_on": _("La date du point ne peut pas être passée.")})
    action = CaseAction.objects.create(
        case=case, what=what, owner=owner, review_on=review_on, created_at=timezone.now(), created_by=user
    )
    _refresh_review(case)
    action_owner_notify(action=action, user=user)
    _audit(user=user, action="change", obj=case, student=case.student)
    return action


def action_owner_notify(*, action: CaseAction, user) -> bool:
    """Tell the owner of an action (outbox: mail and portal) unless he gave it to himself or has no
    account; returns whether someone was told (the case page says so otherwise)."""
    owner = action.owner
    if owner is None or owner.user_id is None or owner.user_id == getattr(user, "pk", None):
        return False
    if not owner.user.is_active:
        return False
    _notify(
        etablissement=action.case.etablissement,
        kind="suivi.action_assigned",
        template="suivi/notifications/action_assigned",
        context={"action": action, "student": action.case.student, "by": user},
        user=owner.user,
        idempotency_key=f"suivi:action_assigned:{action.pk}",
        related=action.case,
    )
    return True


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
    """Once a day: each owner of an action whose review date has come is reminded of his actions;
    each CPE is told which case reviews are due (the outbox makes it part of his digest).

    Returns how many reminders were written (idempotent per person and day)."""
    today = today or timezone.localdate()
    sent = actions_due_notify(etablissement=etablissement, today=today)
    due = list(
        Case.objects.review_due(today)
        .filter(etablissement=etablissement)
        .select_related("student__division")
        .order_by("review_on", "student__last_name")
    )
    if not due:
        return sent
    for case in due:
        case.url = settings.SITE_URL + case.get_absolute_url()
    context = {
        "cases": due,
        "late": [case for case in due if case.review_on < today],
        "today": today,
        "gpds_url": settings.SITE_URL + reverse("suivi:gpds"),
    }
    for cpe in _cpe_users(etablissement.pk):
        _notify(
            etablissement=etablissement,
            kind="suivi.reviews_due",
            template="suivi/notifications/reviews_due",
            context=context,
            user=cpe,
            idempotency_key=f"suivi:reviews_due:{etablissement.pk}:{cpe.pk}:{today.isoformat()}",
        )
        sent += 1
    return sent


def actions_due_notify(*, etablissement: Etablissement, today: dt.date) -> int:
    """Remind each owner of his open actions whose review date has come (one notice per owner and day)."""
    due = (
        CaseAction.objects.filter(
            case__etablissement=etablissement,
            case__status=CaseStatus.OPEN,
            done_at__isnull=True,
            review_on__lte=today,
            owner__user__is_active=True,
            owner__left_on__isnull=True,
        )
        .select_related("case__student__division", "owner__user")
        .order_by("review_on", "pk")
    )
    by_owner: dict[int, list[CaseAction]] = {}
    for action in due:
        by_owner.setdefault(action.owner_id, []).append(action)
    for actions in by_owner.values():
        owner = actions[0].owner
        _notify(
            etablissement=etablissement,
            kind="suivi.actions_due",
            template="suivi/notifications/actions_due",
            context={"actions": actions, "today": today},
            user=owner.user,
            idempotency_key=f"suivi:actions_due:{owner.pk}:{today.isoformat()}",
        )
    return len(by_owner)
