"""The one CSV download of the portal, importable by every app without depending on a feature app.

``;``-separated, UTF-8 with a BOM so that Excel reads the accents, dates as dd/mm/yyyy, names as
"NOM Prénom", and no cell that a spreadsheet could run as a formula (CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone

# A cell starting with one of these is read as a formula by spreadsheet software; tab and carriage
# return are ignored by some of them before the formula sign.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


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
        return NEUTRALISER + value
    return value


def csv_uncell(value: str | None) -> str | None:
    """The value an export neutralised, back as it was typed: a re-imported export keeps its values."""
    if value and value.startswith(NEUTRALISER) and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def csv_name(person) -> str:
    """A person as every export names him: "NOM Prénom" (sorts by family name in a spreadsheet)."""
    return f"{person.last_name} {person.first_name}".strip()


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download: ``;``-separated, UTF-8 with a BOM, every cell through ``csv_cell``."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([csv_cell(cell) for cell in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return response
