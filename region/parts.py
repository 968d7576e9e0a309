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

from .copy import ModelRows, copy_rows, m2m_table, table
from .generator import Lycee, RegionGenerator

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
    recent_from = generator.today - dt.timedelta(days=7)
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
    # The last week's video and hybrid sessions, for the registers of the suivi part.
    generator.recent_remote_sessions = [
        (first_session + k, row[2], row[4], row[0], row[1])  # id, établissement, date, division, group
        for k, row in enumerate(session_rows)
        if row[9] in ("visio", "hybride") and recent_from <= row[4] < generator.today
    ]
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


def suivi_part(generator: RegionGenerator, lycees: list[Lycee]) -> None:
    """Registers of the last week's remote sessions, and a few open cases per lycée."""
    from suivi.models import AttendanceMark, AttendanceRegister, Case, CaseEvent

    by_etab = {ly.etablissement_id: ly for ly in lycees}
    division_students: dict[int, list[int]] = {}
    group_students: dict[int, list[int]] = {}
    for lycee in lycees:
        for student_id, division_id in lycee.students:
            division_students.setdefault(division_id, []).append(student_id)
            for group_id in lycee.student_groups[student_id]:
                group_students.setdefault(group_id, []).append(student_id)
    registers, marks = ModelRows(AttendanceRegister), ModelRows(AttendanceMark)
    register_rows, mark_rows = [], []
    now = dt.datetime.now(dt.UTC)
    first_register = generator.ids.take(AttendanceRegister, len(generator.recent_remote_sessions))
    mark_count = sum(
        len(division_students.get(d, []) if d else group_students.get(g, []))
        for _s, _e, _date, d, g in generator.recent_remote_sessions
    )
    next_mark = generator.ids.take(AttendanceMark, mark_count)
    for k, (session_id, etab_id, date, division_id, group_id) in enumerate(generator.recent_remote_sessions):
        register_id = first_register + k
        lycee = by_etab[etab_id]
        register_rows.append(
            registers.row(
                id=register_id,
                etablissement_id=etab_id,
                session_id=session_id,
                date=date,
                taken_by_id=None,
                taken_at=now,
                updated_at=now,
            )
        )
        for student_id in division_students.get(division_id, []) if division_id else group_students.get(group_id, []):
            absent = (student_id * 7 + k) % 23 == 0 or student_id % 97 == 0
            mark_rows.append(
                marks.row(
                    id=next_mark,
                    register_id=register_id,
                    student_id=student_id,
                    status="absent" if absent else "present",
                    absence_status="a_justifier" if absent else "",
                )
            )
            next_mark += 1
        del lycee
    generator.rows += registers.copy(register_rows) + marks.copy(mark_rows)

    cases, events = ModelRows(Case), ModelRows(CaseEvent)
    case_rows, event_rows = [], []
    for lycee in lycees:
        at_risk = [s for s, _d in lycee.students if s % 97 == 0][:30]
        first_case = generator.ids.take(Case, len(at_risk))
        first_event = generator.ids.take(CaseEvent, len(at_risk) * 3)
        for n, student_id in enumerate(at_risk):
            case_id = first_case + n
            case_rows.append(
                cases.row(
                    id=case_id,
                    etablissement_id=lycee.etablissement_id,
                    student_id=student_id,
                    status="ouvert",
                    level="risque" if n % 3 == 0 else "vigilance",
                    rule="Absences non justifiées aux classes virtuelles",
                    evidence="{}",
                    severity=2,
                    opened_at=now,
                    review_on=generator.today + dt.timedelta(days=n % 10),
                )
            )
            for j, kind in enumerate(("signal", "fiche", "entretien")):
                event_rows.append(
                    events.row(
                        id=first_event + n * 3 + j, case_id=case_id, kind=kind, occurred_at=now, text="", evidence="{}"
                    )
                )
    generator.rows += cases.copy(case_rows) + events.copy(event_rows)


def equipement_part(generator: RegionGenerator, lycees: list[Lycee]) -> None:
    """Forty devices per lycée, needs at every stage, loans out and one overdue."""
    from equipement.models import Device, Loan, Need

    devices, needs, loans = ModelRows(Device), ModelRows(Need), ModelRows(Loan)
    device_rows, need_rows, loan_rows = [], [], []
    now = dt.datetime.now(dt.UTC)
    for lycee in lycees:
        first_device = generator.ids.take(Device, 40)
        first_need = generator.ids.take(Need, 15)
        first_loan = generator.ids.take(Loan, 8)
        for n in range(40):
            device_rows.append(
                devices.row(
                    id=first_device + n,
                    etablissement_id=lycee.etablissement_id,
                    kind="portable" if n % 3 else "tablette",
                    model="Portable 14 pouces",
                    asset_tag=f"{lycee.uai}-{n:03d}",
                    serial_number=f"SN{first_device + n}",
                    state="bon",
                )
            )
        for n in range(15):
            student_id = lycee.students[n * 90][0]
            decided = n < 8
            need_rows.append(
                needs.row(
                    id=first_need + n,
                    etablissement_id=lycee.etablissement_id,
                    student_id=student_id,
                    declared_at=now,
                    lacks_computer=True,
                    context="partage",
                    status="decide" if decided else "attente",
                    decision="pret_etablissement" if decided else "",
                    decided_at=now if decided else None,
                )
            )
            if decided:
                due = generator.today + dt.timedelta(days=30 if n else -5)
                loan_rows.append(
                    loans.row(
                        id=first_loan + n,
                        etablissement_id=lycee.etablissement_id,
                        need_id=first_need + n,
                        device_id=first_device + n,
                        status="remis",
                        expected_return=due,
                        approved_at=now,
                        handed_over_at=now,
                        agreement_required=True,
                        agreement_text="Convention de prêt",
                        agreement_accepted_at=now,
                        agreement_channel="remise",
                    )
                )
    generator.rows += devices.copy(device_rows) + needs.copy(need_rows) + loans.copy(loan_rows)


def notifications_part(generator: RegionGenerator, lycees: list[Lycee]) -> None:
    """A thousand delivered notices per lycée (to families and staff), some unread."""
    from continuite.notifications.models import Notification

    rows = ModelRows(Notification)
    out = []
    now = dt.datetime.now(dt.UTC)
    for lycee in lycees:
        users = list(lycee.guardian_user_ids.values())[:800] + list(lycee.staff_user_ids.values())[:200]
        first = generator.ids.take(Notification, len(users))
        for n, user_id in enumerate(users):
            out.append(
                rows.row(
                    id=first + n,
                    etablissement_id=lycee.etablissement_id,
                    kind="suivi.notice",
                    user_id=user_id,
                    recipient_name="",
                    email="",
                    channel_email=True,
                    channel_portal=True,
                    subject="Information du lycée",
                    body_text="Bonjour,\n\nUne information vous attend.",
                    idempotency_key=f"region-{first + n}",
                    status="sent",
                    attempts=1,
                    next_attempt_at=now,
                    created_at=now,
                    sent_at=now,
                    read_at=now if n % 3 else None,
                )
            )
    generator.rows += rows.copy(out)


PARTS: list = [planning_part, suivi_part, equipement_part, notifications_part]

__all__ = ["PARTS", "table"]
