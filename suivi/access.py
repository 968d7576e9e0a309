"""One gate per object type: not visible → 404, visible but not changeable → 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from continuite.accounts.roles import Role

from .models import Case, CaseAction

CASE_EDITORS = frozenset({Role.CPE})


def access_case(user, pk: int, *, for_write: bool = False) -> Case:
    """The CPE sees and runs every case of his school; the direction sees the escalated ones."""
    case = get_object_or_404(
        Case.objects.visible_to(user).select_related("student__division", "etablissement", "escalated_by"), pk=pk
    )
    if for_write and not (user.roles & CASE_EDITORS):
        raise PermissionDenied
    return case


def access_case_action(user, case_pk: int, pk: int) -> CaseAction:
    case = access_case(user, case_pk, for_write=True)
    return get_object_or_404(CaseAction.objects.select_related("case__student"), case=case, pk=pk)


def access_register(user, session_pk: int, *, for_write: bool = False):
    """The register of a video or hybrid session: its teachers take it; the CPE sees and corrects it,
    the direction sees it. Anyone else, or another school: 404."""
    from planning.models import Session

    staff = user.staff_profile if user.is_authenticated else None
    if staff is None or user.etablissement_id is None:
        raise_404()
    session = get_object_or_404(
        Session.objects.filter(
            etablissement_id=user.etablissement_id, modality__in=("visio", "hybride")
        ).select_related("subject", "division", "group"),
        pk=session_pk,
    )
    teaches = session.teachers.filter(pk=staff.pk).exists()
    if not (teaches or user.roles & {Role.CPE, Role.DIRECTION}):
        raise_404()
    if for_write and not (teaches or Role.CPE in user.roles):
        raise PermissionDenied
    return session


def access_homework(user, homework_pk: int, *, for_write: bool = False):
    """A work to hand in: the teacher who set it (or a teacher of its audience) marks it; the CPE sees it."""
    from continuite.ecole.models import TeachingAssignment
    from planning.models import Homework

    staff = user.staff_profile if user.is_authenticated else None
    if staff is None or user.etablissement_id is None:
        raise_404()
    homework = get_object_or_404(
        Homework.objects.filter(etablissement_id=user.etablissement_id)
        .exclude(hand_in_mode="aucun")
        .select_related("subject", "division", "group"),
        pk=homework_pk,
    )
    audience = Q(division_id=homework.division_id) if homework.division_id else Q(group_id=homework.group_id)
    teaches = homework.created_by_id == staff.pk or TeachingAssignment.objects.filter(audience, staff=staff).exists()
    if not (teaches or Role.CPE in user.roles):
        raise_404()
    if for_write and not teaches:
        raise PermissionDenied
    return homework


def raise_404():
    from django.http import Http404

    raise Http404


# The vie scolaire: the CPE's role (the portal has no separate role for its assistants).
VIE_SCOLAIRE = frozenset({Role.CPE})


def require_vie_scolaire(user) -> None:
    """The absence pages are the vie scolaire's: any other role gets 403."""
    if not (user.roles & VIE_SCOLAIRE):
        raise PermissionDenied


def access_mark(user, pk: int):
    """An absence of the user's school, for the vie scolaire (403 for another role, 404 elsewhere)."""
    from .models import AttendanceMark

    require_vie_scolaire(user)
    return get_object_or_404(
        AttendanceMark.objects.filter(register__etablissement_id=user.etablissement_id, status="absent").select_related(
            "student", "register"
        ),
        pk=pk,
    )


def access_justification(user, pk: int):
    from .models import Justification

    require_vie_scolaire(user)
    return get_object_or_404(
        Justification.objects.filter(etablissement_id=user.etablissement_id).select_related("student"), pk=pk
    )


def access_followed_student(user, pk: int):
    """A student of the user's school, for the vie scolaire's page about him (his leavers too)."""
    from continuite.ecole.models import Student

    require_vie_scolaire(user)
    return get_object_or_404(
        Student.objects.filter(etablissement_id=user.etablissement_id).select_related("division"), pk=pk
    )
