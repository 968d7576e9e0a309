"""Reads of the planning: querysets that speak the school's language, and selectors.

Who sees what: staff of the établissement see its whole planning (teachers coordinate the load
across classes); a student sees what is addressed to his division or to one of his groups; a
guardian what is addressed to his children. Nobody sees another school's rows.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from continuite.accounts.models import User


def week_bounds(monday: dt.date) -> tuple[dt.date, dt.date]:
    return monday, monday + dt.timedelta(days=6)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def audience_q_for_students(students) -> Q:
    """Rows addressed to any of ``students`` (a Student queryset): their divisions or their groups.

    One query reads the divisions and groups; the filter then names them as values. With a
    subquery in the ``OR``, PostgreSQL cannot estimate the rows: on a region's database it scanned
    the whole établissement and hash-joined entire tables. With values it uses the (division, date)
    and (group, date) indexes (see docs/scaling.md).
    """
    division_ids, group_ids = set(), set()
    for division_id, group_id in students.order_by().values_list("division_id", "groups").distinct():
        if division_id is not None:
            division_ids.add(division_id)
        if group_id is not None:
            group_ids.add(group_id)
    return Q(division_id__in=sorted(division_ids)) | Q(group_id__in=sorted(group_ids))


def taught_by_q(staff, *, start: dt.date, end: dt.date, slot_ids) -> Q:
    """Sessions a teacher gives between two dates: his slots' occurrences, or sessions naming him.

    One query reads the sessions naming him in those dates; the filter then names sessions and
    slots as values, which PostgreSQL plans with the primary key and (slot, date) indexes. With
    subqueries in the ``OR`` it could not estimate the rows and read the whole établissement.
    """
    from .models import Session

    own = Session.teachers.through.objects.filter(
        staff_id=staff.pk, session__date__range=(start, end), session__etablissement_id=staff.etablissement_id
    ).values_list("session_id", flat=True)
    return Q(pk__in=sorted(own)) | Q(slot_id__in=sorted(slot_ids))


def audience_q_for_student(student) -> Q:
    """Rows addressed to one student: his division or one of his groups (one query, values in the filter)."""
    from continuite.ecole.models import Student

    group_ids = list(Student.groups.through.objects.filter(student_id=student.pk).values_list("group_id", flat=True))
    return Q(division_id=student.division_id) | Q(group_id__in=sorted(group_ids))


def audience_students_q(*, division_id: int | None, group_id: int | None) -> Q:
    """Students of an audience: a division's students, or a group's (half-groups included)."""
    return Q(division_id=division_id) if division_id else Q(groups=group_id)


class _PlanningQuerySet(models.QuerySet):
    def of_etablissement(self, etablissement):
        return self.filter(etablissement=etablissement)

    def for_audience(self, *, division_id: int | None = None, group_id: int | None = None):
        return self.filter(division_id=division_id) if division_id else self.filter(group_id=group_id)

    def visible_to(self, user: User):
        if not user.is_authenticated or user.etablissement_id is None:
            return self.none()
        qs = self.filter(etablissement_id=user.etablissement_id)
        if user.staff_profile is not None and user.staff_profile.left_on is None:
            return qs
        if user.guardian_profile is not None:
            from continuite.ecole.models import Student

            children = Student.objects.filter(guardian_links__guardian=user.guardian_profile)
            return qs.filter(audience_q_for_students(children))
        if user.student_profile is not None:
            return qs.filter(audience_q_for_student(user.student_profile))
        return qs.none()


class SchoolDayQuerySet(models.QuerySet):
    def of_etablissement(self, etablissement):
        return self.filter(etablissement=etablissement)

    def in_week(self, monday: dt.date):
        return self.filter(date__range=week_bounds(monday))

    def in_weeks(self, mondays: list[dt.date]):
        weeks = Q()
        for monday in mondays:
            weeks |= Q(date__range=week_bounds(monday))
        return self.filter(weeks) if mondays else self.none()

    def school_days(self):
        return self.filter(is_holiday=False)


class TimetableSlotQuerySet(_PlanningQuerySet):
    def current(self):
        return self.filter(school_year__is_current=True)

    def taught_by(self, staff):
        return self.filter(teachers=staff)

    def valid_between(self, start: dt.date, end: dt.date):
        """Versions of slots in force on at least one day of [start, end]."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=start)
        )


class SessionQuerySet(_PlanningQuerySet):
    def in_week(self, monday: dt.date):
        return self.filter(date__range=week_bounds(monday))

    def taught_by(self, staff):
        return self.filter(teachers=staff)

    def for_students(self, students):
        return self.filter(audience_q_for_students(students))


class HomeworkQuerySet(_PlanningQuerySet):
    def due_in_week(self, monday: dt.date):
        return self.filter(due_date__range=week_bounds(monday))

    def given_by(self, staff):
        return self.filter(created_by=staff)

    def for_students(self, students):
        return self.filter(audience_q_for_students(students))


def session_students(session):
    """Current students expected in a session; for hybride, ``half`` says each one's half-group.

    A hybrid session expects only the students at a distance (the same rule as
    ``Session.situation_of``): its register is the remote students', the half in the room is not on it.
    """
    from django.db.models import Exists, OuterRef, Subquery

    from continuite.ecole.models import Group, Student

    from .models import Modality

    qs = Student.objects.current().filter(
        audience_students_q(division_id=session.division_id, group_id=session.group_id)
    )
    if session.modality == Modality.HYBRIDE:
        if session.hybrid_remote_division_id:
            qs = qs.filter(division_id=session.hybrid_remote_division_id)
        if session.hybrid_room_half:
            in_room = Group.objects.filter(
                kind="demi", half=session.hybrid_room_half, division_id=OuterRef("division_id"), students=OuterRef("pk")
            )
            qs = qs.exclude(Exists(in_room))
    if session.division_id:
        half = Group.objects.filter(kind="demi", division_id=session.division_id, students=OuterRef("pk")).values(
            "half"
        )[:1]
        qs = qs.annotate(half=Subquery(half))
    return qs.order_by("last_name", "first_name")


def homework_students(homework):
    from continuite.ecole.models import Student

    return (
        Student.objects.current()
        .filter(audience_students_q(division_id=homework.division_id, group_id=homework.group_id))
        .order_by("last_name", "first_name")
    )


def taught_subjects(staff, *, division=None, group=None):
    """The subjects ``staff`` teaches to an audience (his services of that division or group).

    A half-group is taught by the teachers of its division, so their services of the division count.
    """
    from continuite.ecole.models import Subject, TeachingAssignment

    if division is not None:
        services = Q(division_id=division.pk)
    elif group is not None:
        services = Q(group_id=group.pk)
        if group.division_id:
            services |= Q(division_id=group.division_id)
    else:
        return Subject.objects.none()
    return Subject.objects.filter(
        pk__in=TeachingAssignment.objects.filter(services, staff_id=staff.pk).values("subject_id")
    ).order_by("label")
