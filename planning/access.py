"""One gate per object type: not visible → 404, visible but not changeable → 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from continuite.accounts.roles import Role
from continuite.ecole.models import Division, Group, Student, TeachingAssignment

from .models import Homework, Session, TimetableSlot


def _is_direction(user) -> bool:
    return Role.DIRECTION in user.roles


def _staff_id(user) -> int | None:
    staff = user.staff_profile
    return staff.pk if staff is not None else None


def access_slot(user, pk: int, *, for_write: bool = False) -> TimetableSlot:
    slot = get_object_or_404(
        TimetableSlot.objects.visible_to(user).select_related("etablissement", "subject", "division", "group"), pk=pk
    )
    if for_write and not (_is_direction(user) or slot.teachers.filter(pk=_staff_id(user) or 0).exists()):
        raise PermissionDenied
    return slot


def access_session(user, pk: int, *, for_write: bool = False) -> Session:
    """A session is changed by its teachers and by the direction; seen by its audience and the staff."""
    session = get_object_or_404(
        Session.objects.visible_to(user).select_related(
            "etablissement", "subject", "division", "group", "slot", "created_by"
        ),
        pk=pk,
    )
    if for_write and not (_is_direction(user) or session.teachers.filter(pk=_staff_id(user) or 0).exists()):
        raise PermissionDenied
    return session


def access_homework(user, pk: int, *, for_write: bool = False) -> Homework:
    """Work is changed by whoever gave it and by the direction; seen by its audience and the staff."""
    homework = get_object_or_404(
        Homework.objects.visible_to(user).select_related("etablissement", "division", "group", "subject", "created_by"),
        pk=pk,
    )
    if for_write and not (
        _is_direction(user) or (homework.created_by_id and homework.created_by_id == _staff_id(user))
    ):
        raise PermissionDenied
    return homework


def access_division_load(user, pk: int) -> Division:
    """A division's heat map: its form tutors and the direction (another school's division: 404)."""
    division = get_object_or_404(
        Division.objects.filter(etablissement_id=user.etablissement_id or 0).select_related("school_year"), pk=pk
    )
    if not (_is_direction(user) or pk in user.tutored_division_ids):
        raise PermissionDenied
    return division


# Who reads any timetable of the school (a division's, a group's, a student's week).
TIMETABLE_READERS = frozenset({Role.CPE, Role.DIRECTION})


def access_division_timetable(user, pk: int) -> Division:
    """A division's week: its teachers (of the division or of a group drawn from it), its form
    tutors, the CPE and the direction. Not visible (another school, another family): 404."""
    division = get_object_or_404(Division.objects.visible_to(user).select_related("school_year"), pk=pk)
    if user.roles & TIMETABLE_READERS or pk in user.tutored_division_ids:
        return division
    staff = user.staff_profile
    if (
        staff is not None
        and staff.is_teacher
        and TeachingAssignment.objects.filter(
            Q(division_id=pk) | Q(group__divisions=pk) | Q(group__division_id=pk), staff=staff
        ).exists()
    ):
        return division
    raise PermissionDenied


def access_group_timetable(user, pk: int) -> Group:
    """A group's week: its teachers, the form tutors of a division it draws from, the CPE, the direction."""
    group = get_object_or_404(Group.objects.visible_to(user).select_related("division"), pk=pk)
    if user.roles & TIMETABLE_READERS:
        return group
    tutored = user.tutored_division_ids
    if tutored and (
        group.division_id in tutored
        or Group.divisions.through.objects.filter(group=group, division_id__in=tutored).exists()
    ):
        return group
    staff = user.staff_profile
    if staff is not None and staff.is_teacher and TeachingAssignment.objects.filter(group=group, staff=staff).exists():
        return group
    raise PermissionDenied


def readable_group_ids(user, division: Division, groups) -> set[int]:
    """The groups drawn from this division whose week the user may open (``access_group_timetable``'s
    rule; no query for the division's form tutors, the CPE and the direction): the division's page
    links only to those."""
    ids = {g.pk for g in groups}
    if not ids or user.roles & TIMETABLE_READERS or division.pk in user.tutored_division_ids:
        return ids  # every group drawn from a division he tutors
    tutored = user.tutored_division_ids
    readable = {g.pk for g in groups if g.division_id in tutored}
    if tutored and ids - readable:
        through = Group.divisions.through.objects.filter(group_id__in=ids - readable, division_id__in=tutored)
        readable |= set(through.values_list("group_id", flat=True))
    staff = user.staff_profile
    if staff is not None and staff.is_teacher and ids - readable:
        taught = TeachingAssignment.objects.filter(group_id__in=ids - readable, staff=staff)
        readable |= set(taught.values_list("group_id", flat=True))
    return readable


def access_student_timetable(user, pk: int) -> Student:
    """A student's week as the staff read it: his form tutors, the CPE and the direction (he and his
    guardians read it on their own page)."""
    student = get_object_or_404(Student.objects.visible_to(user).select_related("division"), pk=pk)
    if user.roles & TIMETABLE_READERS or (student.division_id and student.division_id in user.tutored_division_ids):
        return student
    raise PermissionDenied
