"""CSV downloads for the direction: ``;``-separated, UTF-8 with a BOM so that Excel reads the accents."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone

from continuite.ecole.models import Division, Staff

# A cell starting with one of these is read as a formula by spreadsheet software (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value as a spreadsheet should read it: French dates, and text that can never run as a formula
    (prefixed with an apostrophe, which Excel and LibreOffice show as plain text)."""
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%d/%m/%Y %H:%M")
        )
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    """The one CSV download of the portal: ``;``-separated, UTF-8 with a BOM, cells through ``csv_cell``."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([csv_cell(cell) for cell in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
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
