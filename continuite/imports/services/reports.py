"""The plan of an import and the report the direction reads: counts per kind of row, problems."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..parsers.common import Problem, Problems

BATCH = 500
COUNT_KEYS = ("created", "updated", "unchanged", "removed")
MAX_NOTES = 50
# Names shown per list (arrivals, departures...): a big file's report stays bounded, with a count of the rest.
MAX_NAMES = 50
# More than this share of the rows already held, and at least this many, taken away by one file.
MASS_REMOVAL_SHARE = 0.3
MASS_REMOVAL_MIN = 10


@dataclass
class Plan:
    """What an import would do: counts per kind of row, problems, and the steps that write."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=Problems)
    notes: list[str] = field(default_factory=list)
    steps: list[Callable[[], None]] = field(default_factory=list)
    # Who arrived, left, changed class...: one list of names per heading, capped at MAX_NAMES.
    names: dict[str, list[str]] = field(default_factory=dict)
    names_omitted: dict[str, int] = field(default_factory=dict)

    def name(self, heading: str, text: str) -> None:
        """Add ``text`` to the named list ``heading``; beyond MAX_NAMES only the rest is counted."""
        listed = self.names.setdefault(heading, [])
        if len(listed) < MAX_NAMES:
            listed.append(text)
        else:
            self.names_omitted[heading] = self.names_omitted.get(heading, 0) + 1

    def count(self, label: str, what: str, n: int = 1) -> None:
        row = self.counts.setdefault(label, dict.fromkeys(COUNT_KEYS, 0))
        row[what] += n

    def warnings(self) -> list[str]:
        """A file that would take away a large share of what the portal holds is probably incomplete."""
        found = []
        for label, row in self.counts.items():
            held = row["updated"] + row["unchanged"] + row["removed"]
            if row["removed"] >= MASS_REMOVAL_MIN and row["removed"] > MASS_REMOVAL_SHARE * held:
                found.append(
                    _(
                        "Attention : cet import retire %(removed)d %(label)s sur %(held)d. Vérifiez que le fichier est "
                        "l'export complet et à jour de l'établissement avant de l'appliquer."
                    )
                    % {"removed": row["removed"], "label": label.lower(), "held": held}
                )
        return found

    def report(self) -> dict:
        totals = dict.fromkeys(COUNT_KEYS, 0)
        for row in self.counts.values():
            for key in COUNT_KEYS:
                totals[key] += row[key]
        return {
            "counts": {label: row for label, row in self.counts.items() if any(row.values())},
            "warnings": self.warnings(),
            "totals": totals,
            "problems": [p.as_dict() for p in self.problems],
            "problems_omitted": getattr(self.problems, "omitted", 0),
            "notes": self.notes[:MAX_NOTES],
            "notes_omitted": max(len(self.notes) - MAX_NOTES, 0),
            "names": [
                {"heading": heading, "names": listed, "omitted": self.names_omitted.get(heading, 0)}
                for heading, listed in self.names.items()
                if listed
            ],
            "error": "",
        }


def changed(instance, values: dict) -> bool:
    """Set ``values`` on ``instance``; True if any differed."""
    return bool(changed_fields(instance, values))


def changed_fields(instance, values: dict) -> list[str]:
    """Set ``values`` on ``instance``; the names of the fields that differed."""
    differs = []
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            differs.append(name)
    return differs
