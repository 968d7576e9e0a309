"""Home panel of suivi: the CPE's absences to process and reviews due (two queries)."""

import datetime as dt

from django.db.models import F, Func, OuterRef, Subquery
from django.utils import timezone

from continuite.accounts.roles import Role
from continuite.ecole.models import Etablissement

from .models import AttendanceMark, Case, Justification
from .queries import DASEN_DAYS


def _count(queryset):
    """``SELECT COUNT(*)`` of a filtered queryset, as a subquery (no GROUP BY: one row)."""
    return Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"))


def panels(request) -> list[dict]:
    if Role.CPE not in request.user.roles:
        return []
    today = timezone.localdate()
    etablissement_id = request.user.etablissement_id
    # query: the school's absences still "à justifier" over 30 days and the families' requests waiting
    to_process = (
        Etablissement.objects.filter(pk=etablissement_id)
        .annotate(
            absences=_count(
                AttendanceMark.objects.filter(
                    register__etablissement_id=OuterRef("pk"),
                    register__date__gte=today - dt.timedelta(days=DASEN_DAYS - 1),
                    status="absent",
                    absence_status="a_justifier",
                )
            ),
            requests=_count(Justification.objects.pending().filter(etablissement_id=OuterRef("pk"))),
        )
        .values("absences", "requests")
        .first()
    ) or {}
    # query: the open cases of the school whose review is due, with their student and division
    due = list(
        Case.objects.filter(etablissement_id=etablissement_id)
        .review_due(today)
        .select_related("student__division")
        .order_by("review_on")[:20]
    )
    return [
        {
            "template": "suivi/partials/absences_to_process.html",
            "context": {"absences": to_process.get("absences") or 0, "requests": to_process.get("requests") or 0},
        },
        {"template": "suivi/partials/reviews_due.html", "context": {"due": due, "today": today}},
    ]
