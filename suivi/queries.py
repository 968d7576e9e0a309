"""Reads of the follow-up: querysets with domain names, the window of school days, the signal aggregates.

Who sees what: the CPE every case of his school; the direction the cases escalated to it; a form
tutor the summary of his division (no case file); a teacher the flags he raised and the registers
of the sessions he teaches. Nobody sees another school's rows.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q

from continuite.accounts.roles import Role

if TYPE_CHECKING:
    from continuite.accounts.models import User


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status="ouvert")

    def closed(self):
        return self.filter(status="clos")

    def escalated(self):
        return self.filter(escalated_at__isnull=False)

    def review_due(self, today: dt.date):
        return self.open().filter(review_on__lte=today)

    def by_urgency(self):
        """The CPE's queue order: Risque before Vigilance, then the oldest case first."""
        rank = models.Case(models.When(level="risque", then=0), default=1, output_field=models.IntegerField())
        return self.annotate(level_rank=rank).order_by("level_rank", "opened_at", "pk")

    def with_undelivered_notice(self):
        """``undelivered``: a notice of the case that the outbox could not deliver (no email address,
        or refused): a letter to print and a call to make. A subquery, not a query per case."""
        from continuite.notifications.models import Notification

        from .models import Notice

        failed = Notification.objects.filter(
            content_type__app_label="suivi",
            content_type__model="notice",
            status="failed",
            object_id__in=Notice.objects.filter(case=OuterRef(OuterRef("pk"))).values("pk"),
        )
        return self.annotate(undelivered=Exists(failed))

    def visible_to(self, user: User):
        if not user.is_authenticated or user.etablissement_id is None:
            return self.none()
        qs = self.filter(etablissement_id=user.etablissement_id)
        if Role.CPE in user.roles:
            return qs
        if Role.DIRECTION in user.roles:
            return qs.escalated()
        return qs.none()


class FlagQuerySet(models.QuerySet):
    def visible_to(self, user: User):
        if not user.is_authenticated or user.etablissement_id is None:
            return self.none()
        qs = self.filter(etablissement_id=user.etablissement_id)
        if user.roles & {Role.CPE, Role.DIRECTION}:
            return qs
        if user.staff_profile is not None:
            return qs.filter(raised_by=user.staff_profile)
        return qs.none()


class AttendanceRegisterQuerySet(models.QuerySet):
    def of_etablissement(self, etablissement):
        return self.filter(etablissement=etablissement)


class AttendanceMarkQuerySet(models.QuerySet):
    def unexcused_absences(self):
        """Absences that count in the signals: not justified, not settled."""
        return self.filter(status="absent", absence_status="a_justifier")

    def with_pending_request(self):
        """Each absence with ``request_pending``: a family's request covers its day, waiting for a decision."""
        from .models import Justification

        pending = Justification.objects.pending().filter(
            student_id=OuterRef("student_id"),
            start__lte=OuterRef("register__date"),
            end__gte=OuterRef("register__date"),
        )
        return self.annotate(request_pending=Exists(pending))

    def to_process_first(self):
        """The vie scolaire's order: absences still "à justifier" first, then the newest day, each day's
        sessions by their time."""
        rank = models.Case(
            models.When(absence_status="a_justifier", then=0), default=1, output_field=models.IntegerField()
        )
        return self.annotate(process_rank=rank).order_by(
            "process_rank",
            "-register__date",
            "register__session__start",  # within a day, in the order of the sessions
            "student__last_name",
            "student__first_name",
            "pk",
        )


class JustificationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status="en_attente")

    def accepted(self):
        return self.filter(status="acceptee")

    def covering(self, day: dt.date):
        return self.filter(start__lte=day, end__gte=day)


# --- The window of school days -------------------------------------------------------------------


def window_start(*, etablissement_id: int, today: dt.date, days: int) -> dt.date:
    """The first of the last ``days`` school days up to ``today``: the school calendar when planning
    has built it, else weekdays (one query)."""
    from planning.models import SchoolDay

    dates = list(
        SchoolDay.objects.filter(etablissement_id=etablissement_id, date__lte=today, is_holiday=False)
        .order_by("-date")
        .values_list("date", flat=True)[:days]
    )
    if len(dates) == days:
        return dates[-1]
    day, counted = today, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == days:
                return day
        day -= dt.timedelta(days=1)


# --- Signal aggregates: one query per kind, whatever the number of students ------------------------


def _only(queryset, student_ids):
    """``queryset`` narrowed to the given students (None: the whole school)."""
    return queryset if student_ids is None else queryset.filter(student_id__in=student_ids)


def attendance_by_student(*, etablissement_id: int, start: dt.date, end: dt.date, student_ids=None) -> dict[int, dict]:
    """Per student: remote sessions registered, unexcused absences, technical troubles."""
    from .models import AttendanceMark

    marks = AttendanceMark.objects.filter(
        register__etablissement_id=etablissement_id, register__date__range=(start, end)
    )
    rows = (
        _only(marks, student_ids)
        .values("student_id")
        .annotate(
            sessions=Count("pk"),
            unexcused=Count("pk", filter=unexcused_absence()),
            technical=Count("pk", filter=Q(status="technique")),
        )
    )
    return {row.pop("student_id"): row for row in rows}


# How a homework is handed in online (planning's HandInMode): what a student without equipment cannot do.
ONLINE_HAND_IN_MODES = ("depot_ent", "en_ligne")


def equipment_matter():
    """A ``HandIn`` condition: online work a student could not hand in for want of a device or a
    connection. That is an equipment matter, never a dropout signal (the equipment app says who
    lacked what on the due date; without that app nothing is excused)."""
    from django.apps import apps

    if not apps.is_installed("equipement"):
        return Q(pk__in=[])
    from equipement.queries import lacked_equipment_for_hand_in

    return Q(homework__hand_in_mode__in=ONLINE_HAND_IN_MODES) & Q(lacked_equipment_for_hand_in())


def remote_mark():
    """An ``AttendanceMark`` condition: the student was to follow the session at a distance (a
    classe virtuelle, or the remote half / the remote division of a hybrid session)."""
    from django.db.models import F

    from continuite.ecole.models import Group

    in_room_half = Group.objects.filter(
        kind="demi", students=OuterRef("student_id"), half=OuterRef("register__session__hybrid_room_half")
    ).exclude(half="")
    hybrid_remote = (
        Q(register__session__modality="hybride")
        & ~Exists(in_room_half)
        & (
            Q(register__session__hybrid_remote_division__isnull=True)
            | Q(register__session__hybrid_remote_division_id=F("student__division_id"))
        )
    )
    return Q(register__session__modality="visio") | hybrid_remote


def equipment_absence():
    """An ``AttendanceMark`` condition: an absence from a session the student was to follow at a
    distance while he had no device or connection. An equipment matter, never a dropout signal:
    it counts neither in the signals nor in a notice (without the equipment app nothing is excused)."""
    from django.apps import apps

    if not apps.is_installed("equipement"):
        return Q(pk__in=[])
    from equipement.queries import lacked_equipment_for_absence

    return Q(status="absent") & remote_mark() & Q(lacked_equipment_for_absence())


# Absences that count as a dropout signal: still "à justifier", and not an equipment matter.
def unexcused_absence():
    return Q(status="absent", absence_status="a_justifier") & ~equipment_absence()


DASEN_DAYS = 30  # "four unjustified half-days in a month", read over the last 30 days


def half_days_by_student(
    *, etablissement_id: int, start: dt.date, end: dt.date, student_ids=None
) -> dict[int, dict[str, int]]:
    """Per student, over the period: sessions missed, half-days missed (a morning or an afternoon
    with at least one absence), and half-days with an absence still "à justifier" (the DASEN count).
    One aggregate; ``student_ids`` narrows it to the students a page shows."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from .models import AttendanceMark

    half_day = Concat(Cast("register__date", CharField()), Value(" "), "register__half_day", output_field=CharField())
    marks = AttendanceMark.objects.filter(
        register__etablissement_id=etablissement_id, register__date__range=(start, end), status="absent"
    )
    if student_ids is not None:
        marks = marks.filter(student_id__in=student_ids)
    rows = marks.values("student_id").annotate(
        missed=Count("pk"),
        half_days=Count(half_day, distinct=True),
        unexcused_half_days=Count(half_day, filter=unexcused_absence(), distinct=True),
    )
    return {row.pop("student_id"): row for row in rows}


def missing_work_by_student(*, etablissement_id: int, start: dt.date, end: dt.date, student_ids=None) -> dict[int, int]:
    """Per student: work not handed in, over the window, that counts as a signal (1 query)."""
    from .models import HandIn

    hand_ins = HandIn.objects.filter(
        etablissement_id=etablissement_id, due_date__range=(start, end), status="non_rendu"
    )
    rows = _only(hand_ins, student_ids).exclude(equipment_matter()).values("student_id").annotate(n=Count("pk"))
    return {row["student_id"]: row["n"] for row in rows}


def flags_by_student(*, etablissement_id: int, start: dt.date, end: dt.date, student_ids=None) -> dict[int, int]:
    from .models import Flag

    rows = (
        _only(Flag.objects.filter(etablissement_id=etablissement_id, raised_at__date__range=(start, end)), student_ids)
        .values("student_id")
        .annotate(n=Count("pk"))
    )
    return {row["student_id"]: row["n"] for row in rows}


def unreachable_by_student(*, etablissement_id: int, start: dt.date, end: dt.date, student_ids=None) -> dict[int, int]:
    from .models import FamilyContact

    contacts = FamilyContact.objects.filter(
        etablissement_id=etablissement_id, outcome="injoignable", occurred_at__date__range=(start, end)
    )
    rows = _only(contacts, student_ids).values("student_id").annotate(n=Count("pk"))
    return {row["student_id"]: row["n"] for row in rows}


def equipment_gap_students(*, etablissement_id: int, student_ids=None) -> set[int]:
    """Students with an equipment need still waiting for a decision (when the equipment app is installed)."""
    from django.apps import apps

    try:
        need = apps.get_model("equipement", "Need")
    except LookupError:
        return set()
    needs = need.objects.filter(etablissement_id=etablissement_id, student__isnull=False, status="attente")
    return set(_only(needs, student_ids).values_list("student_id", flat=True))


# --- Selectors -----------------------------------------------------------------------------------


def session_students(session):
    """The students expected in a session (planning's selector when present)."""
    try:
        from planning.queries import session_students as planning_session_students
    except ImportError:  # pragma: no cover - planning always ships it now
        planning_session_students = None
    if planning_session_students is not None:
        return planning_session_students(session)
    from continuite.ecole.models import Student

    audience = Q(division_id=session.division_id) if session.division_id else Q(groups=session.group_id)
    return Student.objects.current().filter(audience).order_by("last_name", "first_name")


def homework_students(homework):
    from planning.queries import homework_students as planning_homework_students

    return planning_homework_students(homework)


def students_without_equipment(students, *, day: dt.date) -> list:
    """The students among ``students`` without a device or a connection on ``day``, with what they
    lack and the school's answer (the equipment app's selector; empty without that app)."""
    from django.apps import apps

    if not apps.is_installed("equipement"):
        return []
    from equipement.queries import students_without_equipment as lacking

    return lacking(students=students, day=day)


def student_equipment_gap(student, *, day: dt.date):
    """What ``student`` lacks in equipment on ``day`` and the school's answer, or None (1 query)."""
    from continuite.ecole.models import Student

    gaps = students_without_equipment(Student.objects.filter(pk=student.pk), day=day)
    return gaps[0] if gaps else None


def students_with_open_case(students):
    from .models import Case

    return students.annotate(has_open_case=Exists(Case.objects.open().filter(student=OuterRef("pk"))))


def action_owners(student):
    """Who may carry an action for a student: the staff around him, not the whole school.

    The school's staff who are not (only) teachers — vie scolaire, direction, gestion, référent —
    his form tutors and the teachers of his division or of his groups. A short list a CPE can
    read on a phone; a teacher who does not know the student is not offered.
    """
    from continuite.ecole.models import Division, Staff, TeachingAssignment

    teaches = TeachingAssignment.objects.filter(staff=OuterRef("pk")).filter(
        Q(division_id=student.division_id) | Q(group__students=student)
    )
    tutors = Division.form_tutors.through.objects.filter(staff=OuterRef("pk"), division_id=student.division_id)
    return (
        Staff.objects.current()
        .filter(etablissement_id=student.etablissement_id)
        .filter(
            Q(is_teacher=False)
            | Q(is_cpe=True)
            | Q(is_direction=True)
            | Q(is_gestionnaire=True)
            | Q(is_referent_numerique=True)
            | Exists(teaches)
            | Exists(tutors)
        )
        .order_by("last_name", "first_name")
    )
