"""Writes of the catalogue. Views, admin and the demo call these, never ``save()``.

Editing an académie tool writes the school's own copy (see the docstring of ``outils.models``):
what the référent numérique of school X changes is never seen by school Y.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from continuite.ecole.models import Etablissement
from continuite.ecole.services import save_validated

from .domains import ACADEMIE_RULED_OUT_SLUGS, academie_ruled_out, domain_from_input, is_public_suffix
from .models import AUDIENCE_FIELDS, NEED_FIELDS, GdprStatus, Tool, ToolLocalSetting, Tutorial

# The fields a school may change on a tool (the rest says where the row comes from).
EDITABLE_FIELDS = (
    "name",
    "summary",
    "description",
    "hosting",
    "access_mode",
    "gdpr_status",
    "gdpr_reasons",
    "limits",
    "rules",
    "no_recording",
    "allowed_domains",
    "url",
    "reference_url",
    "alternative",
    *NEED_FIELDS.values(),
    *AUDIENCE_FIELDS.values(),
)
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalise_domains(domains) -> list[str]:
    """Lower-case, de-duplicated host names; a French error for anything that is not one."""
    result: list[str] = []
    for raw in domains:
        domain = raw.strip().lower().rstrip(".")
        if not domain:
            continue
        if is_public_suffix(domain):
            raise ValidationError(
                _(
                    "%(domain)s est partagé par des milliers de sites : ajoutez l'adresse précise du site, par "
                    "exemple monprojet.%(domain)s."
                )
                % {"domain": domain}
            )
        if not DOMAIN_RE.match(domain):
            raise ValidationError(
                _("« %(domain)s » n'est pas un nom de domaine (exemple : netocentre.fr).") % {"domain": raw.strip()}
            )
        if domain not in result:
            result.append(domain)
    return result


def _check_tool(tool: Tool, etablissement: Etablissement) -> None:
    if not any(getattr(tool, field) for field in NEED_FIELDS.values()):
        raise ValidationError(_("Indiquez au moins un besoin auquel l'outil répond."))
    if tool.gdpr_status == GdprStatus.RULED_OUT and not tool.gdpr_reasons.strip():
        raise ValidationError(_("Un outil à proscrire doit dire pourquoi : indiquez au moins une raison."))
    if tool.slug in ACADEMIE_RULED_OUT_SLUGS and tool.gdpr_status != GdprStatus.RULED_OUT:
        raise ValidationError(
            _("L'académie demande de proscrire « %(tool)s » : un établissement ne peut pas changer ce statut.")
            % {"tool": tool.name}
        )
    _check_tool_url(tool, etablissement)
    alternative = tool.alternative
    if alternative is not None:
        if alternative.pk == tool.pk or alternative.slug == tool.slug:
            raise ValidationError(_("Un outil ne peut pas être sa propre alternative."))
        if alternative.gdpr_status == GdprStatus.RULED_OUT:
            raise ValidationError(_("L'alternative proposée ne peut pas être un outil à proscrire."))
        if alternative.etablissement_id not in (None, etablissement.pk):
            raise ValidationError(_("L'alternative doit être un outil du catalogue de l'établissement."))
        if not alternative.for_students:
            raise ValidationError(
                _("L'alternative proposée doit être un outil ouvert aux élèves (public « Élèves » de sa fiche).")
            )
        if any(academie_ruled_out(d) for d in alternative.allowed_domains or []):
            raise ValidationError(_("L'alternative proposée ne peut pas être sur le domaine d'un outil à proscrire."))


def _check_tool_url(tool: Tool, etablissement: Etablissement) -> None:
    """The links of a tool page follow the link policy (``outils.policy``): its « Ouvrir » address on its
    own domains or the school's list; no domain of a ruled-out tool claimed by a tool students may use
    (its links would then pass as this tool's)."""
    from .policy import LinkCatalogue, tool_address_errors

    catalogue = LinkCatalogue.load(etablissement)
    if tool.gdpr_status != GdprStatus.RULED_OUT:
        for domain in tool.allowed_domains or []:
            found = academie_ruled_out(domain)
            owner_name = found[1] if found is not None and found[0] != tool.slug else None
            if owner_name is None:
                owner = catalogue.ruled_out_owner(domain, besides_slug=tool.slug)
                owner_name = owner.name if owner is not None else None
            if owner_name is not None:
                raise ValidationError(
                    _(
                        "« %(domain)s » est un domaine de %(tool)s, outil à proscrire : un autre outil ne peut pas "
                        "le prendre."
                    )
                    % {"domain": domain, "tool": owner_name}
                )
    errors = tool_address_errors(tool, catalogue=catalogue)
    if errors:
        raise ValidationError(errors[0])


def _check_tutorial_link(tool: Tool, etablissement: Etablissement, url: str) -> None:
    """A school's tutorial is a link students open from the tool page: the link policy applies."""
    from .policy import LinkCatalogue, page_link_errors

    root = Tool.objects.for_etablissement(etablissement).filter(slug=tool.slug).first() or tool
    if root.gdpr_status == GdprStatus.RULED_OUT:
        raise ValidationError(
            _("« %(tool)s » est un outil à proscrire : pas de tutoriel qui inviterait les élèves à l'utiliser.")
            % {"tool": root.name}
        )
    errors = page_link_errors(url, catalogue=LinkCatalogue.load(etablissement))
    if errors:
        raise ValidationError(errors)


def _apply(tool: Tool, fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for field, value in fields.items():
        if field == "allowed_domains":
            value = normalise_domains(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(tool, field, value)


@transaction.atomic
def tool_update(*, tool: Tool, etablissement: Etablissement, **fields) -> Tool:
    """Change a tool for one établissement and return the row that now holds its version.

    An académie tool is not changed: the school's copy (same slug) is created from it, or updated if
    it exists. A school's own tool or copy is changed in place; another school's row is refused.
    """
    if tool.etablissement_id is None:
        target = Tool.objects.filter(etablissement=etablissement, slug=tool.slug).first()
        if target is None:
            target = Tool.objects.get(pk=tool.pk)
            target.pk = None
            target._state.adding = True
            target.shipped = False
            target.etablissement = etablissement
            target.based_on_id = tool.pk
    elif tool.etablissement_id == etablissement.pk:
        target = tool
    else:
        raise ValidationError(_("Cet outil appartient à un autre établissement."))
    _apply(target, fields)
    _check_tool(target, etablissement)
    return save_validated(target)


@transaction.atomic
def tool_create(*, etablissement: Etablissement, **fields) -> Tool:
    """Add a tool of the school's own; its name must not be that of a tool already in its catalogue."""
    name = (fields.get("name") or "").strip()
    slug = slugify(name)[:80]
    if not slug:
        raise ValidationError(_("Donnez un nom à l'outil."))
    if Tool.objects.filter(etablissement=etablissement, slug=slug).exists():
        raise ValidationError(_("Votre établissement a déjà un outil de ce nom."))
    if Tool.objects.filter(etablissement__isnull=True, slug=slug).exists():
        raise ValidationError(_("Un outil du catalogue académique porte déjà ce nom : modifiez plutôt sa fiche."))
    tool = Tool(etablissement=etablissement, slug=slug)
    _apply(tool, fields)
    _check_tool(tool, etablissement)
    return save_validated(tool)


@transaction.atomic
def tool_revert(*, tool: Tool, etablissement: Etablissement) -> Tool:
    """Drop the school's copy of an académie tool and return the académie's row it came from."""
    if tool.etablissement_id != etablissement.pk or tool.based_on_id is None:
        raise ValidationError(_("Seule la fiche adaptée par votre établissement peut revenir à la version académique."))
    original = tool.based_on
    tool.delete()
    return original


@transaction.atomic
def tool_set_availability(
    *, tool: Tool, etablissement: Etablissement, unavailable: bool, note: str = ""
) -> ToolLocalSetting:
    """Mark a tool (un)available in one établissement; the tool itself is not copied."""
    if tool.etablissement_id not in (None, etablissement.pk):
        raise ValidationError(_("Cet outil appartient à un autre établissement."))
    note = note.strip()
    if unavailable and not note:
        raise ValidationError(_("Expliquez en quelques mots pourquoi l'outil est indisponible."))
    setting = ToolLocalSetting.objects.filter(etablissement=etablissement, slug=tool.slug).first()
    if setting is None:
        setting = ToolLocalSetting(etablissement=etablissement, slug=tool.slug)
    setting.unavailable = unavailable
    setting.note = note if unavailable else ""
    return save_validated(setting)


def _check_tutorial_tool(tool: Tool, etablissement: Etablissement) -> None:
    if tool.etablissement_id not in (None, etablissement.pk):
        raise ValidationError(_("Cet outil appartient à un autre établissement."))


@transaction.atomic
def tutorial_create(*, tool: Tool, etablissement: Etablissement, title: str, kind: str, url: str) -> Tutorial:
    """Add a school's tutorial to a tool; it hangs on the root tool, so it survives a copy or a revert."""
    _check_tutorial_tool(tool, etablissement)
    _check_tutorial_link(tool, etablissement, url.strip())
    return save_validated(
        Tutorial(tool_id=tool.root_id, etablissement=etablissement, title=title.strip(), kind=kind, url=url.strip())
    )


@transaction.atomic
def tutorial_update(*, tutorial: Tutorial, etablissement: Etablissement, title: str, kind: str, url: str) -> Tutorial:
    """Change one of the school's own tutorials (the académie's are read-only)."""
    if tutorial.etablissement_id != etablissement.pk:
        raise ValidationError(_("Seuls les tutoriels ajoutés par votre établissement peuvent être modifiés."))
    tutorial.title, tutorial.kind, tutorial.url = title.strip(), kind, url.strip()
    _check_tutorial_link(tutorial.tool, etablissement, tutorial.url)
    return save_validated(tutorial)


@transaction.atomic
def tutorial_delete(*, tutorial: Tutorial, etablissement: Etablissement) -> None:
    """Remove one of the school's own tutorials."""
    if tutorial.etablissement_id != etablissement.pk:
        raise ValidationError(_("Seuls les tutoriels ajoutés par votre établissement peuvent être supprimés."))
    tutorial.delete()


@transaction.atomic
def allowed_domain_add(*, etablissement: Etablissement, domain: str, note: str, by=None):
    """Allow links to a domain outside the catalogue's tools; never the domain of a ruled-out tool."""
    from .models import AllowedDomain
    from .policy import host_matches

    domain, _from_address = domain_from_input(domain)
    found = normalise_domains([domain])
    if not found:
        raise ValidationError(_("Indiquez un nom de domaine (exemple : lelivrescolaire.fr)."))
    domain = found[0]
    note = note.strip()
    if not note:
        raise ValidationError(_("Dites en quelques mots pourquoi ce domaine est autorisé."))
    academie = academie_ruled_out(domain)
    if academie is not None:
        raise ValidationError(
            _("« %(domain)s » est un domaine de %(tool)s, outil à proscrire : il ne peut pas être autorisé.")
            % {"domain": domain, "tool": academie[1]}
        )
    for tool in Tool.objects.for_etablissement(etablissement).filter(gdpr_status=GdprStatus.RULED_OUT):
        if any(host_matches(domain, d) or host_matches(d, domain) for d in tool.allowed_domains or []):
            raise ValidationError(
                _("« %(domain)s » est un domaine de %(tool)s, outil à proscrire : il ne peut pas être autorisé.")
                % {"domain": domain, "tool": tool.name}
            )
    if AllowedDomain.objects.filter(etablissement=etablissement, domain=domain).exists():
        raise ValidationError(_("Le domaine « %(domain)s » est déjà autorisé.") % {"domain": domain})
    return save_validated(AllowedDomain(etablissement=etablissement, domain=domain, note=note, added_by=by))


@transaction.atomic
def allowed_domain_remove(*, allowed, etablissement: Etablissement) -> None:
    """Withdraw a domain; the links already given on it are no longer shown to students and families (the
    pages and feeds check them when they show them) and are listed among the refused ones."""
    if allowed.etablissement_id != etablissement.pk:
        raise ValidationError(_("Ce domaine appartient à un autre établissement."))
    allowed.delete()


def refused_links_notify(*, etablissement, rows: list[dict], by) -> int:
    """Tell each teacher his links that the policy refuses (``rows`` from the référent's page):
    one notice per teacher, at most once a day for the same links. Returns the teachers told."""
    import hashlib

    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    from continuite.notifications.models import Notification
    from continuite.notifications.services import notify

    by_teacher: dict[int, tuple] = {}
    for row in rows:
        for teacher in row["teachers"]:
            if teacher.user_id is None or teacher.left_on is not None:
                continue
            by_teacher.setdefault(teacher.pk, (teacher, []))[1].append(row)
    today = timezone.localdate().isoformat()
    keys = {
        teacher.pk: "outils:refused_links:{}:{}:{}".format(
            teacher.pk, today, hashlib.sha256("|".join(sorted(row["link"] for row in links)).encode()).hexdigest()[:16]
        )
        for teacher, links in by_teacher.values()
    }
    # One query: the teachers already told today about these very links.
    told_before = set(
        Notification.objects.filter(idempotency_key__in=keys.values()).values_list("idempotency_key", flat=True)
    )
    told = 0
    with transaction.atomic():
        for teacher, links in by_teacher.values():
            if keys[teacher.pk] in told_before:
                continue
            notify(
                etablissement=etablissement,
                kind="outils.refused_links",
                template="outils/notifications/refused_links",
                context={
                    "links": links,
                    "referent": by.get_full_name() or by.email,
                    "week_url": settings.SITE_URL + reverse("planning:week"),
                },
                user=teacher.user,
                idempotency_key=keys[teacher.pk],
                reply_to=by.email,
            )
            told += 1
    return told
