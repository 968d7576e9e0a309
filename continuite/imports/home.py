"""Home page panel: the direction's imports still waiting (a dry run to confirm, one being applied)."""

from __future__ import annotations

from continuite.accounts.roles import Role

from .models import ImportJob, ImportStatus

WAITING = (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.RUNNING)


def panels(request) -> list[dict]:
    user = request.user
    if Role.DIRECTION not in user.roles:
        return []
    # One query: the school's imports not finished, the oldest first (what the direction left half-done).
    jobs = list(
        ImportJob.objects.filter(etablissement_id=user.etablissement_id, status__in=WAITING)
        .only("pk", "kind", "filename", "status", "created_at")
        .order_by("created_at", "pk")[:5]
    )
    if not jobs:
        return []
    return [{"template": "imports/partials/home_waiting.html", "context": {"jobs": jobs}}]
