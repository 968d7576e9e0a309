"""The plan of an import and the report the direction reads: counts per kind of row, problems."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..parsers.common import Problem, Problems

BATCH = 500
COUNT_KEYS = ("created", "updated", "unchanged", "removed")
MAX_NOTES = 50


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

    def report(self) -> dict:
        totals = dict.fromkeys(COUNT_KEYS, 0)
        for row in self.counts.values():
            for key in COUNT_KEYS:
                totals[key] += row[key]
        return {
            "counts": self.counts,
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
