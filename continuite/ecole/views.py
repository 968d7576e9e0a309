from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from continuite.accounts.roles import Role
from continuite.accounts.services import account_create_for, user_invite

from .access import access_division, access_staff, access_student, guardian_links_visible, require_role
from .models import Division, Group, Staff, TeachingAssignment

STAFF_ROLES = (Role.DIRECTION, Role.CPE, Role.GESTIONNAIRE, Role.ENSEIGNANT)


def _link_modules():
    """The ``links`` module of each app of ``settings.PAGE_LINK_APPS`` that has one."""
    for app in settings.PAGE_LINK_APPS:
        try:
            yield import_module(f"{app}.links")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.links":
                raise


def page_links(kind: str, user, obj) -> list[tuple[str, str]]:
    """Links other apps add to a division's or a student's page: ``<app>.links.division_links(user,
    division)`` and ``<app>.links.student_links(user, student)``, each a list of (label, url), without
    a query. The directory names no app: ``settings.PAGE_LINK_APPS`` lists them, as the home page's."""
    links: list[tuple[str, str]] = []
    for module in _link_modules():
        links.extend(getattr(module, f"{kind}_links")(user, obj))
    return links


def student_panels(user, student) -> list[dict]:
    """Panels other apps add to a student's page: ``<app>.links.student_panels(user, student)``, each
    ``{"template", "context"}`` (an app's selector may cost its own query: the equipment app's does)."""
    panels: list[dict] = []
    for module in _link_modules():
        if hasattr(module, "student_panels"):
            panels.extend(module.student_panels(user, student))
    return panels


@login_required
def division_list(request):
    require_role(request.user, *STAFF_ROLES)
    divisions = (
        Division.objects.visible_to(request.user)
        .current()
        .annotate(student_count=Count("students", filter=Q(students__exit_date__isnull=True)))
        .prefetch_related("form_tutors")
    )
    return render(request, "ecole/division_list.html", {"divisions": divisions})


@login_required
def division_detail(request, pk: int):
    require_role(request.user, *STAFF_ROLES)
    division = access_division(request.user, pk)
    students = (
        division.students.current()
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("kind", "code")))
        .order_by("last_name", "first_name")
    )
    assignments = (
        TeachingAssignment.objects.filter(Q(division=division) | Q(group__divisions=division))
        .select_related("staff", "subject", "group")
        .order_by("subject__label")
        .distinct()
    )
    return render(
        request,
        "ecole/division_detail.html",
        {
            "division": division,
            "students": students,
            "assignments": assignments,
            "form_tutors": division.form_tutors.all(),
            "page_links": page_links("division", request.user, division),
        },
    )


@login_required
def student_detail(request, pk: int):
    student = access_student(request.user, pk)
    links = guardian_links_visible(request.user, student)
    return render(
        request,
        "ecole/student_detail.html",
        {
            "student": student,
            "groups": student.groups.order_by("kind", "code"),
            "links": links,
            "page_links": page_links("student", request.user, student),
            "panels": student_panels(request.user, student),
        },
    )


@login_required
def staff_list(request):
    require_role(request.user, Role.DIRECTION)
    staff = Staff.objects.visible_to(request.user).current().select_related("user")
    return render(request, "ecole/staff_list.html", {"staff_members": staff})


@login_required
@require_POST
def staff_invite(request, pk: int):
    require_role(request.user, Role.DIRECTION)
    member = access_staff(request.user, pk, for_write=True)
    try:
        user = member.user or account_create_for(person=member)
        user_invite(user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": user.email})
    return redirect("ecole:staff_list")
