"""The plan of an import and the report the direction reads: counts per kind of row, problems."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..parsers.common import Problem, Problems

BATCH = 500
COUNT_KEYS = ("created", "updated", "unchanged", "removed")
MAX_NOTES = 50
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
            "error": "",
        }


def changed(instance, values: dict) -> bool:
    """Set ``values`` on ``instance``; True if any differed."""
    differs = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            differs = True
    return differs
