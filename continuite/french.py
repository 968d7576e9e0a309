"""French wording shared by every app: dates as people write them, plurals, week labels.

Templates use the same helpers through ``{% load fr %}`` (``continuite/ecole/templatetags/fr.py``).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Mapping

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


def elides(word: str) -> bool:
    """Whether « de » (« que », « le ») loses its vowel before ``word``: a vowel, an h (names with a mute h:
    d'Hugo, d'Hélène), a y before a consonant (d'Yves, but de Yanis, de Yasmine)."""
    letters = unicodedata.normalize("NFD", str(word).strip().lstrip("«“\"'( ")).casefold()
    letters = "".join(c for c in letters if not unicodedata.combining(c))
    if not letters:
        return False
    if letters[0] == "y":
        return len(letters) > 1 and letters[1] not in "aeiouy"
    return letters[0] in "aeiouh"


def de(name) -> str:
    """ "de Léa DURAND", "d'Arthur ROGER", "d'Élodie", "de Yanis": « de » and a name, elided as French writes it."""
    name = str(name)
    return f"d'{name.strip()}" if elides(name) else f"de {name}"


_DE_PLACEHOLDER = re.compile(r"\b([Dd])e \{(\w+)\}")


def elide_placeholders(text: str, values: Mapping[str, object]) -> str:
    """A text to fill with ``str.format``, « de {eleve} » elided when the value calls for it.

    "Absences de {eleve}" with eleve="Arthur ROGER" → "Absences d'{eleve}" (the school's own texts
    of the notices are written with a plain « de »)."""

    def elide(match: re.Match) -> str:
        value = values.get(match[2], "")
        return f"{match[1]}'{{{match[2]}}}" if elides(str(value)) else match[0]

    return _DE_PLACEHOLDER.sub(elide, text)
