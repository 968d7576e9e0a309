"""The timetable's imports (EDT, UnDeuxTemps): the file's weekly slots replace the year's timetable."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from continuite.ecole.models import Division, Etablissement, Group, SchoolYear, Staff, Subject, TeachingAssignment

from ..parsers.common import Problem
from .reports import BATCH, Plan
from .reports import changed as _changed


def plan_timetable(plan: Plan, etab: Etablissement, year: SchoolYear, parsed, today: dt.date) -> None:
    """The file's weekly slots replace the year's timetable: same slots kept, others created or removed."""
    from planning.models import SchoolDay, TimetableSlot

    label = _("Créneaux")
    subjects = {s.code.upper(): s for s in Subject.objects.filter(etablissement=etab)}
    divisions = {d.code: d for d in Division.objects.filter(school_year=year)}
    groups = {g.code: g for g in Group.objects.filter(school_year=year)}
    teachers: dict[str, list[Staff]] = defaultdict(list)
    for member in Staff.objects.filter(etablissement=etab, left_on__isnull=True):
        teachers[member.last_name.upper()].append(member)

    # The STS services of the year, to tell homonyms apart: staff → {(structure code, subject code)}.
    services: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for staff_id, division_code, group_code, subject_code in TeachingAssignment.objects.filter(
        staff__etablissement=etab
    ).values_list("staff_id", "division__code", "group__code", "subject__code"):
        services[staff_id].add((division_code or group_code or "", subject_code.upper()))
    # Which parity each ISO week of the school calendar is, for the files that list their weeks.
    week_parity: dict[int, set[str]] = defaultdict(set)
    for iso_week, parity in (
        SchoolDay.objects.filter(etablissement=etab, date__range=(year.start, year.end), is_holiday=False)
        .values_list("iso_week", "week_parity")
        .distinct()
    ):
        week_parity[iso_week].add(parity)

    def teacher_of(course) -> tuple[Staff | None, int]:
        """The teacher a course names, and how many staff bear that name (to word the problem)."""
        candidates = teachers.get(course.teacher_last.upper(), [])
        first = course.teacher_first.rstrip(".").lower()
        if first:
            candidates = [c for c in candidates if c.first_name.lower().startswith(first)] or candidates
        if len(candidates) <= 1:
            return (candidates[0] if candidates else None), len(candidates)
        # Homonyms: the one whose service is this class (or group) and this subject, then either.
        structure, subject = course.structure_code, course.subject_code.upper()
        for fits in (
            lambda c: (structure, subject) in services[c.pk],
            lambda c: any(code == structure for code, _s in services[c.pk]),
            lambda c: any(s == subject for _c, s in services[c.pk]),
        ):
            found = [c for c in candidates if fits(c)]
            if len(found) == 1:
                return found[0], len(candidates)
            if found:
                break
        return None, len(candidates)

    def pattern_of(course) -> str | None:
        """all, A or B; a list of weeks is read through the school calendar (None if it fits no pattern)."""
        if course.week_pattern != "weeks":
            return course.week_pattern
        parities = set().union(*(week_parity.get(w, set()) for w in course.weeks))
        school_weeks = set(week_parity)
        if len(parities) == 1:
            return parities.pop()
        if school_weeks and school_weeks <= set(course.weeks):
            return "all"
        return None

    new_subjects: dict[str, Subject] = {}
    slots: dict[tuple, dict] = {}
    from planning.services import planning_settings_get

    class_weekdays = set(planning_settings_get(etablissement=etab).weekdays)
    for course in parsed.courses:
        where = course.element
        if course.weekday not in class_weekdays:
            day = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")[course.weekday]
            plan.problems.append(
                Problem(
                    _(
                        "Cours le %(day)s : ce n'est pas un jour de classe de l'établissement. Ajoutez-le dans "
                        "« Jours de classe et seuils de charge », puis importez à nouveau."
                    )
                    % {"day": day},
                    where,
                    course.line,
                )
            )
            continue
        audience = divisions.get(course.structure_code) or groups.get(course.structure_code)
        if audience is None:
            plan.problems.append(
                Problem(
                    _("Classe ou groupe inconnu (%(code)s) : importez d'abord STS-web et SIECLE.")
                    % {"code": course.structure_code},
                    where,
                    course.line,
                )
            )
            continue
        subject = subjects.get(course.subject_code.upper()) or new_subjects.get(course.subject_code.upper())
        if subject is None:
            subject = Subject(
                etablissement=etab,
                code=course.subject_code,
                label=course.subject_label or course.subject_code,
                short_label=course.subject_code[:40],
            )
            new_subjects[course.subject_code.upper()] = subject
            plan.count(_("Matières"), "created")
            # Named, so that a duplicate of an existing subject (« ESPAGNOL LV2 » next to « Espagnol ») shows.
            named = subject.label if subject.label == subject.code else f"{subject.label} ({subject.code})"
            plan.name(_("Matières créées"), named)
        pattern = pattern_of(course)
        if pattern is None:
            plan.problems.append(
                Problem(
                    _(
                        "Semaines « %(value)s » : elles ne forment ni toutes les semaines, ni les semaines A, ni les "
                        "semaines B du calendrier de l'établissement ; cours ignoré."
                    )
                    % {"value": course.pattern_text},
                    where,
                    course.line,
                )
            )
            continue
        teacher, homonyms = teacher_of(course) if course.teacher_last else (None, 0)
        if course.teacher_last and teacher is None:
            name = f"{course.teacher_last} {course.teacher_first}".strip()
            if homonyms > 1:
                message = _(
                    "%(count)d enseignants s'appellent %(name)s et aucun service STS (classe, matière) ne les "
                    "départage pour ce cours : créneau importé sans enseignant."
                ) % {"count": homonyms, "name": name}
            else:
                message = _("Enseignant introuvable (%(name)s) : créneau importé sans enseignant.") % {"name": name}
            plan.problems.append(Problem(message, where, course.line, level="warning"))
        is_group = isinstance(audience, Group)
        key = (
            is_group,
            course.structure_code,
            course.subject_code.upper(),
            course.weekday,
            course.start,
            pattern,
        )
        slot = slots.setdefault(
            key,
            {
                "audience": audience,
                "subject_code": course.subject_code.upper(),
                "end": course.end,
                "room": course.room,
                "teachers": set(),
                "course": course,
            },
        )
        if teacher is not None:
            slot["teachers"].add(teacher.pk)

    existing = {}
    existing_teachers: dict[int, set[int]] = defaultdict(set)
    for slot in TimetableSlot.objects.filter(etablissement=etab, school_year=year).select_related(
        "division", "group", "subject"
    ):
        key = (
            slot.group_id is not None,
            (slot.group or slot.division).code,
            slot.subject.code.upper(),
            slot.weekday,
            slot.start,
            slot.week_pattern,
        )
        existing[key] = slot
    for slot_id, staff_id in TimetableSlot.teachers.through.objects.filter(
        timetableslot__etablissement=etab, timetableslot__school_year=year
    ).values_list("timetableslot_id", "staff_id"):
        existing_teachers[slot_id].add(staff_id)

    to_update, to_create, teacher_changes = [], [], []
    for key, wanted in slots.items():
        slot = existing.get(key)
        if slot is None:
            to_create.append((key, wanted))
            plan.count(label, "created")
            continue
        changed = _changed(slot, {"end": wanted["end"], "room": wanted["room"]})
        if changed:
            to_update.append(slot)
        if existing_teachers[slot.pk] != wanted["teachers"]:
            teacher_changes.append((slot.pk, wanted["teachers"]))
            changed = True
        plan.count(label, "updated" if changed else "unchanged")
    stale = [slot.pk for key, slot in existing.items() if key not in slots]
    plan.count(label, "removed", len(stale))

    def write():
        Subject.objects.bulk_create(list(new_subjects.values()), batch_size=BATCH)
        subject_pk = {
            code.upper(): pk for code, pk in Subject.objects.filter(etablissement=etab).values_list("code", "pk")
        }
        through = TimetableSlot.teachers.through
        TimetableSlot.objects.filter(pk__in=stale).delete()
        TimetableSlot.objects.bulk_update(to_update, ["end", "room"], batch_size=BATCH)
        for slot_id, staff_ids in teacher_changes:
            through.objects.filter(timetableslot_id=slot_id).delete()
            through.objects.bulk_create([through(timetableslot_id=slot_id, staff_id=s) for s in staff_ids])
        created = [
            TimetableSlot(
                etablissement=etab,
                school_year=year,
                division=None if key[0] else wanted["audience"],
                group=wanted["audience"] if key[0] else None,
                subject_id=subject_pk[wanted["subject_code"]],
                weekday=key[3],
                start=key[4],
                end=wanted["end"],
                week_pattern=key[5],
                room=wanted["room"],
            )
            for key, wanted in to_create
        ]
        TimetableSlot.objects.bulk_create(created, batch_size=BATCH)
        if any(slot.pk is None for slot in created):
            raise ValidationError(_("La base de données n'a pas renvoyé les identifiants des créneaux créés."))
        through.objects.bulk_create(
            [
                through(timetableslot_id=slot.pk, staff_id=staff_id)
                for slot, (_key, wanted) in zip(created, to_create, strict=True)
                for staff_id in wanted["teachers"]
            ],
            batch_size=BATCH,
        )

    plan.steps.append(write)
