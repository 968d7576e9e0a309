"""Reads of the equipment app: querysets in the school's language, and selectors for other apps.

``visible_to(user)`` is the one place that says who sees which need, loan or device; the
``access_*`` gates in ``equipement.access`` build on it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q

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
