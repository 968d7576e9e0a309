"""The pages the benchmark measures, and the simulated users who open them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from continuite.accounts.models import User
from continuite.ecole.models import Division, Student

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


def _first(queryset) -> int:
    return queryset.values_list("pk", flat=True).first()


def _teacher_division(user) -> int:
    return _first(Division.objects.filter(assignments__staff__user=user).order_by("pk"))


def _tutored_student(user) -> int:
    return _first(Student.objects.filter(division_id=user.tutored_division_ids[0]).order_by("pk"))


def _ics_path(user) -> str:
    from planning.services import calendar_feed_get

    return reverse("planning:ical_feed", kwargs={"token": calendar_feed_get(user=user).token})


def bench_pages() -> list[Page]:
    """The key pages (the planning's and the follow-up's, the homes, the timetables, the absences to
    handle) and the floor (the public accessibility page: base layout, no query)."""
    from suivi.models import Case

    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    return [
        Page(FLOOR, "anonymous", lambda u: reverse("audit:accessibility_statement")),
        Page("Semaine de l'enseignant", "teacher", lambda u: reverse("planning:week")),
        Page(
            "Charge d'une division (PP)",
            "tutor",
            lambda u: reverse("planning:division_load", kwargs={"pk": u.tutored_division_ids[0]}),
        ),
        Page(
            "Jauge (requête de l'enseignant)",
            "teacher",
            lambda u: (
                reverse("planning:gauge")
                + f"?pour=d{_teacher_division(u)}&date={monday + dt.timedelta(days=1)}&minutes=45&kind=exercice"
            ),
        ),
        Page("File du CPE", "cpe", lambda u: reverse("suivi:case_list")),
        Page(
            "Dossier d'un élève (CPE)",
            "cpe",
            lambda u: reverse(
                "suivi:case_detail", kwargs={"pk": _first(Case.objects.filter(etablissement_id=u.etablissement_id))}
            ),
        ),
        Page("Semaine d'un parent", "parent", lambda u: reverse("planning:my_week")),
        Page("Flux iCalendar (enseignant)", "teacher", _ics_path),
        Page("Équipement (direction)", "direction", lambda u: reverse("equipement:dashboard")),
        Page("Accueil (enseignant)", "teacher", lambda u: reverse("home")),
        Page("Accueil (PP)", "tutor", lambda u: reverse("home")),
        Page("Accueil (parent)", "parent", lambda u: reverse("home")),
        Page("Accueil (CPE)", "cpe", lambda u: reverse("home")),
        Page("Accueil (direction)", "direction", lambda u: reverse("home")),
        Page(
            "Emploi du temps d'une division (enseignant)",
            "teacher",
            lambda u: reverse("planning:division_timetable", kwargs={"pk": _teacher_division(u)}),
        ),
        Page(
            "Semaine d'un élève (PP)",
            "tutor",
            lambda u: reverse("planning:student_timetable", kwargs={"pk": _tutored_student(u)}),
        ),
        Page("Absences à traiter (CPE)", "cpe", lambda u: reverse("suivi:absence_list")),
    ]
