"""The pages the benchmark measures, and the simulated users who open them."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse

from continuite.accounts.models import User
from continuite.ecole.models import Division, Staff

from .bench import Page

FLOOR = "Plancher (gabarit, aucune requête)"


def _spread(queryset, per_role: int) -> list:
    """One user per lycée, over several lycées, so the pages read different schools' data."""
    seen, picked = set(), []
    for user in queryset.order_by("etablissement_id", "pk").iterator():
        if user.etablissement_id not in seen:
            seen.add(user.etablissement_id)
            picked.append(user)
        if len(picked) == per_role:
            break
    return picked


def bench_users(*, per_role: int) -> dict[str, list[User]]:
    generated = User.objects.filter(etablissement__uai__startswith="9", etablissement__uai__endswith="R")
    tutors = Division.form_tutors.through.objects.filter(staff_id=OuterRef("staff__pk"))
    return {
        "teacher": _spread(generated.filter(staff__is_teacher=True).exclude(Exists(tutors)), per_role),
        "tutor": _spread(generated.filter(Exists(tutors)), per_role),
        "cpe": _spread(generated.filter(staff__is_cpe=True), per_role),
        "direction": _spread(generated.filter(staff__is_direction=True), per_role),
        "parent": _spread(generated.filter(guardian__isnull=False), per_role),
    }


def bench_pages() -> list[Page]:
    return [
        Page(FLOOR, "anonymous", lambda u: reverse("account_login")),
        Page("Accueil enseignant", "teacher", lambda u: reverse("home")),
        Page("Accueil professeur principal", "tutor", lambda u: reverse("home")),
        Page("Accueil CPE", "cpe", lambda u: reverse("home")),
        Page(
            "Division (liste des élèves)",
            "direction",
            lambda u: reverse(
                "ecole:division_detail",
                kwargs={
                    "pk": Division.objects.filter(etablissement_id=u.etablissement_id)
                    .values_list("pk", flat=True)
                    .first()
                },
            ),
        ),
        Page("Accueil parent", "parent", lambda u: reverse("home")),
    ]


__all__ = ["FLOOR", "Staff", "bench_pages", "bench_users"]
