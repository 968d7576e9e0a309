"""Pages of the catalogue: by need, search, a tool, the families' page, and the editors' forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from continuite.ecole.access import require_role
from continuite.ecole.models import Etablissement, Staff
from continuite.french import plural

from . import catalogue_data, services
from .access import CATALOGUE_EDITORS, access_tool, access_tutorial, can_edit_catalogue
from .forms import AllowedDomainForm, AvailabilityForm, SearchForm, ToolForm, TutorialForm
from .models import NEED_FIELDS, Need, Tool, ToolLocalSetting, Tutorial


def _etablissement_id(request) -> int:
    """The catalogue is always seen as one établissement sees it; an account without one has none."""
    if request.user.etablissement_id is None:
        raise Http404
    return request.user.etablissement_id


def _sorted_for_display(tools) -> list[Tool]:
    """Offered tools first (recommended, then possible), then unavailable here, ruled out last."""
    return sorted(tools, key=lambda tool: (tool.is_ruled_out, tool.locally_unavailable))


def _catalogue(etablissement_id: int):
    return Tool.objects.for_etablissement(etablissement_id).select_related("alternative").recommended_first()


def _may_replace(tool: Tool, policy) -> bool:
    """A tool named instead of a ruled-out one: offered here, open to students, on no ruled-out domain."""
    return (
        not tool.is_ruled_out
        and not tool.locally_unavailable
        and tool.for_students
        and not policy.on_ruled_out_domain(tool)
    )


def _with_replacements(tools: list[Tool], catalogue: list[Tool]) -> list[Tool]:
    """Give each ruled-out tool ``replacements``: for each of its needs, the tools offered for it.

    Discord serves communication and the classe virtuelle: both are named, not the chat alone. A tool is
    named only if students may use it (``_may_replace``): never a school's tool on a ruled-out domain.
    """
    from .policy import LinkCatalogue

    policy = LinkCatalogue(tools=list(catalogue), domains=[], offered={})
    offered = [t for t in catalogue if _may_replace(t, policy)]
    for tool in tools:
        if tool.is_ruled_out:
            tool.replacements = [
                (need.label, [t for t in offered if getattr(t, NEED_FIELDS[need])]) for need in tool.needs
            ]
    return tools


@login_required
def tool_list(request):
    """ "J'ai besoin de…": every need of the seed with its tools, recommended first, and why."""
    tools = _with_replacements(*[list(_catalogue(_etablissement_id(request)))] * 2)
    sections = [
        {
            "need": need,
            "tools": _sorted_for_display(tool for tool in tools if getattr(tool, NEED_FIELDS[need])),
        }
        for need in Need
    ]
    return render(
        request,
        "outils/tool_list.html",
        {
            "sections": sections,
            "search_form": SearchForm(),
            "dane_advice": catalogue_data.DANE_ADVICE,
            "dane_advice_source": catalogue_data.DANE_ADVICE_SOURCE,
            "can_edit": can_edit_catalogue(request.user),
        },
    )


@login_required
def tool_search(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = _catalogue(_etablissement_id(request)).search(query) if query else []
    # The best answers first (a name, then a need), each group as the catalogue orders it.
    tools = _sorted_for_display(sorted(found, key=lambda tool: -tool.relevance))
    if any(tool.is_ruled_out for tool in tools):
        _with_replacements(tools, list(_catalogue(_etablissement_id(request))))
    return render(request, "outils/tool_search.html", {"search_form": form, "query": query, "tools": tools})


@login_required
def tool_detail(request, pk: int):
    """A tool's page. Its links (« Ouvrir », tutorials, source) go through the link policy: one refused
    is shown as text, never as a link a student or a parent could follow."""
    from .policy import LinkCatalogue, page_link_errors, tool_address_errors

    tool = access_tool(request.user, pk)
    etablissement_id = _etablissement_id(request)
    if tool.etablissement_id is None:
        # The school's own version of an académie tool replaces it for the school.
        copy = Tool.objects.filter(etablissement_id=etablissement_id, slug=tool.slug).only("pk").first()
        if copy is not None:
            return redirect(copy)
    setting = ToolLocalSetting.objects.filter(etablissement_id=etablissement_id, slug=tool.slug).first()
    tutorials = list(Tutorial.objects.for_tool(tool, etablissement_id))
    catalogue = LinkCatalogue.load(etablissement_id)
    tool.locally_unavailable = bool(setting and setting.unavailable)
    open_refusal = tool_address_errors(tool, catalogue=catalogue)
    for tutorial in tutorials:
        if tool.is_ruled_out:
            tutorial.refusal = _("Outil à proscrire : ses tutoriels ne sont pas proposés aux élèves.")
        else:
            errors = page_link_errors(tutorial.url, catalogue=catalogue, trusted=tutorial.etablissement_id is None)
            tutorial.refusal = errors[0] if errors else ""
    source_refusal = (
        page_link_errors(tool.reference_url, catalogue=catalogue, trusted=True) if tool.reference_url else []
    )
    can_edit = can_edit_catalogue(request.user)
    availability_form = None
    if can_edit:
        availability_form = AvailabilityForm(
            initial={"unavailable": bool(setting and setting.unavailable), "note": setting.note if setting else ""}
        )
        availability_form.helper.form_action = reverse("outils:tool_availability", args=[tool.pk])
    return render(
        request,
        "outils/tool_detail.html",
        {
            "tool": _with_replacements([tool], catalogue.tools)[0] if tool.is_ruled_out else tool,
            "setting": setting,
            "tutorials": tutorials,
            "open_refusal": open_refusal[0] if open_refusal else "",
            "source_refusal": source_refusal[0] if source_refusal else "",
            "can_edit": can_edit,
            "availability_form": availability_form,
        },
    )


def _alternatives(etablissement_id: int, tool: Tool | None = None):
    choices = Tool.objects.for_etablissement(etablissement_id).exclude(gdpr_status="a_proscrire")
    if tool is not None:
        choices = choices.exclude(slug=tool.slug)
    return choices.order_by("name")


@login_required
def tool_edit(request, pk: int):
    tool = access_tool(request.user, pk, for_write=True)
    etablissement_id = _etablissement_id(request)
    if tool.etablissement_id is None:
        copy = Tool.objects.filter(etablissement_id=etablissement_id, slug=tool.slug).only("pk").first()
        if copy is not None:
            return redirect("outils:tool_edit", pk=copy.pk)
    etablissement = Etablissement.objects.get(pk=etablissement_id)
    if request.method == "POST" and "revert" in request.POST:
        try:
            original = services.tool_revert(tool=tool, etablissement=etablissement)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("outils:tool_edit", pk=tool.pk)
        messages.success(request, _("La fiche académique de « %(name)s » est rétablie.") % {"name": original.name})
        return redirect(original)
    alternatives = _alternatives(etablissement_id, tool)
    if request.method == "POST":
        form = ToolForm(request.POST, alternatives=alternatives)
        if form.is_valid():
            try:
                saved = services.tool_update(tool=tool, etablissement=etablissement, **form.service_fields())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Fiche « %(name)s » enregistrée.") % {"name": saved.name})
                return redirect(saved)
    else:
        form = ToolForm(initial=ToolForm.initial_for(tool), alternatives=alternatives)
    return render(request, "outils/tool_edit.html", {"tool": tool, "form": form})


@login_required
def tool_create(request):
    require_role(request.user, *CATALOGUE_EDITORS)
    etablissement_id = _etablissement_id(request)
    alternatives = _alternatives(etablissement_id)
    if request.method == "POST":
        form = ToolForm(request.POST, alternatives=alternatives)
        if form.is_valid():
            try:
                tool = services.tool_create(
                    etablissement=Etablissement.objects.get(pk=etablissement_id), **form.service_fields()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Outil « %(name)s » ajouté.") % {"name": tool.name})
                return redirect(tool)
    else:
        form = ToolForm(initial={"hosting": "ent", "access_mode": "ent", "gdpr_status": "recommande"})
    return render(request, "outils/tool_create.html", {"form": form})


@login_required
@require_POST
def tool_availability(request, pk: int):
    tool = access_tool(request.user, pk, for_write=True)
    form = AvailabilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Disponibilité non enregistrée : vérifiez le formulaire."))
        return redirect(tool)
    try:
        services.tool_set_availability(
            tool=tool,
            etablissement=Etablissement.objects.get(pk=_etablissement_id(request)),
            unavailable=form.cleaned_data["unavailable"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Disponibilité de « %(name)s » enregistrée.") % {"name": tool.name})
    return redirect(tool)


@login_required
def tutorial_create(request, pk: int):
    tool = access_tool(request.user, pk, for_write=True)
    form = TutorialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.tutorial_create(
                tool=tool, etablissement=Etablissement.objects.get(pk=_etablissement_id(request)), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Tutoriel ajouté à « %(name)s ».") % {"name": tool.name})
            return redirect(tool)
    return render(request, "outils/tutorial_create.html", {"tool": tool, "form": form})


@login_required
def tutorial_edit(request, pk: int):
    """Change or remove one of the school's tutorials (removal: the form's "Supprimer" button)."""
    tutorial = access_tutorial(request.user, pk, for_write=True)
    etablissement = tutorial.etablissement
    if request.method == "POST" and "delete" in request.POST:
        services.tutorial_delete(tutorial=tutorial, etablissement=etablissement)
        messages.success(request, _("Tutoriel supprimé."))
        return redirect(tutorial.tool)
    if request.method == "POST":
        form = TutorialForm(request.POST)
        if form.is_valid():
            try:
                services.tutorial_update(tutorial=tutorial, etablissement=etablissement, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Tutoriel enregistré."))
                return redirect(tutorial.tool)
    else:
        form = TutorialForm(initial={"title": tutorial.title, "kind": tutorial.kind, "url": tutorial.url})
    return render(request, "outils/tutorial_edit.html", {"tutorial": tutorial, "form": form})


@login_required
def family_page(request):
    """For families: the tools their children use, what is ruled out, and how to get ENT codes."""
    from .policy import LinkCatalogue

    etablissement_id = _etablissement_id(request)
    catalogue = list(_catalogue(etablissement_id))
    policy = LinkCatalogue(tools=catalogue, domains=[], offered={})
    tools = [tool for tool in catalogue if _may_replace(tool, policy)]
    ruled_out = sorted((tool for tool in catalogue if tool.is_ruled_out), key=lambda tool: tool.name)
    by_slug = {tool.slug: tool for tool in catalogue}
    for tool in ruled_out:
        # The sheet's « à utiliser à la place », as the school sees that tool, if students may use it.
        alternative = by_slug.get(tool.alternative.slug) if tool.alternative_id else None
        tool.family_alternative = alternative if alternative and _may_replace(alternative, policy) else None
    etablissement = Etablissement.objects.only("name", "contact_email").get(pk=etablissement_id)
    return render(
        request,
        "outils/family_page.html",
        {"tools": tools, "ruled_out": ruled_out, "etablissement": etablissement, "ent_url": catalogue_data.ENT_URL},
    )


def _refused_links(etablissement, today):
    """Links of sessions (from this week on) and of work (due from today) that the policy now refuses: ``why``
    the whole reason with the tools to use instead (the teacher's notice), ``reason`` its first sentence
    (the référent's table).

    Three queries whatever the number of links: the catalogue (with the allowed domains), the sessions, the work.
    """
    import datetime as dt

    from planning.models import Homework, Session

    from .policy import LinkCatalogue, link_refusal, link_use

    catalogue = LinkCatalogue.load(etablissement)
    monday = today - dt.timedelta(days=today.weekday())
    rows = []
    sessions = (
        Session.objects.filter(etablissement=etablissement, date__gte=monday)
        .exclude(link="")
        .select_related("subject", "division", "group", "tool")
        .prefetch_related(Prefetch("teachers", queryset=Staff.objects.select_related("user")))  # query: teachers
        .order_by("date", "start")
    )
    for session in sessions:
        use = link_use(session.modality, session.hybrid_remote_mode)
        refusal = link_refusal(
            etablissement=etablissement, use=use, url=session.link, tool=session.tool, catalogue=catalogue
        )
        if refusal is not None and use in catalogue.offered:
            audience = session.division or session.group
            rows.append(
                {
                    "kind": _("Séance"),
                    "date": session.date,
                    "what": f"{session.subject} — {audience}",
                    "teachers": list(session.teachers.all()),
                    "link": session.link,
                    "why": refusal.text,
                    "reason": refusal.summary,
                }
            )
    work = (
        Homework.objects.filter(etablissement=etablissement, due_date__gte=today)
        .exclude(link="")
        .select_related("subject", "division", "group", "tool", "created_by__user")
        .order_by("due_date", "pk")
    )
    for homework in work:
        refusal = link_refusal(
            etablissement=etablissement,
            use="async_distance",
            url=homework.link,
            tool=homework.tool,
            catalogue=catalogue,
        )
        if refusal is not None:
            audience = homework.division or homework.group
            rows.append(
                {
                    "kind": _("Travail"),
                    "date": homework.due_date,
                    "what": f"{homework.title} — {audience}",
                    "teachers": [homework.created_by] if homework.created_by else [],
                    "link": homework.link,
                    "why": refusal.text,
                    "reason": refusal.summary,
                }
            )
    return catalogue, rows


def _refused_page_links(etablissement, catalogue):
    """Links of the school's own tool pages (an « Ouvrir » address, a tutorial) that the policy now
    refuses, e.g. after a domain was taken off the school's list. One query: the school's tutorials."""
    from .policy import page_link_errors, tool_address_errors

    by_slug = {tool.slug: tool for tool in catalogue.tools}
    rows = []
    for tool in catalogue.tools:
        if tool.etablissement_id is None or tool.locally_unavailable:
            continue
        errors = tool_address_errors(tool, catalogue=catalogue)
        if errors:
            rows.append({"what": tool.name, "page": tool.get_absolute_url(), "link": tool.url, "why": errors[0]})
    for tutorial in Tutorial.objects.filter(etablissement=etablissement).select_related("tool").order_by("pk"):
        tool = by_slug.get(tutorial.tool.slug, tutorial.tool)
        if tool.is_ruled_out:
            why = _("« %(tool)s » est un outil à proscrire : ses tutoriels ne sont pas montrés.")
            errors = [why % {"tool": tool.name}]
        else:
            errors = page_link_errors(tutorial.url, catalogue=catalogue)
        if errors:
            rows.append(
                {
                    "what": _("Tutoriel « %(title)s » de %(tool)s") % {"title": tutorial.title, "tool": tool.name},
                    "page": tool.get_absolute_url(),
                    "link": tutorial.url,
                    "why": errors[0],
                }
            )
    return rows


@login_required
def link_policy(request):
    """The référent's page: the domains allowed besides the catalogue, and the links the policy refuses."""
    from django.utils import timezone

    from .models import AllowedDomain

    require_role(request.user, *CATALOGUE_EDITORS)
    etablissement = Etablissement.objects.get(pk=_etablissement_id(request))
    form = AllowedDomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            allowed = services.allowed_domain_add(etablissement=etablissement, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            typed = form.cleaned_data["domain"].strip()
            message = _("Domaine « %(domain)s » autorisé.")
            if typed.lower().rstrip(".") != allowed.domain:
                message += " " + _(
                    "Il est tiré de l'adresse collée (%(typed)s) : tout le site et ses sous-domaines sont acceptés."
                )
            messages.success(request, message % {"domain": allowed.domain, "typed": typed})
            return redirect("outils:link_policy")
    catalogue, refused = _refused_links(etablissement, timezone.localdate())
    domains = AllowedDomain.objects.filter(etablissement=etablissement).select_related("added_by")
    return render(
        request,
        "outils/link_policy.html",
        {
            "form": form,
            "domains": domains,
            "refused": refused,
            "refused_on_pages": _refused_page_links(etablissement, catalogue),
        },
    )


def _links_on_domain(etablissement, domain: str, today) -> int:
    """How many links of sessions (from this week on) and of work (due from today) are on ``domain``."""
    import datetime as dt

    from planning.models import Homework, Session

    from .policy import host_matches, host_of

    monday = today - dt.timedelta(days=today.weekday())
    links = [
        *Session.objects.filter(etablissement=etablissement, date__gte=monday)
        .exclude(link="")
        .values_list("link", flat=True),
        *Homework.objects.filter(etablissement=etablissement, due_date__gte=today)
        .exclude(link="")
        .values_list("link", flat=True),
    ]
    return sum(1 for link in links if host_matches(host_of(link) or "", domain))


@login_required
@require_POST
def refused_links_notify(request):
    """The référent tells each teacher which of his links are refused, why, and where to change them."""
    from django.utils import timezone

    require_role(request.user, *CATALOGUE_EDITORS)
    etablissement = Etablissement.objects.get(pk=_etablissement_id(request))
    _catalogue, refused = _refused_links(etablissement, timezone.localdate())
    told = services.refused_links_notify(etablissement=etablissement, rows=refused, by=request.user)
    if told:
        messages.success(
            request,
            _("%(n)s : chacun reçoit la liste de ses liens refusés, avec la raison et où les changer.")
            % {"n": plural(told, str(_("enseignant prévenu")), str(_("enseignants prévenus")))},
        )
    else:
        messages.info(request, _("Aucun enseignant à prévenir (ou ils l'ont déjà été aujourd'hui pour ces liens)."))
    return redirect("outils:link_policy")


@login_required
def domain_remove(request, pk: int):
    """Take a domain off the school's list, in two steps: a page that says what follows, then its button."""
    from django.shortcuts import get_object_or_404
    from django.utils import timezone

    from .models import AllowedDomain

    require_role(request.user, *CATALOGUE_EDITORS)
    allowed = get_object_or_404(
        AllowedDomain.objects.select_related("added_by"), pk=pk, etablissement_id=_etablissement_id(request)
    )
    if request.method == "POST" and request.POST.get("confirmer") == "oui":
        services.allowed_domain_remove(allowed=allowed, etablissement=allowed.etablissement)
        messages.success(
            request,
            _(
                "Domaine « %(domain)s » retiré : ses liens ne sont plus montrés aux élèves ni aux familles, et leurs "
                "enseignants voient qu'ils sont à changer."
            )
            % {"domain": allowed.domain},
        )
        return redirect("outils:link_policy")
    return render(
        request,
        "outils/domain_remove.html",
        {
            "allowed": allowed,
            "links": _links_on_domain(allowed.etablissement_id, allowed.domain, timezone.localdate()),
        },
    )
