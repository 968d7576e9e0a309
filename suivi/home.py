"""Home panels of suivi: the CPE's absences to process and reviews due (two queries); a parent's
absences still to justify and the notices he has not acknowledged (two queries)."""

import datetime as dt

from django.db.models import Count, F, Func, OuterRef, Q, Subquery
from django.utils import timezone

from continuite.accounts.roles import Role
from continuite.ecole.models import Etablissement, Student
from continuite.fragments import fragment
from continuite.notifications.models import Notification
from continuite.notifications.services import acknowledgement_token

from .models import AttendanceMark, Case, Justification
from .queries import DASEN_DAYS


def _count(queryset):
    """``SELECT COUNT(*)`` of a filtered queryset, as a subquery (no GROUP BY: one row)."""
    return Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"))


# The window of the family's absences page.
FAMILY_DAYS = 60


def _parent_panel(request) -> dict:
    user = request.user
    guardian = user.guardian_profile
    # His children's absences to justify, kept per guardian under the follow-up's versions; the notices
    # to acknowledge below are the outbox's rows, always read (and carry a form).
    children_html = fragment(
        request,
        "suivi-family-home",
        etablissement_id=user.etablissement_id,
        domains=("suivi", "ecole"),
        vary=(guardian.pk,),
        template="suivi/partials/family_home_children.html",
        context=lambda: {"panel": {"children": _children_to_justify(guardian, timezone.localdate())}},
    )
    # query: the school's notices to him he has not yet acknowledged
    notices = list(
        Notification.objects.filter(
            user=user, kind="suivi.notice", channel_portal=True, ack_required=True, acknowledged_at__isnull=True
        ).order_by("-created_at")[:10]
    )
    for notice in notices:
        # The acknowledgement the mail's link records, from the portal.
        notice.ack_token = acknowledgement_token(notice)
    return {
        "template": "suivi/partials/family_home.html",
        "context": {"children_html": children_html, "notices": notices},
    }


def _children_to_justify(guardian, today: dt.date) -> list:
    # query: his children with their absences still "à justifier" over the family page's window
    return [
        child
        for child in Student.objects.filter(guardian_links__guardian=guardian)
        .annotate(
            to_justify=Count(
                "attendance_marks",
                filter=Q(
                    attendance_marks__status="absent",
                    attendance_marks__absence_status="a_justifier",
                    attendance_marks__register__date__gte=today - dt.timedelta(days=FAMILY_DAYS),
                ),
            )
        )
        .order_by("first_name", "pk")
        if child.to_justify
    ]


def panels(request) -> list[dict]:
    if Role.PARENT in request.user.roles and getattr(request.user, "guardian_profile", None) is not None:
        return [_parent_panel(request)]
    if Role.CPE not in request.user.roles:
        return []
    etablissement_id = request.user.etablissement_id
    today = timezone.localdate()
    # The same for every CPE of the school: kept under the follow-up's version (and the directory's,
    # for the students' names and divisions).
    cache = {"domains": ("suivi", "ecole"), "vary": ("cpe",)}
    return [
        {
            "template": "suivi/partials/absences_to_process.html",
            "context": lambda: _to_process(etablissement_id, today),
            "cache": cache,
        },
        {
            "template": "suivi/partials/reviews_due.html",
            "context": lambda: _reviews_due(etablissement_id, today),
            "cache": cache,
        },
    ]


def _to_process(etablissement_id: int, today: dt.date) -> dict:
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
    return {"absences": to_process.get("absences") or 0, "requests": to_process.get("requests") or 0}


def _reviews_due(etablissement_id: int, today: dt.date) -> dict:
    # query: the open cases of the school whose review is due, then those nobody has looked at yet
    # (no review date: the portal opened them), with their student and division
    due = list(
        Case.objects.open()
        .filter(etablissement_id=etablissement_id)
        .filter(Q(review_on__lte=today) | Q(review_on__isnull=True))
        .select_related("student__division")
        .order_by(F("review_on").asc(nulls_last=True), "opened_at")[:30]
    )
    return {"due": due, "today": today}
