"""One gate per object type: not visible → 404, visible but not changeable → 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from continuite.accounts.roles import Role

from .models import Division, Guardian, GuardianLink, Staff, Student
from .queries import SCHOOL_WIDE_ROLES

# Who may change the directory's rows from the portal.
DIRECTORY_EDITORS = frozenset({Role.DIRECTION})


def _check_write(user, for_write: bool, editors: frozenset[Role] = DIRECTORY_EDITORS) -> None:
    if for_write and not (user.roles & editors):
        raise PermissionDenied


def access_division(user, pk: int, *, for_write: bool = False) -> Division:
    division = get_object_or_404(
        Division.objects.visible_to(user).select_related("school_year", "etablissement"), pk=pk
    )
    _check_write(user, for_write)
    return division


def access_student(user, pk: int, *, for_write: bool = False) -> Student:
    student = get_object_or_404(Student.objects.visible_to(user).select_related("division"), pk=pk)
    _check_write(user, for_write, DIRECTORY_EDITORS | {Role.CPE})
    return student


def access_staff(user, pk: int, *, for_write: bool = False) -> Staff:
    staff = get_object_or_404(Staff.objects.visible_to(user), pk=pk)
    _check_write(user, for_write)
    return staff


def access_guardian(user, pk: int, *, for_write: bool = False) -> Guardian:
    guardian = get_object_or_404(Guardian.objects.visible_to(user), pk=pk)
    _check_write(user, for_write, DIRECTORY_EDITORS | {Role.CPE})
    return guardian


def guardian_links_visible(user, student: Student):
    """The guardians of ``student`` whose contacts (phone, email) ``user`` may read.

    The school-wide roles (direction, CPE, gestion) see them all; a form tutor those of the
    students of his own class only, never of the other students he teaches; a guardian those of
    his own children. Everyone else sees none. The student page reads them here and nowhere else.
    """
    links = GuardianLink.objects.filter(student=student).select_related("guardian").order_by("kind")
    if not user.is_authenticated or user.etablissement_id != student.etablissement_id:
        return links.none()
    if user.roles & SCHOOL_WIDE_ROLES:
        return links
    staff = user.staff_profile
    if (
        Role.PROF_PRINCIPAL in user.roles
        and staff is not None
        and student.division_id is not None
        and Division.form_tutors.through.objects.filter(division_id=student.division_id, staff=staff).exists()
    ):
        return links
    guardian = user.guardian_profile
    if guardian is not None and links.filter(guardian=guardian).exists():
        return links
    return links.none()


def require_role(user, *roles: Role) -> None:
    """403 unless the user holds one of the roles (the object-level gates come on top)."""
    if not user.has_role(*roles):
        raise PermissionDenied
