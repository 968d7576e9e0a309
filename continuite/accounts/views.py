from importlib import import_module

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import render

from continuite.ecole.models import Division, Group, Student, TeachingAssignment

from .roles import Role


def home_panels(request) -> list[dict]:
    """Panels of the apps listed in ``settings.HOME_PANEL_APPS``: ``<app>.home.panels(request) ->
    list[dict]``, each dict with a ``template`` (a fragment in templates/<app>/partials/) and the
    ``context`` it needs."""
    panels: list[dict] = []
    for app in settings.HOME_PANEL_APPS:
        try:
            module = import_module(f"{app}.home")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.home":
                raise
            continue
        panels.extend(module.panels(request))
    return panels


@login_required
def home(request):
    """The landing page of every role, with the directory's rows that concern this user."""
    user = request.user
    roles = user.roles
    context: dict = {"roles": roles}
    staff = user.staff_profile
    if Role.ENSEIGNANT in roles:
        context["assignments"] = (
            TeachingAssignment.objects.filter(staff=staff)
            .select_related("subject", "division", "group")
            .order_by("division__code", "group__code", "subject__label")
        )
    if Role.PROF_PRINCIPAL in roles:
        context["tutored_divisions"] = Division.objects.filter(pk__in=user.tutored_division_ids).prefetch_related(
            Prefetch(
                "students",
                queryset=Student.objects.current().prefetch_related(
                    Prefetch("groups", queryset=Group.objects.order_by("kind", "code"))
                ),
            )
        )
    if roles & {Role.DIRECTION, Role.CPE, Role.GESTIONNAIRE}:
        context["school_divisions"] = (
            Division.objects.filter(etablissement_id=user.etablissement_id)
            .current()
            .annotate(student_count=Count("students", filter=Q(students__exit_date__isnull=True)))
        )
    if Role.PARENT in roles:
        context["children"] = (
            Student.objects.filter(guardian_links__guardian=user.guardian_profile)
            .select_related("division")
            .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("kind", "code")))
        )
    if Role.ELEVE in roles:
        context["own_groups"] = user.student_profile.groups.order_by("kind", "code")
        context["own_division"] = (
            Division.objects.filter(pk=user.student_profile.division_id).prefetch_related("form_tutors").first()
        )
    context["panels"] = home_panels(request)
    return render(request, "accounts/home.html", context)
