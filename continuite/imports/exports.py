"""CSV downloads for the direction (through the portal's one CSV helper, ``continuite.csvexport``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

# The helper lives in the foundation; re-exported here for the callers that import it from imports.
from continuite.csvexport import FORMULA_PREFIXES, csv_cell, csv_name, csv_response  # noqa: F401
from continuite.ecole.models import Division, Staff


def division_rows(etablissement) -> Iterable[list]:
    """One row per division of the current year: level, students, groups, form tutors (2 queries)."""
    divisions = (
        Division.objects.filter(etablissement=etablissement, school_year__is_current=True)
        .annotate(
            student_count=Count("students", filter=Q(students__exit_date__isnull=True), distinct=True),
            assignment_count=Count("assignments", distinct=True),
        )
        .prefetch_related("form_tutors")
        .order_by("level", "code")
    )
    for d in divisions:
        tutors = ", ".join(csv_name(t) for t in d.form_tutors.all())
        yield [d.code, d.get_level_display(), d.label, d.student_count, d.assignment_count, tutors]


def staff_rows(etablissement) -> Iterable[list]:
    """One row per current member of staff, with his roles and number of services (1 query)."""
    staff = (
        Staff.objects.filter(etablissement=etablissement, left_on__isnull=True)
        .annotate(assignment_count=Count("assignments"))
        .order_by("last_name", "first_name")
    )
    for s in staff:
        roles = [
            label
            for flag, label in (
                (s.is_teacher, "Enseignant"),
                (s.is_cpe, "CPE"),
                (s.is_direction, "Direction"),
                (s.is_gestionnaire, "Gestionnaire"),
                (s.is_referent_numerique, "Référent numérique"),
            )
            if flag
        ]
        yield [s.last_name, s.first_name, s.sts_id, ", ".join(roles), s.email, s.assignment_count]
