"""Reads of the equipment app: querysets in the school's language, and selectors for other apps.

``visible_to(user)`` is the one place that says who sees which need, loan or device; the
``access_*`` gates in ``equipement.access`` build on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from continuite.accounts.roles import Role

if TYPE_CHECKING:
    from continuite.accounts.models import User

# Who decides needs and keeps the inventory.
MANAGERS = frozenset({Role.DIRECTION, Role.GESTIONNAIRE})
# Who sees every need of the school (the CPE follows the students, without deciding).
SCHOOL_WIDE = MANAGERS | {Role.CPE}


def _scoped(qs, user: User):
    if not user.is_authenticated or user.etablissement_id is None:
        return None
    return qs.filter(etablissement_id=user.etablissement_id)


class NeedQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status="attente")

    def left_without_equipment_on(self, day):
        """Students' needs that left them without a device or a connection on ``day``.

        ``day`` is a date or an ``OuterRef`` to one (a hand-in's due date). The lack had started by
        then (the "depuis le" the family gave, else the day the need was declared: a need declared
        today for a computer missing for three weeks covers those weeks), was not refused nor closed
        yet, and no device lent for it had been handed over (and not yet returned): waiting for a
        decision, paper copies, access in the school, or a loan not handed over. A missing webcam
        alone does not stop anyone handing in work.
        """
        from .models import Loan

        inner_day = OuterRef(day) if isinstance(day, OuterRef) else day
        equipped = Loan.objects.filter(need=OuterRef("pk"), handed_over_at__date__lte=inner_day).filter(
            Q(returned_at__isnull=True) | Q(returned_at__date__gt=inner_day)
        )
        return (
            self.filter(student__isnull=False)
            .filter(Q(since__lte=day) | Q(since__isnull=True, declared_at__date__lte=day))
            .filter(Q(lacks_computer=True) | Q(lacks_tablet=True) | Q(lacks_connection=True))
            .exclude(status="refuse")
            .exclude(decision="refus")
            .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=day))
            .exclude(Exists(equipped))
        )

    def active(self):
        """Needs whose answer still stands (decided, not closed)."""
        return self.filter(status="decide", closed_at__isnull=True)

    def visible_to(self, user: User):
        qs = _scoped(self, user)
        if qs is None:
            return self.none()
        roles = user.roles
        if roles & SCHOOL_WIDE:
            return qs
        condition = Q(declared_by_id=user.pk)
        staff = user.staff_profile
        if staff is not None:
            condition |= Q(staff_id=staff.pk)
            if roles & {Role.ENSEIGNANT, Role.PROF_PRINCIPAL}:
                from continuite.ecole.models import Student

                condition |= Q(student__in=Student.objects.visible_to(user).values("pk"))
        guardian = user.guardian_profile
        if guardian is not None:
            condition |= Q(student__guardian_links__guardian_id=guardian.pk)
        student = user.student_profile
        if student is not None:
            condition |= Q(student_id=student.pk)
        return qs.filter(condition).distinct()


class LoanQuerySet(models.QuerySet):
    def active(self):
        from .models import ACTIVE_LOAN_STATES

        return self.filter(status__in=ACTIVE_LOAN_STATES)

    def out(self):
        return self.filter(status="remis")

    def overdue(self, today: dt.date):
        return self.out().filter(expected_return__lt=today)

    def visible_to(self, user: User):
        qs = _scoped(self, user)
        if qs is None:
            return self.none()
        if user.roles & SCHOOL_WIDE:
            return qs
        from .models import Need

        return qs.filter(need__in=Need.objects.visible_to(user).values("pk"))


class DeviceQuerySet(models.QuerySet):
    def available(self):
        """Devices in a lendable state that no active loan holds."""
        from .models import ACTIVE_LOAN_STATES, LENDABLE_STATES, Loan

        held = Loan.objects.filter(device=OuterRef("pk"), status__in=ACTIVE_LOAN_STATES)
        return self.filter(state__in=LENDABLE_STATES).exclude(Exists(held))

    def with_current_loan(self):
        """Annotate ``current_loan_id`` (the active loan, if any) in the same query."""
        from .models import ACTIVE_LOAN_STATES, Loan

        held = Loan.objects.filter(device=OuterRef("pk"), status__in=ACTIVE_LOAN_STATES)
        return self.annotate(current_loan_id=models.Subquery(held.values("pk")[:1]))

    def visible_to(self, user: User):
        qs = _scoped(self, user)
        if qs is None or not (user.roles & MANAGERS):
            return self.none()
        return qs


def paper_student_ids(*, etablissement):
    """Ids of the students whose standing answer is "paper copies" (for the planning pages)."""
    from .models import Decision, Need

    return (
        Need.objects.filter(etablissement=etablissement, decision=Decision.PAPER, student__isnull=False)
        .active()
        .values_list("student_id", flat=True)
        .distinct()
    )


def lacked_equipment_for_absence() -> Exists:
    """For a suivi ``AttendanceMark`` row: its student had no device or connection on the session's day.

    Missing a video class one could not follow for want of equipment is an equipment matter, not a
    dropout signal; the signal aggregates and the notices' figures leave such absences out.
    """
    from .models import Need

    return Exists(
        Need.objects.left_without_equipment_on(OuterRef("register__date")).filter(student=OuterRef("student_id"))
    )


def lacked_equipment_for_hand_in() -> Exists:
    """For a suivi ``HandIn`` row: its student had no device or connection on its due date.

    Work to hand in online that such a student did not hand in is an equipment matter, not a
    dropout signal; the signal aggregate excludes it with this expression.
    """
    from .models import Need

    return Exists(Need.objects.left_without_equipment_on(OuterRef("due_date")).filter(student=OuterRef("student_id")))


@dataclass
class EquipmentGap:
    """What one student lacks today, and the school's answer so far, as his teachers read it."""

    student: object
    lacks: list[str]
    answers: list[str]


def students_without_equipment(*, students, day: dt.date) -> list[EquipmentGap]:
    """The students among ``students`` (a queryset) left without equipment on ``day``, by name (1 query)."""
    from .models import Decision, Need

    needs = (
        Need.objects.left_without_equipment_on(day)
        .filter(student__in=students.values("pk"))
        .select_related("student__division")
        .order_by("student__last_name", "student__first_name", "student_id", "declared_at")
    )
    answers = {
        "": _("besoin en attente de décision"),
        Decision.PAPER: _("copies papier"),
        Decision.SCHOOL_ACCESS: _("accès dans l'établissement"),
        Decision.SCHOOL_LOAN: _("prêt accordé, matériel pas encore remis"),
        Decision.REGION_LOAN: _("prêt accordé, matériel pas encore remis"),
    }
    lack_labels = (
        ("lacks_computer", _("sans ordinateur")),
        ("lacks_tablet", _("sans tablette")),
        ("lacks_connection", _("sans connexion internet")),
    )
    gaps: dict[int, EquipmentGap] = {}
    for need in needs:
        gap = gaps.setdefault(need.student_id, EquipmentGap(student=need.student, lacks=[], answers=[]))
        for field, label in lack_labels:
            if getattr(need, field) and str(label) not in gap.lacks:
                gap.lacks.append(str(label))
        answer = answers.get(need.decision, "")
        if need.decision == Decision.SCHOOL_ACCESS and need.access_slot:
            answer = f"{answer} ({need.access_slot})"
        if answer and str(answer) not in gap.answers:
            gap.answers.append(str(answer))
    return list(gaps.values())


# Who keeps the students' digital readiness: the référent numérique for the whole school, a form tutor
# for his own class; the CPE and the direction read it.
READINESS_SCHOOL_KEEPERS = frozenset({Role.REFERENT_NUMERIQUE})
READINESS_SCHOOL_READERS = READINESS_SCHOOL_KEEPERS | {Role.CPE, Role.DIRECTION}


def readiness_divisions(user: User, *, for_write: bool = False):
    """The current divisions whose students' readiness ``user`` may read (or keep, ``for_write``)."""
    from continuite.ecole.models import Division

    if not user.is_authenticated or user.etablissement_id is None:
        return Division.objects.none()
    divisions = Division.objects.filter(etablissement_id=user.etablissement_id).current()
    if user.roles & (READINESS_SCHOOL_KEEPERS if for_write else READINESS_SCHOOL_READERS):
        return divisions
    if Role.PROF_PRINCIPAL in user.roles and user.staff_profile is not None:
        return divisions.filter(form_tutors=user.staff_profile)
    return divisions.none()


@dataclass
class ReadinessRow:
    """One student of the readiness list: his record (or None) and what he lacks in equipment."""

    student: object
    readiness: object
    equipment: EquipmentGap | None

    @property
    def missing(self) -> list[str]:
        found = list(self.readiness.missing) if self.readiness else []
        if self.equipment is not None:
            found.insert(0, str(_("équipement")))
        return found


def readiness_rows(*, division, day: dt.date) -> list[ReadinessRow]:
    """The students of a division with their readiness and their equipment gap (2 queries)."""
    from continuite.ecole.models import Student

    students = Student.objects.current().filter(division=division)
    # Query 1: the students and their records (a LEFT JOIN).
    listed = list(students.select_related("digital_readiness").order_by("last_name", "first_name", "pk"))
    # Query 2: who lacks equipment today.
    gaps = {gap.student.pk: gap for gap in students_without_equipment(students=students, day=day)}
    return [ReadinessRow(student=s, readiness=_readiness_of(s), equipment=gaps.get(s.pk)) for s in listed]


def readiness_overview(*, divisions, day: dt.date) -> list:
    """Each division with its counts: students, records filled, without ENT codes, tools to learn,
    training to plan, without equipment ``day`` (2 queries, whatever the number of classes)."""
    from django.db.models import Count

    from continuite.ecole.models import Student

    current = Q(students__exit_date__isnull=True)
    record = "students__digital_readiness"
    # Query 1: the divisions with their counts (a student has at most one record: no double count).
    listed = list(
        divisions.annotate(
            student_count=Count("students", filter=current, distinct=True),
            filled=Count(record, filter=current),
            no_codes=Count(record, filter=current & Q(students__digital_readiness__ent_codes_given=False)),
            tools=Count(record, filter=current & Q(students__digital_readiness__knows_tools=False)),
            training=Count(record, filter=current & Q(students__digital_readiness__needs_training=True)),
        ).order_by("code")
    )
    # Query 2: the students without equipment, counted by division.
    lacking: dict[int, int] = {}
    students = Student.objects.current().filter(division__in=[d.pk for d in listed])
    for gap in students_without_equipment(students=students, day=day):
        lacking[gap.student.division_id] = lacking.get(gap.student.division_id, 0) + 1
    for division in listed:
        division.without_equipment = lacking.get(division.pk, 0)
        division.unchecked = division.student_count - division.filled
    return listed


def _readiness_of(student):
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return student.digital_readiness
    except ObjectDoesNotExist:
        return None


def dashboard_counts(*, etablissement, today: dt.date) -> dict:
    """The direction's figures in one query per table."""
    from .models import Device, Loan, Need

    loans = Loan.objects.filter(etablissement=etablissement).aggregate(
        out=models.Count("pk", filter=Q(status="remis")),
        overdue=models.Count("pk", filter=Q(status="remis", expected_return__lt=today)),
        to_prepare=models.Count("pk", filter=Q(status__in=["accorde", "prepare"])),
    )
    needs_waiting = Need.objects.filter(etablissement=etablissement).waiting().count()
    available = Device.objects.filter(etablissement=etablissement).available().count()
    return {**loans, "needs_waiting": needs_waiting, "available": available}
