"""Home page panels: the direction's waiting needs and overdue loans; a parent's agreements to accept;
the way in to the students' digital readiness for the form tutor and the référent numérique."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from continuite.accounts.roles import Role

from .models import ACTIVE_LOAN_STATES, Loan, Need
from .queries import MANAGERS, READINESS_SCHOOL_KEEPERS


def panels(request) -> list[dict]:
    user = request.user
    roles = user.roles
    found: list[dict] = []
    if roles & MANAGERS:
        etablissement_id = user.etablissement_id

        def manager_panel():
            today = timezone.localdate()
            # Query 1: needs waiting for a decision.
            waiting = Need.objects.filter(etablissement_id=etablissement_id).waiting().count()
            # Query 2: loans out and overdue, in one aggregate.
            loans = Loan.objects.filter(etablissement_id=etablissement_id).aggregate(
                out=Count("pk", filter=Q(status="remis")),
                overdue=Count("pk", filter=Q(status="remis", expected_return__lt=today)),
            )
            return {"waiting": waiting, **loans}

        # The same for every manager of the school: kept under the equipment's version.
        found.append(
            {
                "template": "equipement/partials/home_manager.html",
                "context": manager_panel,
                "cache": {"domains": ("equipement",), "vary": ("gestion",)},
            }
        )
    elif Role.PARENT in roles:
        guardian = user.guardian_profile

        def parent_panel():
            # One query: the active loans of his children still waiting for an agreement.
            pending = list(
                Loan.objects.filter(
                    need__student__guardian_links__guardian=guardian,
                    need__student__guardian_links__kind__in=["legal1", "legal2"],
                    status__in=ACTIVE_LOAN_STATES,
                    agreement_required=True,
                    agreement_accepted_at__isnull=True,
                ).select_related("device", "need__student")
            )
            return {"loans": pending} if pending else None

        found.append(
            {
                "template": "equipement/partials/home_parent.html",
                "context": parent_panel,
                "cache": {"domains": ("equipement", "ecole"), "vary": ("parent", guardian.pk)},
            }
        )
    if roles & READINESS_SCHOOL_KEEPERS or Role.PROF_PRINCIPAL in roles:
        # No query: a way in to the readiness of his class (form tutor) or of the school (référent).
        found.append(
            {
                "template": "equipement/partials/home_readiness.html",
                "context": {"whole_school": bool(roles & READINESS_SCHOOL_KEEPERS)},
            }
        )
    return found
