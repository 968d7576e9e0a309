"""French wording shared by every app: dates as people write them, plurals, week labels.

Templates use the same helpers through ``{% load fr %}`` (``continuite/ecole/templatetags/fr.py``).
"""

from __future__ import annotations

import datetime

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def day_number(day: datetime.date) -> str:
    """ "1er" for the first of the month, the plain number otherwise."""
    return "1er" if day.day == 1 else str(day.day)


def day_month(day: datetime.date) -> str:
    """ "1er décembre", "15 mars"."""
    return f"{day_number(day)} {MONTHS[day.month - 1]}"


def long_date(day: datetime.date, *, year: bool = True) -> str:
    """ "mardi 1er décembre 2026" (or without the year)."""
    text = f"{WEEKDAYS[day.weekday()]} {day_month(day)}"
    return f"{text} {day.year}" if year else text


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "0 séance", "1 séance", "2 séances": French puts 0 and 1 in the singular."""
    word = singular if abs(count) < 2 else (plural_form or f"{singular}s")
    return f"{count} {word}"


def week_label(monday: datetime.date, parity: str = "", last_day: datetime.date | None = None) -> str:
    """ "semaine 49 (A) du 30 novembre au 4 décembre"; the parity is omitted when the school has none.

    ``last_day``: the week's last day with classes, when it is a Saturday ("… au 5 décembre").
    """
    number = monday.isocalendar().week
    friday = monday + datetime.timedelta(days=4)
    if last_day is not None and last_day > friday:
        friday = last_day
    letter = f" ({parity})" if parity else ""
    return f"semaine {number}{letter} du {day_month(monday)} au {day_month(friday)}"
