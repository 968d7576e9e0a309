"""Per-app parts of the generated region, each ``part(generator, lycees)`` writing with COPY.

Planning: a school calendar per lycée, ~1,000 weekly slots, and a school year of sessions (every
occurrence that is not a plain in-class hour is a stored session: ~3 million for 100 lycées) and
of homework (~1.5 million).
"""

from __future__ import annotations

import datetime as dt

from continuite.ecole.models import SchoolYear
from planning.models import Homework, SchoolDay, Session, TimetableSlot
from planning.services import school_calendar_build

from .copy import copy_rows, m2m_table, table
from .region import Lycee, RegionGenerator

HOURS = [dt.time(h) for h in (8, 9, 10, 11, 13, 14, 15, 16)]
# Weekly hours per subject of a division (the rest of the week is spécialités and free time).
WEEKLY_HOURS = 3
MODALITY_CYCLE = ["visio", "async_distance", "presence", "visio", "hybride", "async_distance", "visio", "presence"]
HOMEWORK_KINDS = ["exercice", "lecture", "exercice", "projet", "evaluation", "exercice", "oral", "lecture"]
HAND_IN = ["depot_ent", "aucun", "en_ligne", "papier"]


def _calendar(lycees: list[Lycee]) -> list[tuple[dt.date, int, str, bool]]:
    """Build each lycée's calendar (the same zone B for all); returns the days of the first one."""
    for lycee in lycees:
        school_calendar_build(
            school_year=SchoolYear.objects.select_related("etablissement").get(pk=lycee.school_year_id)
        )
    return list(
        SchoolDay.objects.filter(etablissement_id=lycees[0].etablissement_id)
        .order_by("date")
        .values_list("date", "weekday", "week_parity", "is_holiday")
    )


def planning_part(generator: RegionGenerator, lycees: list[Lycee]) -> None:
    days = _calendar(lycees)
    school_days = [d for d in days if not d[3]]
    slot_rows, slot_teachers = [], []
    session_rows = []
    homework_rows = []
    for lycee in lycees:
        slots: list[tuple[int, int, int | None, int | None, int, dt.time, int, list[int]]] = []
        by_division: dict[int, list[tuple[int, int]]] = {}
        for staff_id, subject_id, division_id, _group_id in lycee.assignments:
            if division_id is not None:
                by_division.setdefault(division_id, []).append((staff_id, subject_id))
        for division_id, teaching in by_division.items():
            position = division_id % 7
            for staff_id, subject_id in teaching:
                for _ in range(WEEKLY_HOURS):
                    weekday, hour = divmod(position % 40, 8)
                    slots.append((subject_id, staff_id, division_id, None, weekday, HOURS[hour], 60, [staff_id]))
                    position += 3
        for k, (staff_id, subject_id, _division_id, group_id) in enumerate(lycee.assignments):
            if group_id is not None:
                for weekday in ((k % 5), (k + 2) % 5):
                    slots.append((subject_id, staff_id, None, group_id, weekday, HOURS[4 + k % 3], 120, [staff_id]))
        first_slot = generator.ids.take(TimetableSlot, len(slots))
        slot_ids_by_weekday: dict[int, list[tuple[int, tuple]]] = {}
        for n, slot in enumerate(slots):
            slot_id = first_slot + n
            subject_id, staff_id, division_id, group_id, weekday, start, minutes, teachers = slot
            end = (dt.datetime.combine(dt.date(2000, 1, 1), start) + dt.timedelta(minutes=minutes)).time()
            slot_rows.append(
                (
                    slot_id,
                    division_id,
                    group_id,
                    lycee.etablissement_id,
                    lycee.school_year_id,
                    subject_id,
                    weekday,
                    start,
                    end,
                    "all",
                    f"S{slot_id % 300}",
                )
            )
            slot_teachers.extend((slot_id, t) for t in teachers)
            slot_ids_by_weekday.setdefault(weekday, []).append((slot_id, slot))

        # A year of sessions: each occurrence that is not a plain in-class hour is stored.
        for day_index, (date, weekday, _parity, _holiday) in enumerate(school_days):
            for slot_id, slot in slot_ids_by_weekday.get(weekday, []):
                subject_id, staff_id, division_id, group_id, _wd, start, minutes, teachers = slot
                modality = MODALITY_CYCLE[(slot_id + day_index) % len(MODALITY_CYCLE)]
                if modality == "presence" or (modality == "hybride" and division_id is None):
                    continue
                end = (dt.datetime.combine(date, start) + dt.timedelta(minutes=minutes)).time()
                session_rows.append(
                    (
                        division_id,
                        group_id,
                        lycee.etablissement_id,
                        slot_id,
                        date,
                        start,
                        end,
                        minutes,
                        subject_id,
                        modality,
                        "https://classe.netocentre.fr/b/salle" if modality == "visio" else "",
                        "A" if modality == "hybride" else "",
                        "live" if modality == "hybride" else "",
                        "",
                        False,
                        "",
                        "",
                        staff_id,
                    )
                )
            # Homework: two pieces of work a day per division, due a few school days later.
            for division_id, teaching in by_division.items():
                for j in range(2):
                    staff_id, subject_id = teaching[(day_index * 2 + j) % len(teaching)]
                    due = school_days[min(day_index + 2 + (division_id + j) % 4, len(school_days) - 1)][0]
                    kind = HOMEWORK_KINDS[(division_id + day_index + j) % len(HOMEWORK_KINDS)]
                    homework_rows.append(
                        (
                            division_id,
                            None,
                            lycee.etablissement_id,
                            subject_id,
                            f"Travail {day_index}-{j}",
                            "",
                            date,
                            due,
                            20 + 10 * ((division_id + day_index + j) % 5),
                            kind,
                            HAND_IN[(day_index + j) % len(HAND_IN)],
                            staff_id,
                        )
                    )
    generator._copy(
        TimetableSlot,
        [
            "id",
            "division_id",
            "group_id",
            "etablissement_id",
            "school_year_id",
            "subject_id",
            "weekday",
            "start",
            "end",
            "week_pattern",
            "room",
        ],
        slot_rows,
    )
    through, source, target = m2m_table(TimetableSlot, "teachers")
    first = generator.ids.take(TimetableSlot.teachers.through, len(slot_teachers))
    generator.rows += copy_rows(through, ["id", source, target], ((first + k, *p) for k, p in enumerate(slot_teachers)))

    first_session = generator.ids.take(Session, len(session_rows))
    generator._copy(
        Session,
        [
            "id",
            "division_id",
            "group_id",
            "etablissement_id",
            "slot_id",
            "date",
            "start",
            "end",
            "minutes",
            "subject_id",
            "modality",
            "link",
            "hybrid_room_half",
            "hybrid_remote_mode",
            "async_place",
            "paper_version",
            "room",
            "notes",
            "created_by_id",
        ],
        ((first_session + k, *row) for k, row in enumerate(session_rows)),
    )
    through, source, target = m2m_table(Session, "teachers")
    first = generator.ids.take(Session.teachers.through, len(session_rows))
    generator.rows += copy_rows(
        through, ["id", source, target], ((first + k, first_session + k, row[-1]) for k, row in enumerate(session_rows))
    )
    now = dt.datetime.now(dt.UTC)
    first_homework = generator.ids.take(Homework, len(homework_rows))
    generator._copy(
        Homework,
        [
            "id",
            "division_id",
            "group_id",
            "etablissement_id",
            "subject_id",
            "title",
            "instructions",
            "given_on",
            "due_date",
            "estimated_minutes",
            "kind",
            "hand_in_mode",
            "created_by_id",
            "created_at",
        ],
        ((first_homework + k, *row, now) for k, row in enumerate(homework_rows)),
    )


PARTS: list = [planning_part]

__all__ = ["PARTS", "table"]
