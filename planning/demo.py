"""Demo planning: a timetable for the demo lycée and a plausible current and next week.

1G3 runs a hybrid A/B rota over both weeks, its spécialités included (its students at a distance by
halves, the other divisions in class); next week the 1G3 gets too much work on Tuesday (the
form tutor is notified). Idempotent: a school that already has slots is left unchanged.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from continuite.ecole.models import Division, Etablissement, Group, SchoolYear, TeachingAssignment

from . import services
from .alerts import overload_checks_deferred
from .models import HomeworkKind, Modality, RemoteMode, Session, TimetableSlot
from .queries import monday_of
from .selectors import groups_drawn_from

# Core lessons: one-hour bands in the mornings and at 13:00; spécialités: two-hour blocks in the
# afternoons. The timetable is built without conflict: a teacher is never in two places at once,
# a room holds one class at a time (each division and each group has its own room), and the
# spécialité groups of one half of a level (whose students mix) never share a block.
CORE_BANDS = [(day, hour) for day in range(5) for hour in (8, 9, 10, 11)] + [(day, 13) for day in range(5)]
SPE_BLOCKS = [(0, 14), (1, 14), (3, 14), (4, 14), (0, 16), (1, 16), (3, 16), (4, 16)]
# The demo lycée has classes on Saturday morning: sport for the 1re and Terminale, 08:00–10:00 or 10:00–12:00.
SATURDAY = 5
SATURDAY_BLOCKS = [(SATURDAY, 8), (SATURDAY, 10)]
HOURS_PER_SUBJECT = 2


def _time(hour: int) -> dt.time:
    return dt.time(hour, 0)


def _seed_timetable(etablissement: Etablissement, year: SchoolYear) -> None:
    divisions = list(Division.objects.filter(school_year=year).order_by("code"))
    assignments = TeachingAssignment.objects.filter(division__school_year=year).select_related("subject", "staff")
    by_division: dict[int, list[TeachingAssignment]] = {}
    for assignment in assignments.order_by("subject__code", "pk"):
        by_division.setdefault(assignment.division_id, []).append(assignment)
    slots, teachers = [], []
    teacher_busy: set[tuple[int, int, int]] = set()  # (staff, day, hour)
    gyms_taken: dict[tuple[int, int], int] = {}  # two gymnasiums on Saturday morning
    for index, division in enumerate(divisions):
        bands = CORE_BANDS[index % len(CORE_BANDS) :] + CORE_BANDS[: index % len(CORE_BANDS)]
        division_busy: set[tuple[int, int]] = set()
        for assignment in by_division.get(division.pk, []):
            if assignment.subject.code == "EPS" and division.level != "2nde":
                block = next(
                    (
                        (day, hour)
                        for day, hour in SATURDAY_BLOCKS
                        if gyms_taken.get((day, hour), 0) < 2
                        and not {(assignment.staff_id, day, hour), (assignment.staff_id, day, hour + 1)} & teacher_busy
                    ),
                    None,
                )
                if block is not None:
                    day, hour = block
                    gyms_taken[block] = gyms_taken.get(block, 0) + 1
                    teacher_busy.update({(assignment.staff_id, day, hour), (assignment.staff_id, day, hour + 1)})
                    slots.append(
                        TimetableSlot(
                            etablissement=etablissement,
                            school_year=year,
                            division=division,
                            subject=assignment.subject,
                            weekday=day,
                            start=_time(hour),
                            end=_time(hour + 2),
                            room=_("Gymnase %(n)s") % {"n": gyms_taken[block]},
                        )
                    )
                    teachers.append(assignment.staff_id)
                    continue
            placed_days: list[int] = []
            # Two passes: on different days first (a subject twice the same day only if needed).
            for allow_same_day in (False, True):
                for day, hour in bands:
                    if len(placed_days) == HOURS_PER_SUBJECT:
                        break
                    if (day, hour) in division_busy or (assignment.staff_id, day, hour) in teacher_busy:
                        continue
                    if day in placed_days and not allow_same_day:
                        continue
                    division_busy.add((day, hour))
                    teacher_busy.add((assignment.staff_id, day, hour))
                    placed_days.append(day)
                    slots.append(
                        TimetableSlot(
                            etablissement=etablissement,
                            school_year=year,
                            division=division,
                            subject=assignment.subject,
                            weekday=day,
                            start=_time(hour),
                            end=_time(hour + 1),
                            room=f"B{100 + index}",
                        )
                    )
                    teachers.append(assignment.staff_id)
    group_assignments = (
        TeachingAssignment.objects.filter(group__school_year=year, group__kind="specialite")
        .select_related("group", "subject")
        .order_by("group__code", "pk")
    )
    blocks_taken: dict[str, set[int]] = {}
    for room_number, assignment in enumerate(group_assignments):
        level_key = assignment.group.code[0] + assignment.group.code[-1]  # "11", "T2"...
        taken = blocks_taken.setdefault(level_key, set())
        block = next(
            (
                b
                for b, (day, hour) in enumerate(SPE_BLOCKS)
                if b not in taken
                and (assignment.staff_id, day, hour) not in teacher_busy
                and (assignment.staff_id, day, hour + 1) not in teacher_busy
            ),
            None,
        )
        if block is None:
            continue
        taken.add(block)
        day, hour = SPE_BLOCKS[block]
        teacher_busy.update({(assignment.staff_id, day, hour), (assignment.staff_id, day, hour + 1)})
        slots.append(
            TimetableSlot(
                etablissement=etablissement,
                school_year=year,
                group=assignment.group,
                subject=assignment.subject,
                weekday=day,
                start=_time(hour),
                end=_time(hour + 2),
                room=f"S{200 + room_number}",
            )
        )
        teachers.append(assignment.staff_id)
    created = TimetableSlot.objects.bulk_create(slots)
    through = TimetableSlot.teachers.through
    through.objects.bulk_create(
        [through(timetableslot_id=slot.pk, staff_id=staff_id) for slot, staff_id in zip(created, teachers, strict=True)]
    )


def _try(call, **kwargs):
    try:
        return call(**kwargs)
    except ValidationError:
        return None  # a holiday, or a slot that does not run that week: the demo skips it


def _seed_weeks(etablissement: Etablissement, today: dt.date) -> None:
    monday = monday_of(today)
    next_monday = monday + dt.timedelta(days=7)
    hybrid = Division.objects.filter(etablissement=etablissement, code="1G3").current().first()
    if hybrid is not None:
        # The rota covers 1G3's spécialités too: its students follow their half, the other
        # divisions' students of those groups stay in class.
        shared = {d.group.pk: services.SHARED_HYBRID for d in groups_drawn_from(hybrid) if d.is_shared}
        _try(
            services.division_modality_switch,
            division=hybrid,
            start=monday,
            end=next_monday + dt.timedelta(days=4),
            modality=Modality.HYBRIDE,
            hybrid_rota=True,
            hybrid_remote_mode=RemoteMode.LIVE,
            shared_groups=shared,
        )
        # Not every remote hour is a virtual class: on Thursdays and Fridays the half at a distance
        # works on its own. The others follow the lesson live, by the ENT's virtual class: each
        # teacher gives its room's link (the remote half would otherwise read « Lien à venir »).
        from outils.queries import tools_for_modality

        video_tool = tools_for_modality(etablissement=etablissement, modality=Modality.HYBRIDE).first()
        for session in Session.objects.filter(
            division=hybrid, modality=Modality.HYBRIDE, date__range=(monday, next_monday + dt.timedelta(days=4))
        ).select_related("slot", "subject"):
            if session.date.weekday() >= 3:
                remote = {"hybrid_remote_mode": RemoteMode.AUTONOMY}
            elif video_tool is not None:
                link = f"https://visio.netocentre.fr/b/1g3-{session.subject.code.lower()}"
                remote = {"hybrid_remote_mode": RemoteMode.LIVE, "tool": video_tool, "link": link}
            else:
                continue
            _try(
                services.session_update,
                session=session,
                modality=Modality.HYBRIDE,
                hybrid_room_half=session.hybrid_room_half,
                **remote,
            )
    # Some divisions have a virtual class or an asynchronous lesson on Wednesday and Friday.
    for slot in (
        TimetableSlot.objects.filter(etablissement=etablissement, division__code__in=["TG1", "TG2", "201", "1G5"])
        .select_related("etablissement", "division", "group", "subject")
        .order_by("pk")[:12]
    ):
        for week in (monday, next_monday):
            date = week + dt.timedelta(days=slot.weekday)
            if slot.weekday == 2:
                _try(services.session_plan, slot=slot, date=date, modality=Modality.VISIO, link="")
            elif slot.weekday == 4:
                _try(services.session_plan, slot=slot, date=date, modality=Modality.ASYNC_DISTANCE, paper_version=True)
    # Work to do: a plausible load, then too much for the 1G3 next Tuesday.
    assignments = (
        TeachingAssignment.objects.filter(division__etablissement=etablissement, division__school_year__is_current=True)
        .select_related("staff", "subject", "division")
        .order_by("division__code", "subject__code")
    )
    for n, assignment in enumerate(assignments):
        if n % 3:
            continue
        due = monday + dt.timedelta(days=1 + n % 4)
        _try(
            services.homework_create,
            etablissement=etablissement,
            title="Exercices d'entraînement",
            instructions="Faire les exercices de la fin du chapitre en cours ; la correction sera faite en classe.",
            given_on=monday,
            due_date=due,
            estimated_minutes=30 + 15 * (n % 3),
            by=assignment.staff,
            division=assignment.division,
            subject=assignment.subject,
        )
    if hybrid is not None:
        heavy_day = next_monday + dt.timedelta(days=1)
        heavy = [
            (
                "HG",
                "Dissertation",
                90,
                HomeworkKind.PROJECT,
                "Sujet : « La France de 1848 à 1870 ». Plan détaillé et introduction rédigée.",
            ),
            ("FRANC", "Commentaire de texte", 55, HomeworkKind.ASSESSMENT, "Texte de la page 112, en temps limité."),
            (
                "ENSSCI",
                "Devoir sur le chapitre 2",
                60,
                HomeworkKind.ASSESSMENT,
                "Exercices 4 à 7 ; calculatrice autorisée.",
            ),
        ]
        # Each piece of work is given by the teacher of its subject (the student reads the subject first).
        by_subject = {a.subject.code: a for a in assignments.filter(division=hybrid)}
        for code, title, minutes, kind, instructions in heavy:
            assignment = by_subject.get(code)
            if assignment is None:
                continue
            _try(
                services.homework_create,
                etablissement=etablissement,
                title=title,
                instructions=instructions,
                given_on=monday,
                due_date=heavy_day,
                estimated_minutes=minutes,
                kind=kind,
                by=assignment.staff,
                division=hybrid,
                subject=assignment.subject,
            )
        ses = Group.objects.filter(etablissement=etablissement, code="1SPESES1").current().first()
        ses_teacher = TeachingAssignment.objects.filter(group=ses).select_related("staff").first()
        if ses is not None and ses_teacher is not None:
            _try(
                services.homework_create,
                etablissement=etablissement,
                title="Étude de documents",
                instructions="Lire les documents 1 à 3 du dossier et répondre aux questions de la fiche.",
                given_on=monday,
                due_date=monday + dt.timedelta(days=3),
                estimated_minutes=45,
                by=ses_teacher.staff,
                group=ses,
            )
            _seed_ses_group(etablissement, ses, ses_teacher.staff, monday, today)


def _seed_ses_group(etablissement: Etablissement, group: Group, teacher, monday: dt.date, today: dt.date) -> None:
    """Léa's SES spécialité: a virtual class with its link each week, and an assessment in the coming days.

    The student's and the parent's home then show a link to open, the teacher's a register to take.
    """
    from outils.queries import tools_for_modality

    tool = tools_for_modality(etablissement=etablissement, modality=Modality.VISIO).first()
    first_slot = TimetableSlot.objects.filter(group=group).select_related("subject").first()
    for slot in TimetableSlot.objects.filter(group=group).select_related("etablissement", "division", "group"):
        for week in (monday, monday + dt.timedelta(days=7)):
            _try(
                services.session_plan,
                slot=slot,
                date=week + dt.timedelta(days=slot.weekday),
                modality=Modality.VISIO,
                tool=tool,
                link="https://visio.netocentre.fr/b/ses-1spe1" if tool is not None else "",
            )
    # Her first class of each day is a virtual class too: her home shows a register to take.
    firsts: dict[int, TimetableSlot] = {}
    for slot in (
        TimetableSlot.objects.filter(teachers=teacher, division__isnull=False)
        .select_related("etablissement", "division", "group")
        .order_by("weekday", "start", "pk")
    ):
        firsts.setdefault(slot.weekday, slot)
    for slot in firsts.values():
        for week in (monday, monday + dt.timedelta(days=7)):
            _try(
                services.session_plan,
                slot=slot,
                date=week + dt.timedelta(days=slot.weekday),
                modality=Modality.VISIO,
                tool=tool,
                link=f"https://visio.netocentre.fr/b/ses-{slot.division.code.lower()}" if tool is not None else "",
            )
    # Due within the coming week, whatever the day the demo is built on (never on a weekend).
    due = today + dt.timedelta(days=3)
    while due.weekday() >= 5:
        due += dt.timedelta(days=1)
    _try(
        services.homework_create,
        etablissement=etablissement,
        title="QCM chapitre 3",
        instructions="Questions sur le chapitre 3, à faire sur l'ENT avant la séance.",
        given_on=today if today.weekday() < 5 else monday_of(today) + dt.timedelta(days=7),
        due_date=due,
        estimated_minutes=30,
        kind=HomeworkKind.ASSESSMENT,
        by=teacher,
        group=group,
        subject=first_slot.subject if first_slot is not None else None,
    )


def _seed_off_timetable(etablissement: Etablissement, today: dt.date) -> None:
    """The SES teacher adds a video class of support for his spécialité group on Wednesday afternoons
    (no lesson then: it replaces nobody's), and gives from it a QCM with its Moodle link, both weeks."""
    from outils.models import Tool

    group = Group.objects.filter(etablissement=etablissement, code="1SPESES1").current().first()
    service = TeachingAssignment.objects.filter(group=group).select_related("staff", "subject").first()
    if group is None or service is None:
        return
    visio = Tool.objects.filter(slug="bigbluebutton-ent").first()
    moodle = Tool.objects.filter(slug="moodle").first()
    for week, chapter in ((monday_of(today), 2), (monday_of(today) + dt.timedelta(days=7), 4)):
        wednesday = week + dt.timedelta(days=2)
        session = _try(
            services.session_create,
            etablissement=etablissement,
            date=wednesday,
            start=dt.time(14),
            end=dt.time(15),
            subject=service.subject,
            teachers=[service.staff],
            by=service.staff,
            modality=Modality.VISIO,
            group=group,
            tool=visio,
            link="https://lycees.netocentre.fr/bbb/soutien-ses" if visio else "",
            notes="Séance de soutien : apportez vos questions sur le chapitre.",
        )
        if session is None:
            continue
        _try(
            services.homework_create,
            etablissement=etablissement,
            title=f"QCM chapitre {chapter}",
            instructions="Vingt questions, sans document ; une seule tentative.",
            given_on=wednesday,
            due_date=wednesday + dt.timedelta(days=2),
            estimated_minutes=20,
            kind=HomeworkKind.ASSESSMENT,
            by=service.staff,
            group=group,
            session=session,
            tool=moodle,
            link=f"https://lycees.netocentre.fr/moodle/ses/qcm-chapitre-{chapter}" if moodle else "",
        )


@transaction.atomic
def seed(*, etablissement: Etablissement, today: dt.date) -> None:
    year = SchoolYear.objects.filter(etablissement=etablissement, is_current=True).first()
    if year is None:
        return
    services.planning_settings_update(etablissement=etablissement, class_weekdays=[0, 1, 2, 3, 4, SATURDAY])
    services.school_calendar_build(school_year=year)
    if TimetableSlot.objects.filter(etablissement=etablissement).exists():
        return
    _seed_timetable(etablissement, year)
    # The load of each division and week is checked once, when everything is planned (not per change).
    with overload_checks_deferred():
        _seed_weeks(etablissement, today)
    _seed_off_timetable(etablissement, today)
