"""Writes of the school directory. Views, admin, imports and the demo call these, never ``save()``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import (
    Division,
    Etablissement,
    Group,
    GroupKind,
    Guardian,
    GuardianLink,
    Half,
    LinkKind,
    SchoolYear,
    Staff,
    Student,
    Subject,
    TeachingAssignment,
)


def save_validated(instance, **kwargs):
    """Validate then save: every row that reaches the database passed its model's checks.

    The one way the services of every app write a model instance.
    """
    instance.full_clean(**kwargs)
    instance.save()
    return instance


@transaction.atomic
def etablissement_create(*, uai: str, name: str, city: str = "", holiday_zone: str = "B", **extra) -> Etablissement:
    """Create an établissement; its UAI is normalised to upper case and must be unique."""
    return save_validated(
        Etablissement(uai=uai.strip().upper(), name=name.strip(), city=city, holiday_zone=holiday_zone, **extra)
    )


@transaction.atomic
def school_year_create(
    *, etablissement: Etablissement, label: str, start: dt.date, end: dt.date, current: bool = True
) -> SchoolYear:
    """Create a school year; when ``current``, it becomes the établissement's only current year."""
    if start >= end:
        raise ValidationError(_("L'année scolaire doit commencer avant de finir."))
    if current:
        SchoolYear.objects.filter(etablissement=etablissement, is_current=True).update(is_current=False)
    return save_validated(
        SchoolYear(etablissement=etablissement, label=label, start=start, end=end, is_current=current)
    )


def current_school_year(etablissement: Etablissement) -> SchoolYear:
    year = SchoolYear.objects.filter(etablissement=etablissement, is_current=True).first()
    if year is None:
        raise ValidationError(_("Aucune année scolaire en cours pour cet établissement."))
    return year


def shortened(label: str, size: int = 40) -> str:
    """``label`` in at most ``size`` characters, cut between two words with « … » (never « sciences p »)."""
    label = " ".join(label.split())
    if len(label) <= size:
        return label
    cut = label[: size - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{cut}…"


@transaction.atomic
def subject_create(*, etablissement: Etablissement, code: str, label: str, short_label: str = "") -> Subject:
    return save_validated(
        Subject(etablissement=etablissement, code=code, label=label, short_label=short_label or shortened(label))
    )


@transaction.atomic
def division_create(
    *, school_year: SchoolYear, code: str, level: str, label: str = "", with_half_groups: bool = True
) -> Division:
    """Create a division of a school year, with its half-groups A and B for hybrid teaching."""
    division = save_validated(
        Division(etablissement=school_year.etablissement, school_year=school_year, code=code, level=level, label=label)
    )
    if with_half_groups:
        for half in Half:
            save_validated(
                Group(
                    etablissement=school_year.etablissement,
                    school_year=school_year,
                    code=f"{code}-{half.value}",
                    label=f"{code} groupe {half.value}",
                    kind=GroupKind.HALF,
                    division=division,
                    half=half.value,
                )
            )
    return division


@transaction.atomic
def group_create(
    *, school_year: SchoolYear, code: str, label: str = "", kind: str = GroupKind.SPECIALITE, divisions=()
) -> Group:
    """Create a spécialité or option group drawn from the given divisions."""
    if kind == GroupKind.HALF:
        raise ValidationError(_("Les demi-groupes sont créés avec leur division."))
    group = save_validated(
        Group(etablissement=school_year.etablissement, school_year=school_year, code=code, label=label, kind=kind)
    )
    if any(d.school_year_id != school_year.pk for d in divisions):
        raise ValidationError(_("Un groupe ne réunit que des divisions de la même année scolaire."))
    group.divisions.set(divisions)
    return group


@transaction.atomic
def staff_create(*, etablissement: Etablissement, last_name: str, first_name: str, email: str = "", **fields) -> Staff:
    return save_validated(
        Staff(etablissement=etablissement, last_name=last_name, first_name=first_name, email=email.lower(), **fields)
    )


@transaction.atomic
def staff_set_form_tutor(*, staff: Staff, division: Division) -> None:
    if staff.etablissement_id != division.etablissement_id:
        raise ValidationError(_("Le professeur principal doit appartenir à l'établissement de la division."))
    if not staff.is_teacher:
        raise ValidationError(_("Seul un enseignant peut être professeur principal."))
    division.form_tutors.add(staff)


@transaction.atomic
def teaching_assignment_create(
    *, staff: Staff, subject: Subject, division: Division | None = None, group: Group | None = None
) -> TeachingAssignment:
    target = division or group
    if target is None or (division and group):
        raise ValidationError(_("Un service porte sur une division ou sur un groupe, pas les deux."))
    if {staff.etablissement_id, subject.etablissement_id, target.etablissement_id} != {staff.etablissement_id}:
        raise ValidationError(_("L'enseignant, la matière et la classe doivent être du même établissement."))
    assignment, _created = TeachingAssignment.objects.get_or_create(
        staff=staff, subject=subject, division=division, group=group
    )
    return assignment


@transaction.atomic
def student_create(
    *,
    etablissement: Etablissement,
    ine: str,
    last_name: str,
    first_name: str,
    division: Division | None = None,
    groups=(),
    half: str = "",
    **fields,
) -> Student:
    """Create a student in his division, his groups and, if given, his half-group (A or B)."""
    student = save_validated(
        Student(
            etablissement=etablissement,
            ine=ine.strip().upper(),
            last_name=last_name,
            first_name=first_name,
            division=division,
            **fields,
        )
    )
    student_set_groups(student=student, groups=groups, half=half)
    return student


@transaction.atomic
def student_set_groups(*, student: Student, groups=(), half: str = "") -> None:
    """Put the student in exactly these groups (plus his half-group of his division, if ``half``)."""
    groups = list(groups)
    if any(g.etablissement_id != student.etablissement_id for g in groups):
        raise ValidationError(_("Un élève ne rejoint que des groupes de son établissement."))
    if half:
        if student.division is None:
            raise ValidationError(_("Un élève sans division n'a pas de demi-groupe."))
        try:
            groups.append(Group.objects.get(division=student.division, half=half))
        except Group.DoesNotExist:
            raise ValidationError(
                _("La division %(division)s n'a pas de demi-groupe %(half)s.")
                % {"division": student.division, "half": half}
            ) from None
    student.groups.set(groups)


@transaction.atomic
def guardian_create(
    *, etablissement: Etablissement, last_name: str, first_name: str, email: str = "", **fields
) -> Guardian:
    return save_validated(
        Guardian(etablissement=etablissement, last_name=last_name, first_name=first_name, email=email.lower(), **fields)
    )


@transaction.atomic
def guardian_link(
    *, guardian: Guardian, student: Student, kind: str = LinkKind.LEGAL_1, relationship: str = ""
) -> GuardianLink:
    """Link a guardian to a student (a student has at most two legal guardians)."""
    if guardian.etablissement_id != student.etablissement_id:
        raise ValidationError(_("Le responsable et l'élève doivent être du même établissement."))
    link, _created = GuardianLink.objects.update_or_create(
        guardian=guardian, student=student, defaults={"kind": kind, "relationship": relationship}
    )
    legal = GuardianLink.objects.filter(student=student, kind__in=[LinkKind.LEGAL_1, LinkKind.LEGAL_2]).count()
    if legal > 2:
        raise ValidationError(_("Un élève a au plus deux responsables légaux."))
    return link
