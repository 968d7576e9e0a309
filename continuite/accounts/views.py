from importlib import import_module

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import render

from continuite.ecole.models import Division, Group, Student, TeachingAssignment
from continuite.fragments import fragment

from .roles import Role


def home_panels(request) -> list[dict]:
    """Panels of the apps listed in ``settings.HOME_PANEL_APPS``: ``<app>.home.panels(request) ->
    list[dict]``, each dict with a ``template`` (a fragment in templates/<app>/partials/) and the
    ``context`` it needs. A panel that says how to keep it (``"cache": {"domains": (apps whose rows it
    shows), "vary": (what else it depends on)}``) gives its context as a function, called only when the
    panel is not in the cache (or returning None: nothing to show); its template reads no request."""
    panels: list[dict] = []
    for app in settings.HOME_PANEL_APPS:
        try:
            module = import_module(f"{app}.home")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.home":
                raise
            continue
        for panel in module.panels(request):
            spec = panel.get("cache")
            if spec is not None:
                panel = {**panel, "html": _cached_panel(request, app, panel, spec)}
            panels.append(panel)
    return panels


def _cached_panel(request, app: str, panel: dict, spec: dict):
    def context():
        values = panel["context"]()
        return None if values is None else {"panel": values}

    return fragment(
        request,
        f"home:{app}:{panel['template']}",
        etablissement_id=request.user.etablissement_id,
        domains=spec["domains"],
        vary=spec.get("vary", ()),
        template=panel["template"],
        context=context,
    )


@login_required
def home(request):
    """The landing page of every role, with the directory's rows that concern this user."""
    user = request.user
    roles = user.roles
    sections = fragment(
        request,
        "home-sections",
        etablissement_id=user.etablissement_id,
        domains=("ecole",),
        vary=(user.pk, sorted(roles)),
        template="accounts/partials/home_sections.html",
        context=lambda: _home_sections(user, roles),
    )
    return render(request, "accounts/home.html", {"roles": roles, "panels": home_panels(request), "sections": sections})


def _home_sections(user, roles) -> dict:
    """The directory's rows of the user's home (querysets, read while the sections are drawn)."""
    context: dict = {}
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
    return context


def form_token(request):
    """The page's form token after logging in again in another tab (the login renews it): a page
    kept open, with what was typed in it, fetches it to send its form (``static/planning/gauge.js``)."""
    from django.http import JsonResponse
    from django.middleware.csrf import get_token

    response = JsonResponse({"csrf": get_token(request), "authenticated": request.user.is_authenticated})
    response["Cache-Control"] = "no-store"
    return response
