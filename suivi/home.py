"""Home panel of suivi: the CPE's reviews due (one query)."""

from django.utils import timezone

from continuite.accounts.roles import Role

from .models import Case


def panels(request) -> list[dict]:
    if Role.CPE not in request.user.roles:
        return []
    today = timezone.localdate()
    # query: the open cases of the school whose review is due, with their student and division
    due = list(
        Case.objects.filter(etablissement_id=request.user.etablissement_id)
        .review_due(today)
        .select_related("student__division")
        .order_by("review_on")[:20]
    )
    return [{"template": "suivi/partials/reviews_due.html", "context": {"due": due, "today": today}}]
