"""CSV downloads for the direction: ``;``-separated, UTF-8 with a BOM so that Excel reads the accents."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.db.models import Count, Q
from django.http import HttpResponse

from continuite.ecole.models import Division, Staff


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return response


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
        tutors = ", ".join(t.full_name for t in d.form_tutors.all())
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
