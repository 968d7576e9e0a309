"""The directory's imports: STS-web (staff, subjects, divisions, groups, services) and SIECLE
(students, guardians and their links)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from continuite import french
from continuite.ecole.models import (
    Division,
    Etablissement,
    Group,
    GroupKind,
    Guardian,
    GuardianLink,
    Half,
    Level,
    SchoolYear,
    Staff,
    Student,
    Subject,
    TeachingAssignment,
)

from ..parsers.common import Problem
from ..parsers.siecle import ELEVES_FILE
from ..parsers.sts import FUNCTION_FLAGS
from .reports import BATCH, Plan
from .reports import changed as _changed
from .reports import changed_fields as _changed_fields


def readable_phone(value: str) -> str:
    """A French number as « 06 53 55 28 94 », however the file wrote it; anything else as given."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) == 10 and digits.startswith("0"):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return (value or "").strip()


def _named(first_name: str, last_name: str, division: str | None = None) -> str:
    name = f"{first_name} {last_name}".strip()
    return f"{name} ({division})" if division else name


def level_of(code: str) -> str | None:
    """The level of a division from its code: ``2NDE3``, ``1G3``, ``TG2``."""
    first = code[:1].upper()
    return {"2": Level.SECONDE, "1": Level.PREMIERE, "T": Level.TERMINALE}.get(first)


def _divisions_create(plan: Plan, year: SchoolYear, codes: dict[str, str], label: str) -> None:
    """Plan the creation of divisions (``code → label``) with their half-groups A and B."""
    if not codes:
        return
    for code in codes:
        if level_of(code) is None:
            plan.problems.append(
                Problem(
                    _("Niveau de la division %(code)s inconnu : elle est rangée en Seconde, à corriger.")
                    % {"code": code},
                    f'DIVISION CODE="{code}"',
                    level="warning",
                )
            )
    plan.count(label, "created", len(codes))

    def step():
        etab = year.etablissement
        Division.objects.bulk_create(
            [
                Division(
                    etablissement=etab,
                    school_year=year,
                    code=code,
                    level=level_of(code) or Level.SECONDE,
                    label=division_label,
                )
                for code, division_label in codes.items()
            ],
            batch_size=BATCH,
        )
        created = Division.objects.filter(school_year=year, code__in=list(codes))
        Group.objects.bulk_create(
            [
                Group(
                    etablissement=etab,
                    school_year=year,
                    code=f"{d.code}-{half.value}",
                    label=f"{d.code} groupe {half.value}",
                    kind=GroupKind.HALF,
                    division=d,
                    half=half.value,
                )
                for d in created
                for half in Half
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

    plan.steps.append(step)


# --- STS-web -----------------------------------------------------------------------------------------


def plan_sts(plan: Plan, etab: Etablissement, year: SchoolYear, parsed, today: dt.date) -> None:
    subjects = {s.code: s for s in Subject.objects.filter(etablissement=etab)}
    new_subjects, changed_subjects = [], []
    for item in parsed.subjects:
        subject = subjects.get(item.code)
        if subject is None:
            subject = Subject(etablissement=etab, code=item.code, label=item.label, short_label=item.short_label)
            subjects[item.code] = subject
            new_subjects.append(subject)
            plan.count(_("Matières"), "created")
        elif _changed(subject, {"label": item.label, "short_label": item.short_label}):
            changed_subjects.append(subject)
            plan.count(_("Matières"), "updated")
        else:
            plan.count(_("Matières"), "unchanged")

    staff_by_id = {s.sts_id: s for s in Staff.objects.filter(etablissement=etab).exclude(sts_id="")}
    new_staff, changed_staff, seen = [], [], set()
    for item in parsed.staff:
        if item.sts_id in seen:
            plan.problems.append(
                Problem(
                    _("Identifiant STS %(id)s en double : seconde fiche ignorée.") % {"id": item.sts_id},
                    f'INDIVIDU ID="{item.sts_id}"',
                    item.line,
                )
            )
            continue
        seen.add(item.sts_id)
        flag = FUNCTION_FLAGS.get(item.function)
        member = staff_by_id.get(item.sts_id)
        values = {
            "last_name": item.last_name,
            "first_name": item.first_name,
            "civility": item.civility,
            "is_teacher": item.function == "ENS",
            "left_on": None,
        }
        if flag and flag != "is_teacher":
            values[flag] = True  # a role is added from STS-web, never taken away (the direction grants roles)
        if item.email and (member is None or not member.email):
            values["email"] = item.email
        if member is None:
            new_staff.append(Staff(etablissement=etab, sts_id=item.sts_id, **values))
            plan.count(_("Personnels"), "created")
        elif _changed(member, values):
            changed_staff.append(member)
            plan.count(_("Personnels"), "updated")
        else:
            plan.count(_("Personnels"), "unchanged")
    gone = [s for sts_id, s in staff_by_id.items() if sts_id not in seen and s.left_on is None]
    for member in gone:
        member.left_on = today
    plan.count(_("Personnels"), "removed", len(gone))

    divisions = {d.code: d for d in Division.objects.filter(school_year=year)}
    groups = {g.code: g for g in Group.objects.filter(school_year=year)}
    new_divisions: dict[str, str] = {}
    changed_divisions, new_groups, changed_groups = [], [], []
    for item in parsed.structures:
        if not item.is_group:
            division = divisions.get(item.code)
            if division is None:
                new_divisions[item.code] = item.label
            elif item.label and _changed(division, {"label": item.label}):
                changed_divisions.append(division)
                plan.count(_("Divisions"), "updated")
            else:
                plan.count(_("Divisions"), "unchanged")
    _divisions_create(plan, year, new_divisions, _("Divisions"))
    division_codes = set(divisions) | set(new_divisions)
    for item in parsed.structures:
        if item.is_group:
            group = groups.get(item.code)
            kind = GroupKind.OPTION if item.label.upper().startswith("OPT") else GroupKind.SPECIALITE
            if group is None:
                new_groups.append(
                    Group(etablissement=etab, school_year=year, code=item.code, label=item.label, kind=kind)
                )
                plan.count(_("Groupes"), "created")
            elif group.kind == GroupKind.HALF:
                plan.problems.append(
                    Problem(
                        _("Le groupe %(code)s porte le code d'un demi-groupe : ignoré.") % {"code": item.code},
                        f'GROUPE CODE="{item.code}"',
                        item.line,
                    )
                )
            elif _changed(group, {"label": item.label or group.label}):
                changed_groups.append(group)
                plan.count(_("Groupes"), "updated")
            else:
                plan.count(_("Groupes"), "unchanged")
            for code in item.division_codes:
                if code not in division_codes:
                    plan.problems.append(
                        Problem(
                            _("Le groupe %(group)s cite la division %(code)s, absente du fichier.")
                            % {"group": item.code, "code": code},
                            f'GROUPE CODE="{item.code}"',
                            item.line,
                            level="warning",
                        )
                    )
    group_divisions = {
        item.code: [c for c in item.division_codes if c in division_codes]
        for item in parsed.structures
        if item.is_group and not (item.code in groups and groups[item.code].kind == GroupKind.HALF)
    }

    tutors = set()
    for item in parsed.staff:
        if item.function != "ENS":
            continue
        for code in item.tutor_of:
            if code in division_codes:
                tutors.add((item.sts_id, code))
            else:
                plan.problems.append(
                    Problem(
                        _("Professeur principal d'une division inconnue (%(code)s).") % {"code": code},
                        f'INDIVIDU ID="{item.sts_id}"',
                        item.line,
                        level="warning",
                    )
                )

    wanted_services = set()
    group_codes = set(group_divisions)
    for service in parsed.services:
        if service.staff_id not in seen:
            plan.problems.append(
                Problem(
                    _("Service d'un enseignant absent des individus (ID %(id)s) : ignoré.") % {"id": service.staff_id},
                    f'ENSEIGNANT ID="{service.staff_id}"',
                    service.line,
                )
            )
            continue
        if service.is_group and service.structure_code not in group_codes:
            continue
        wanted_services.add((service.staff_id, service.subject_code, service.is_group, service.structure_code))
    existing_services = {}
    for assignment in (
        TeachingAssignment.objects.filter(staff__etablissement=etab)
        .exclude(staff__sts_id="")
        .filter(Q(division__school_year=year) | Q(group__school_year=year))
        .values("pk", "staff__sts_id", "subject__code", "division__code", "group__code")
    ):
        is_group = assignment["group__code"] is not None
        key = (
            assignment["staff__sts_id"],
            assignment["subject__code"],
            is_group,
            assignment["group__code"] if is_group else assignment["division__code"],
        )
        existing_services[key] = assignment["pk"]
    services_to_add = wanted_services - set(existing_services)
    services_to_remove = [pk for key, pk in existing_services.items() if key not in wanted_services]
    plan.count(_("Services d'enseignement"), "created", len(services_to_add))
    plan.count(_("Services d'enseignement"), "removed", len(services_to_remove))
    plan.count(_("Services d'enseignement"), "unchanged", len(wanted_services & set(existing_services)))

    def write_people():
        Subject.objects.bulk_create(new_subjects, batch_size=BATCH)
        Subject.objects.bulk_update(changed_subjects, ["label", "short_label"], batch_size=BATCH)
        Staff.objects.bulk_create(new_staff, batch_size=BATCH)
        fields = ["last_name", "first_name", "civility", "is_teacher", "is_cpe", "is_direction", "email", "left_on"]
        Staff.objects.bulk_update(changed_staff + gone, fields, batch_size=BATCH)

    def write_structures():
        Division.objects.bulk_update(changed_divisions, ["label"], batch_size=BATCH)
        Group.objects.bulk_create(new_groups, batch_size=BATCH)
        Group.objects.bulk_update(changed_groups, ["label"], batch_size=BATCH)
        division_pk = dict(Division.objects.filter(school_year=year).values_list("code", "pk"))
        group_pk = dict(Group.objects.filter(school_year=year).values_list("code", "pk"))
        through = Group.divisions.through
        existing = set(through.objects.filter(group__school_year=year).values_list("group_id", "division_id"))
        wanted = {(group_pk[g], division_pk[d]) for g, codes in group_divisions.items() for d in codes}
        through.objects.bulk_create(
            [through(group_id=g, division_id=d) for g, d in wanted - existing], batch_size=BATCH
        )
        stale = [pair for pair in existing - wanted if pair[0] in {group_pk[g] for g in group_divisions}]
        for group_id, division_id in stale:
            through.objects.filter(group_id=group_id, division_id=division_id).delete()

        staff_pk = dict(Staff.objects.filter(etablissement=etab).exclude(sts_id="").values_list("sts_id", "pk"))
        tutor_through = Division.form_tutors.through
        existing_tutors = set(
            tutor_through.objects.filter(division__school_year=year).values_list("staff_id", "division_id")
        )
        wanted_tutors = {(staff_pk[s], division_pk[d]) for s, d in tutors}
        tutor_through.objects.bulk_create(
            [tutor_through(staff_id=s, division_id=d) for s, d in wanted_tutors - existing_tutors], batch_size=BATCH
        )
        subject_pk = dict(Subject.objects.filter(etablissement=etab).values_list("code", "pk"))
        TeachingAssignment.objects.filter(pk__in=services_to_remove).delete()
        TeachingAssignment.objects.bulk_create(
            [
                TeachingAssignment(
                    staff_id=staff_pk[sts_id],
                    subject_id=subject_pk[subject],
                    division_id=None if is_group else division_pk[code],
                    group_id=group_pk[code] if is_group else None,
                )
                for sts_id, subject, is_group, code in services_to_add
                if is_group or code in division_pk
            ],
            batch_size=BATCH,
        )

    plan.steps[0:0] = [write_people]
    plan.steps.append(write_structures)


# --- SIECLE: students --------------------------------------------------------------------------------


def plan_eleves(plan: Plan, etab: Etablissement, year: SchoolYear, parsed, today: dt.date) -> None:
    """Students matched on their INE, or on their ELEVE_ID when SIECLE replaced a provisional INE."""
    label = _("Élèves")
    students = {s.ine: s for s in Student.objects.filter(etablissement=etab)}
    by_siecle_id = {s.siecle_id: s for s in students.values() if s.siecle_id}
    divisions = {d.code: d for d in Division.objects.filter(school_year=year)}
    groups = {g.code: g for g in Group.objects.filter(school_year=year)}

    current = [s for s in parsed.students if s.is_current_on(today)]
    new_divisions = {s.division_code: "" for s in current if s.division_code and s.division_code not in divisions}
    _divisions_create(plan, year, new_divisions, _("Divisions"))
    new_group_divisions: dict[str, set[str]] = defaultdict(set)
    for item in current:
        for code in item.group_codes:
            if code not in groups:
                new_group_divisions[code].add(item.division_code)
    plan.count(_("Groupes"), "created", len(new_group_divisions))
    for item in current:
        if not item.division_code:
            plan.problems.append(
                Problem(
                    _("Élève %(ine)s sans division.") % {"ine": item.ine},
                    f'ELEVE ELEVE_ID="{item.eleve_id}"',
                    item.line,
                    level="warning",
                )
            )

    # Current memberships of the school's students: (student, group) → the group's kind and division.
    memberships: dict[int, dict[int, int | None]] = defaultdict(dict)
    for student_id, group_id, division_id in Student.groups.through.objects.filter(
        student__etablissement=etab
    ).values_list("student_id", "group_id", "group__division_id"):
        memberships[student_id][group_id] = division_id

    division_code_of = dict(
        Division.objects.filter(pk__in={s.division_id for s in students.values() if s.division_id}).values_list(
            "pk", "code"
        )
    )
    arrived, left, moved = _("Arrivées"), _("Départs"), _("Changements de classe")
    new_students, changed_students, seen = [], [], set()
    left_now, left_before, never_registered, leaving_later, ine_changes = 0, 0, 0, [], 0
    wanted_groups: dict[str, tuple[str, list[str]]] = {}  # INE → (division code, group codes)
    file_ids = {item.eleve_id: item.ine for item in parsed.students if item.eleve_id}
    file_ines = set(file_ids.values())
    for item in parsed.students:
        student = students.get(item.ine)
        known = by_siecle_id.get(item.eleve_id) if item.eleve_id else None
        if student is None and known is not None and known.ine not in file_ines:
            # Same ELEVE_ID, new INE: SIECLE replaced a provisional INE; the student is the same.
            student = known
            students[item.ine] = student
            ine_changes += 1
        seen.add(item.ine)
        if student is not None:
            seen.add(student.ine)
        if not item.is_current_on(today):
            # Pseudo-class "Inactifs" or a past DATE_SORTIE: a student who has left, never a new one.
            if student is not None and student.exit_date is None:
                student.exit_date = item.exit_date or today
                student.planned_exit_date = None
                changed_students.append(student)
                left_now += 1
                reason = (
                    _("date de sortie du %(date)s") % {"date": item.exit_date.strftime("%d/%m/%Y")}
                    if item.exit_date
                    else _("classe « Inactifs »")
                )
                who = _named(student.first_name, student.last_name, division_code_of.get(student.division_id))
                plan.name(left, f"{who} : {reason}")
            elif student is None:
                never_registered += 1
            else:
                left_before += 1
            continue
        values = {
            "ine": item.ine,
            "siecle_id": item.eleve_id,
            "last_name": item.last_name,
            "first_name": item.first_name,
            "birth_date": item.birth_date,
            "entry_date": item.entry_date,
            "exit_date": None,
            "planned_exit_date": item.exit_date,  # None, or a day still to come
        }
        if item.exit_date:
            leaving_later.append((item, student))
        wanted_groups[item.ine] = (item.division_code, item.group_codes)
        if student is None:
            new_students.append(Student(etablissement=etab, **values))
            plan.count(label, "created")
            plan.name(arrived, _named(item.first_name, item.last_name, item.division_code))
            continue
        division = divisions.get(item.division_code)
        old_code = division_code_of.get(student.division_id, "")
        if item.division_code and old_code != item.division_code:
            who = _named(item.first_name, item.last_name)
            plan.name(moved, f"{who} : {old_code or '—'} → {item.division_code}")
        fields_changed = _changed(student, values) or student.division_id != (division.pk if division else None)
        current_groups = memberships.get(student.pk, {})
        wanted = {groups[c].pk for c in item.group_codes if c in groups}
        kept = {g for g, d in current_groups.items() if d is not None and division and d == division.pk}
        groups_changed = any(c not in groups for c in item.group_codes) or set(current_groups) != wanted | kept
        if fields_changed or groups_changed:
            changed_students.append(student)
            plan.count(label, "updated")
        else:
            plan.count(label, "unchanged")
    gone = [s for ine, s in students.items() if ine not in seen and s.exit_date is None and s not in changed_students]
    for student in gone:
        student.exit_date = today
        student.planned_exit_date = None
        # Most worth checking: an export that forgot a class looks exactly like this.
        who = _named(student.first_name, student.last_name, division_code_of.get(student.division_id))
        plan.name(left, f"{who} : {_('absent du fichier')}")
    plan.count(label, "removed", len(gone) + left_now)
    # An ELEVE_ID the file gives to another student is no longer this one's.
    stale_ids = [
        s
        for s in students.values()
        if s.siecle_id and s.siecle_id in file_ids and file_ids[s.siecle_id] != s.ine and s not in changed_students
    ]
    for student in stale_ids:
        student.siecle_id = ""

    if left_now or gone:
        plan.notes.append(
            ngettext(
                "%(count)d élève n'est plus inscrit d'après ce fichier (date de sortie, « Inactifs » ou absent du "
                "fichier) : il sort des listes, son dossier est gardé trois mois.",
                "%(count)d élèves ne sont plus inscrits d'après ce fichier (date de sortie, « Inactifs » ou absents "
                "du fichier) : ils sortent des listes, leur dossier est gardé trois mois.",
                left_now + len(gone),
            )
            % {"count": left_now + len(gone)}
        )
    if left_before:
        plan.notes.append(
            ngettext(
                "%(count)d élève du fichier était déjà sorti : il n'est pas réinscrit.",
                "%(count)d élèves du fichier étaient déjà sortis : ils ne sont pas réinscrits.",
                left_before,
            )
            % {"count": left_before}
        )
    if never_registered:
        plan.notes.append(
            ngettext(
                "%(count)d élève du fichier, sorti (date de sortie passée ou « Inactifs »), n'a jamais été inscrit "
                "dans le portail : non inscrit.",
                "%(count)d élèves du fichier, sortis (date de sortie passée ou « Inactifs »), n'ont jamais été "
                "inscrits dans le portail : non inscrits.",
                never_registered,
            )
            % {"count": never_registered}
        )
    for item, _student in leaving_later:
        plan.notes.append(
            _("%(name)s (%(division)s) : sortie prévue le %(date)s, reste dans les listes jusqu'à cette date.")
            % {
                "name": f"{item.first_name} {item.last_name}",
                "division": item.division_code or "?",
                "date": item.exit_date.strftime("%d/%m/%Y"),
            }
        )
    if ine_changes:
        plan.notes.append(
            ngettext(
                "%(count)d élève a changé d'INE (INE provisoire remplacé) : reconnu par son identifiant SIECLE.",
                "%(count)d élèves ont changé d'INE (INE provisoire remplacé) : reconnus par leur identifiant SIECLE.",
                ine_changes,
            )
            % {"count": ine_changes}
        )

    def write_groups():
        division_pk = dict(Division.objects.filter(school_year=year).values_list("code", "pk"))
        Group.objects.bulk_create(
            [
                Group(etablissement=etab, school_year=year, code=code, kind=GroupKind.SPECIALITE)
                for code in new_group_divisions
            ],
            batch_size=BATCH,
        )
        group_pk = dict(
            Group.objects.filter(school_year=year, code__in=list(new_group_divisions)).values_list("code", "pk")
        )
        through = Group.divisions.through
        through.objects.bulk_create(
            [
                through(group_id=group_pk[g], division_id=division_pk[d])
                for g, codes in new_group_divisions.items()
                for d in codes
                if d in division_pk
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

    def write_students():
        division_pk = dict(Division.objects.filter(school_year=year).values_list("code", "pk"))
        for student in new_students:
            student.division_id = division_pk.get(wanted_groups[student.ine][0])
        for student in changed_students:
            if student.ine in wanted_groups:
                student.division_id = division_pk.get(wanted_groups[student.ine][0])
        Student.objects.bulk_update(stale_ids, ["siecle_id"], batch_size=BATCH)
        Student.objects.bulk_create(new_students, batch_size=BATCH)
        fields = [
            "ine",
            "siecle_id",
            "last_name",
            "first_name",
            "birth_date",
            "entry_date",
            "exit_date",
            "planned_exit_date",
            "division",
        ]
        Student.objects.bulk_update(changed_students + gone, fields, batch_size=BATCH)

    def write_memberships():
        group_rows = Group.objects.filter(school_year=year).values_list("code", "pk", "division_id")
        group_pk = {code: pk for code, pk, _d in group_rows}
        half_division = {pk: d for _c, pk, d in group_rows if d is not None}
        student_rows = Student.objects.filter(etablissement=etab, ine__in=list(wanted_groups)).values_list(
            "ine", "pk", "division_id"
        )
        through = Student.groups.through
        to_add, to_remove = [], []
        for ine, student_id, division_id in student_rows:
            current_groups = memberships.get(student_id, {})
            wanted = {group_pk[c] for c in wanted_groups[ine][1] if c in group_pk}
            # The half-group (A/B) is the portal's own: kept while the student stays in its division.
            wanted |= {g for g in current_groups if half_division.get(g) == division_id and division_id}
            to_add += [through(student_id=student_id, group_id=g) for g in wanted - set(current_groups)]
            to_remove += [(student_id, g) for g in set(current_groups) - wanted]
        through.objects.bulk_create(to_add, batch_size=BATCH, ignore_conflicts=True)
        by_group: dict[int, list[int]] = defaultdict(list)
        for student_id, group_id in to_remove:
            by_group[group_id].append(student_id)
        for group_id, student_ids in by_group.items():
            through.objects.filter(group_id=group_id, student_id__in=student_ids).delete()

    plan.steps += [write_groups, write_students, write_memberships]


# --- SIECLE: guardians -------------------------------------------------------------------------------

GUARDIAN_FIELDS = ["siecle_id", "civility", "last_name", "first_name", "email", "mobile", "accepts_sms"]
LINK_FIELD_LABELS = {"kind": gettext_lazy("type de responsable"), "relationship": gettext_lazy("lien de parenté")}
GUARDIAN_FIELD_LABELS = {
    "siecle_id": gettext_lazy("identifiant SIECLE"),
    "civility": gettext_lazy("civilité"),
    "last_name": gettext_lazy("nom"),
    "first_name": gettext_lazy("prénom"),
    "email": gettext_lazy("courriel"),
    "mobile": gettext_lazy("téléphone"),
    "accepts_sms": gettext_lazy("accord SMS"),
}


def _name_key(last_name: str, first_name: str) -> tuple[str, str]:
    return (last_name.strip().upper(), first_name.strip().lower())


def plan_responsables(plan: Plan, etab: Etablissement, year: SchoolYear, parsed, today: dt.date) -> None:
    """Guardians matched on their PERSONNE_ID; by name only for those imported before ids were kept.

    The name fallback looks among the guardians already linked to the person's students, taking
    the same kind of link (responsable 1 or 2) first, then the same address: two guardians of one
    student who share a name are never swapped. Each existing guardian is matched at most once.
    """
    label = _("Responsables")
    links_label = _("Liens responsable-élève")
    student_of_key, student_name = {}, {}
    for siecle_id, pk, first_name, last_name in (
        Student.objects.filter(etablissement=etab)
        .exclude(siecle_id="")
        .values_list("siecle_id", "pk", "first_name", "last_name")
    ):
        student_of_key[siecle_id] = pk
        student_name[pk] = _named(first_name, last_name)
    if not student_of_key:
        raise ValidationError(
            _(
                "Importez d'abord le fichier des élèves (%(file)s) : les responsables ne désignent les élèves que "
                "par leur ELEVE_ID, propre à l'export."
            )
            % {"file": ELEVES_FILE}
        )

    person_links: dict[str, dict[int, tuple[str, str]]] = defaultdict(dict)
    unknown_students = 0
    for link in parsed.links:
        student_id = student_of_key.get(link.eleve_id)
        if student_id is None:
            unknown_students += 1
            plan.problems.append(
                Problem(
                    _(
                        "Lien vers un élève absent des élèves importés (ELEVE_ID %(id)s) : un élève déjà sorti, ou "
                        "un fichier des élèves d'un autre jour."
                    )
                    % {"id": link.eleve_id},
                    "RESPONSABLE_ELEVE",
                    link.line,
                    level="warning",
                )
            )
            continue
        person_links[link.personne_id][student_id] = (link.kind, link.relationship)

    legal_count: dict[int, int] = defaultdict(int)
    for links in person_links.values():
        for student_id, (kind, _rel) in links.items():
            if kind != "contact":
                legal_count[student_id] += 1
    if any(n > 2 for n in legal_count.values()):
        plan.problems.append(
            Problem(
                _("Un élève a plus de deux responsables légaux dans le fichier."), "RESPONSABLE_ELEVE", level="warning"
            )
        )

    guardians = list(Guardian.objects.filter(etablissement=etab).select_related("user"))
    by_siecle_id = {g.siecle_id: g for g in guardians if g.siecle_id}
    existing_links: dict[int, dict[int, GuardianLink]] = defaultdict(dict)
    for link in GuardianLink.objects.filter(guardian__etablissement=etab):
        existing_links[link.guardian_id][link.student_id] = link
    # Guardians imported before PERSONNE_ID was kept, by name: the name fallback looks only there.
    unkeyed: dict[tuple[str, str], list[Guardian]] = defaultdict(list)
    for guardian in guardians:
        if not guardian.siecle_id:
            unkeyed[_name_key(guardian.last_name, guardian.first_name)].append(guardian)

    def linked(guardian: Guardian, links) -> bool:
        return bool(set(existing_links.get(guardian.pk, {})) & set(links))

    def by_name(person, links) -> Guardian | None:
        candidates = [g for g in unkeyed.get(_name_key(person.last_name, person.first_name), []) if g not in taken]
        if not candidates:
            return None
        for test in (
            # Linked to one of the person's students by the same kind of link (responsable 1 or 2)
            lambda g: any(
                s in existing_links.get(g.pk, {}) and existing_links[g.pk][s].kind == kind
                for s, (kind, _r) in links.items()
            ),
            lambda g: (
                bool(person.email) and g.email == person.email and bool(set(existing_links.get(g.pk, {})) & set(links))
            ),
            lambda g: bool(set(existing_links.get(g.pk, {})) & set(links)),
            lambda g: bool(person.email) and g.email == person.email,
        ):
            found = [g for g in candidates if test(g)]
            if len(found) == 1:
                return found[0]
            if found:
                return None  # two of them fit as well: better a new record than a swap
        return None

    new_guardians, changed_guardians, email_changes = [], [], []
    person_guardian: dict[str, Guardian] = {}
    taken: set[Guardian] = set()
    matched_by_name, not_linked = 0, 0
    for person in parsed.persons:
        links = person_links.get(person.personne_id)
        if not links:
            not_linked += 1
            continue
        guardian = by_siecle_id.get(person.personne_id)
        if guardian is None:
            guardian = by_name(person, links)
            if guardian is not None:
                matched_by_name += 1
        values = {
            "siecle_id": person.personne_id,
            "civility": person.civility,
            "last_name": person.last_name,
            "first_name": person.first_name,
            "mobile": readable_phone(person.mobile),
            "accepts_sms": person.accepts_sms,
        }
        if person.email:
            values["email"] = person.email
        if guardian is None:
            guardian = Guardian(etablissement=etab, **values)
            new_guardians.append(guardian)
            plan.count(label, "created")
        else:
            taken.add(guardian)
            old_email = guardian.email
            old_name = guardian.full_name
            if readable_phone(guardian.mobile) == values["mobile"]:
                guardian.mobile = values["mobile"]  # the same number written otherwise is not a change
            fields = _changed_fields(guardian, values)
            if fields:
                changed_guardians.append(guardian)
                plan.count(label, "updated")
                shown = [str(GUARDIAN_FIELD_LABELS[f]) for f in fields if f in GUARDIAN_FIELD_LABELS]
                if shown:
                    plan.name(_("Responsables modifiés"), f"{old_name} : {', '.join(shown)}")
            else:
                plan.count(label, "unchanged")
            if guardian.user is not None and person.email and person.email != old_email:
                email_changes.append(guardian)
        person_guardian[person.personne_id] = guardian
    if matched_by_name:
        plan.notes.append(
            ngettext(
                "%(count)d responsable importé avant l'enregistrement des identifiants SIECLE a été reconnu par son "
                "nom et ses enfants : son identifiant (PERSONNE_ID) est désormais enregistré.",
                "%(count)d responsables importés avant l'enregistrement des identifiants SIECLE ont été reconnus par "
                "leur nom et leurs enfants : leur identifiant (PERSONNE_ID) est désormais enregistré.",
                matched_by_name,
            )
            % {"count": matched_by_name}
        )
    if not_linked:
        plan.notes.append(
            ngettext(
                "%(count)d personne du fichier n'est responsable d'aucun élève importé : elle n'est pas importée.",
                "%(count)d personnes du fichier ne sont responsables d'aucun élève importé : elles ne sont pas "
                "importées.",
                not_linked,
            )
            % {"count": not_linked}
        )

    # Accounts follow a changed address: refused (and reported) if another account holds it.
    from continuite.accounts.models import User

    wanted_emails = {g.email for g in email_changes}
    taken_emails = set(User.objects.filter(email__in=wanted_emails).values_list("email", flat=True))
    account_moves = []
    for guardian in email_changes:
        if guardian.email in taken_emails:
            plan.problems.append(
                Problem(
                    _(
                        "Nouvelle adresse %(of_name)s (%(email)s) déjà utilisée par un autre compte : "
                        "son compte garde l'adresse %(old)s."
                    )
                    % {"of_name": french.de(guardian.full_name), "email": guardian.email, "old": guardian.user.email},
                    f'PERSONNE PERSONNE_ID="{guardian.siecle_id}"',
                    level="warning",
                )
            )
            continue
        account_moves.append(guardian)
    if account_moves:
        plan.notes.append(
            ngettext(
                "%(count)d responsable a changé d'adresse de courriel : son identifiant de connexion suit, il en est "
                "prévenu par courriel.",
                "%(count)d responsables ont changé d'adresse de courriel : leur identifiant de connexion suit, ils en "
                "sont prévenus par courriel.",
                len(account_moves),
            )
            % {"count": len(account_moves)}
        )

    students_in_file = {s for links in person_links.values() for s in links}
    wanted: dict[tuple[int | str, int], tuple[str, str]] = {}
    link_updates, link_creates = [], []
    for personne_id, guardian in person_guardian.items():
        for student_id, (kind, relationship) in person_links[personne_id].items():
            existing = existing_links.get(guardian.pk, {}).get(student_id) if guardian.pk else None
            wanted[(guardian.pk or id(guardian), student_id)] = (kind, relationship)
            if existing is None:
                link_creates.append((guardian, student_id, kind, relationship))
                plan.count(links_label, "created")
            elif fields := _changed_fields(existing, {"kind": kind, "relationship": relationship}):
                link_updates.append(existing)
                plan.count(links_label, "updated")
                what = ", ".join(str(LINK_FIELD_LABELS[f]) for f in fields)
                plan.name(_("Liens modifiés"), f"{guardian.full_name} – {student_name.get(student_id, '?')} : {what}")
            else:
                plan.count(links_label, "unchanged")
    # A link the file no longer gives is removed (SIECLE no longer names him for this student).
    stale_links = [
        link.pk
        for guardian_id, links in existing_links.items()
        for student_id, link in links.items()
        if student_id in students_in_file and (guardian_id, student_id) not in wanted
    ]
    plan.count(links_label, "removed", len(stale_links))
    # Guardians the file no longer names are kept, with their links to students the file does not
    # cite: said here, so that the counts above add up to what the portal holds.
    absent = [g for g in guardians if g not in taken]
    kept_links = sum(
        1 for links in existing_links.values() for student_id in links if student_id not in students_in_file
    )
    for guardian in absent:
        children = [student_name.get(s, "?") for s in existing_links.get(guardian.pk, {})]
        plan.name(
            _("Responsables absents du fichier (gardés)"),
            f"{guardian.full_name} ({', '.join(children)})" if children else guardian.full_name,
        )
    if absent or kept_links:
        plan.notes.append(
            ngettext(
                "%(count)d responsable du portail est absent du fichier : il est gardé",
                "%(count)d responsables du portail sont absents du fichier : ils sont gardés",
                len(absent),
            )
            % {"count": len(absent)}
            + ngettext(
                ", ainsi que %(links)d lien vers un élève que le fichier ne cite pas. Vérifiez l'export s'il devait "
                "les contenir.",
                ", ainsi que %(links)d liens vers des élèves que le fichier ne cite pas. Vérifiez l'export s'il devait "
                "les contenir.",
                kept_links,
            )
            % {"links": kept_links}
        )

    def write():
        Guardian.objects.bulk_create(new_guardians, batch_size=BATCH)
        Guardian.objects.bulk_update(changed_guardians, GUARDIAN_FIELDS, batch_size=BATCH)
        GuardianLink.objects.filter(pk__in=stale_links).delete()
        GuardianLink.objects.bulk_update(link_updates, ["kind", "relationship"], batch_size=BATCH)
        if any(g.pk is None for g in new_guardians):  # databases that do not return ids of bulk inserts
            raise ValidationError(_("La base de données n'a pas renvoyé les identifiants des responsables créés."))
        GuardianLink.objects.bulk_create(
            [GuardianLink(guardian_id=g.pk, student_id=s, kind=k, relationship=r) for g, s, k, r in link_creates],
            batch_size=BATCH,
        )
        for guardian in account_moves:
            guardian_account_email_follow(guardian=guardian)

    plan.steps.append(write)


def guardian_account_email_follow(*, guardian: Guardian) -> None:
    """The login address of a guardian's account follows his new address; he is told at the new one."""
    from allauth.account.models import EmailAddress

    from continuite.notifications.services import notify

    user = guardian.user
    old_email = user.email
    user.email = guardian.email
    user.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=guardian.email, primary=True, verified=True)
    notify(
        etablissement=guardian.etablissement,
        kind="imports.email_changed",
        template="imports/email/login_changed",
        context={"old_email": old_email, "new_email": guardian.email, "etablissement": guardian.etablissement},
        user=user,
        channels=("email",),
        idempotency_key=f"imports.email_changed:{user.pk}:{guardian.email}"[:200],
    )


@transaction.atomic
def planned_exits_apply(*, today: dt.date | None = None) -> int:
    """Students whose leaving date (given in advance by SIECLE) has come leave the current lists today."""
    today = today or timezone.localdate()
    return Student.objects.filter(exit_date__isnull=True, planned_exit_date__lte=today).update(
        exit_date=F("planned_exit_date"), planned_exit_date=None
    )
