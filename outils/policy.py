"""The one policy for a link a student or a family can open: sessions, work to do, tool pages.

A link is allowed when it is an https address of a catalogue tool that the établissement offers for
that use (a classe virtuelle, work in autonomy), or of a domain the référent numérique added to the
school's list. A ruled-out tool's link is refused with the catalogue's reasons; any refusal names
the tools offered for that use instead. The planner calls ``link_errors``; the référent's list of
links that break the policy calls ``link_errors`` with a catalogue loaded once (``LinkCatalogue``).

The policy is also applied when a link is shown, not only when it is saved: a rule may change after
(the référent takes a domain off the school's list, the académie rules a tool out). ``LinkChecker``
reads the school's catalogue once for a page or a feed, on its first link (one query), and checks each
link in memory by host matching.

The links of the tool pages follow the same rules: a tool's « Ouvrir » address (``tool_address_errors``)
only for a tool offered in the school, on its own domains or the school's list; a tutorial or a
source (``page_link_errors``) never on a ruled-out tool's domain, and, unless the académie wrote it,
on the domain of a tool of the catalogue or of the school's list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import models
from django.utils.translation import gettext as _

from .queries import MODALITY_NEED_FIELDS, VIDEO_MODALITIES

# What each use is called in a message: "pour <use>".
USE_LABELS = {
    "visio": "une classe virtuelle",
    "hybride": "une séance hybride",
    "async_distance": "un travail en autonomie",
}


def host_of(url: str) -> str | None:
    """The host the browser would reach (so ``https://netocentre.fr@evil.example`` is evil.example)."""
    try:
        parts = urlsplit((url or "").strip())
        parts.port  # noqa: B018 — raises ValueError on a malformed port
    except ValueError:
        return None
    return (parts.hostname or "").lower().rstrip(".") or None


def host_matches(host: str, domain: str) -> bool:
    domain = domain.strip().lower().rstrip(".")
    return bool(domain) and (host == domain or host.endswith("." + domain))


class _Joined(models.Aggregate):
    """A text column's values in one string, separated by spaces (a host name holds none): GROUP_CONCAT
    on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ' ')"
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


@dataclass
class LinkCatalogue:
    """One school's catalogue (with its local settings) and its allowed domains: one query."""

    tools: list
    domains: list[str]
    offered: dict[str, list]
    by_pk: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for tool in self.tools:
            self.by_pk[tool.pk] = tool
            # A tool chosen before the school adapted the académie's sheet now reads as the school's copy.
            if getattr(tool, "based_on_id", None) is not None:
                self.by_pk.setdefault(tool.based_on_id, tool)

    @classmethod
    def load(cls, etablissement) -> LinkCatalogue:
        """The school's domains ride on each tool row as a subquery, so that a page showing links pays
        one query for the whole policy (a second only for a school that sees no tool at all)."""
        from .models import AllowedDomain, Tool

        etablissement_id = getattr(etablissement, "pk", etablissement)
        school_domains = (
            AllowedDomain.objects.filter(etablissement_id=etablissement_id)
            .order_by()
            .values("etablissement_id")
            .annotate(listed=_Joined("domain"))
            .values("listed")
        )
        tools = list(
            Tool.objects.for_etablissement(etablissement_id)
            .recommended_first(ent_first=True)
            .annotate(school_domains=models.Subquery(school_domains, output_field=models.TextField()))
        )
        if tools:
            domains = (tools[0].school_domains or "").split()
        else:
            domains = list(
                AllowedDomain.objects.filter(etablissement_id=etablissement_id).values_list("domain", flat=True)
            )
        offered = {}
        for use, fields in MODALITY_NEED_FIELDS.items():
            usable = [t for t in tools if not t.is_ruled_out and not t.locally_unavailable]
            usable = [t for t in usable if any(getattr(t, f) for f in fields)]
            if use not in VIDEO_MODALITIES:
                usable.sort(key=lambda t: (t.gdpr_rank, t.position, t.name))
            offered[use] = usable
        return cls(tools=tools, domains=domains, offered=offered)

    def ruled_out_owner(self, host: str, *, besides_slug: str = ""):
        """The ruled-out tool a host belongs to, when no tool that is not ruled out shares the domain
        (``besides_slug``: leaving out the tool being edited)."""
        owners = [
            t
            for t in self.tools
            if t.slug != besides_slug and any(host_matches(host, d) for d in t.allowed_domains or [])
        ]
        if owners and all(t.is_ruled_out for t in owners):
            return owners[0]
        return None

    def known_domain(self, host: str) -> bool:
        """The host belongs to a tool of the catalogue that is not ruled out, or to the school's list."""
        domains = [d for t in self.tools if not t.is_ruled_out for d in t.allowed_domains or []]
        return any(host_matches(host, d) for d in [*domains, *self.domains])

    def version_of(self, tool):
        """The catalogue's row of a tool or a tool's id (annotated with the school's settings): the tool
        itself, or the school's copy of the académie's tool; None when the school does not see it."""
        return self.by_pk.get(getattr(tool, "pk", tool))

    def alternatives(self, use: str) -> str:
        names = [t.name for t in self.offered.get(use, [])]
        if not names:
            return ""
        return _("Pour %(use)s, utilisez à la place : %(tools)s.") % {
            "use": USE_LABELS.get(use, use),
            "tools": ", ".join(names),
        }


def link_errors(*, etablissement, use: str, url: str, tool=None, catalogue: LinkCatalogue | None = None) -> list[str]:
    """The French lines saying why ``url`` may not be given to students for ``use``; empty when it may.

    ``use`` is a session modality ("visio", "hybride", "async_distance"); work to do is "async_distance".
    """
    return [line for line in _errors(etablissement, use, url, tool, catalogue) if line]


def _errors(etablissement, use, url, tool, catalogue) -> list[str]:
    url = (url or "").strip()
    if not url and tool is None:
        return []
    if use not in MODALITY_NEED_FIELDS:
        return [_("Un lien n'est donné aux élèves que pour une classe virtuelle, une séance hybride ou un travail.")]
    catalogue = catalogue or LinkCatalogue.load(etablissement)
    offered = catalogue.offered.get(use, [])
    if tool is not None:
        # Checked as the school's catalogue has it now (its copy, its domains), not as it was chosen.
        tool = catalogue.version_of(tool) or tool
    if tool is not None and tool.pk not in {t.pk for t in offered}:
        return [
            _("L'outil « %(tool)s » n'est pas proposé pour %(use)s.") % {"tool": tool.name, "use": USE_LABELS[use]},
            catalogue.alternatives(use),
        ]
    if not url:
        return []
    host = host_of(url)
    if host is None:
        return [_("Ce lien n'est pas une adresse valide.")]
    if urlsplit(url).scheme != "https":
        return [_("Le lien doit commencer par https://.")]
    if tool is not None:
        if not tool.allowed_domains:
            return [_("Aucun domaine n'est autorisé pour les liens de l'outil « %(tool)s ».") % {"tool": tool.name}]
        if not any(host_matches(host, d) for d in tool.allowed_domains):
            return [
                _("Le lien d'un outil « %(tool)s » doit pointer vers %(domains)s.")
                % {"tool": tool.name, "domains": ", ".join(tool.allowed_domains)}
            ]
        return []
    owners = [t for t in catalogue.tools if any(host_matches(host, d) for d in t.allowed_domains or [])]
    if any(t.pk in {o.pk for o in offered} for t in owners):
        return []
    ruled_out = next((t for t in owners if t.is_ruled_out), None)
    if ruled_out is not None:
        return [
            _("« %(host)s » est un lien de %(tool)s, outil à proscrire :") % {"host": host, "tool": ruled_out.name},
            *ruled_out.gdpr_reason_list,
            catalogue.alternatives(use),
        ]
    if owners:
        return [
            _("« %(host)s » est un lien de %(tool)s, qui n'est pas proposé pour %(use)s dans l'établissement.")
            % {"host": host, "tool": owners[0].name, "use": USE_LABELS[use]},
            catalogue.alternatives(use),
        ]
    if any(host_matches(host, d) for d in catalogue.domains):
        return []
    return [
        _(
            "« %(host)s » n'est le domaine d'aucun outil du catalogue de l'établissement : demandez au référent "
            "numérique de l'ajouter à la liste des domaines autorisés s'il convient."
        )
        % {"host": host},
        catalogue.alternatives(use),
    ]


class LinkChecker:
    """The policy as a page or a feed applies it to the links it shows, whatever the rules were when the
    links were saved.

    The school's catalogue is read on the first link checked (one query, none for a page without
    links); then each link is checked in memory, by host matching, and each verdict kept for the page.
    """

    def __init__(self, etablissement_id: int | None):
        self.etablissement_id = etablissement_id
        self._catalogue: LinkCatalogue | None = None
        self._verdicts: dict[tuple, list[str]] = {}

    @property
    def catalogue(self) -> LinkCatalogue:
        if self._catalogue is None:
            self._catalogue = LinkCatalogue.load(self.etablissement_id)
        return self._catalogue

    def errors(self, *, use: str, url: str, tool_id: int | None = None) -> list[str]:
        """Why ``url`` may not be shown now as a link for ``use`` (see ``link_errors``); empty when it may."""
        key = (use, url, tool_id)
        if key not in self._verdicts:
            tool = None
            if tool_id is not None:
                tool = self.catalogue.version_of(tool_id)
            if tool_id is not None and tool is None:
                verdict = [_("L'outil choisi n'est pas proposé dans l'établissement.")]
            else:
                verdict = link_errors(
                    etablissement=self.etablissement_id, use=use, url=url, tool=tool, catalogue=self.catalogue
                )
            self._verdicts[key] = verdict
        return self._verdicts[key]


def tool_address_errors(tool, *, catalogue: LinkCatalogue) -> list[str]:
    """Why a tool page may not offer its address (« Ouvrir ») as a link; empty when it may.

    The tool must be offered in the school (not ruled out, not marked unavailable there); its address an
    https link to one of its own domains or of the school's list.
    """
    url = (tool.url or "").strip()
    if not url:
        return []
    if tool.is_ruled_out:
        return [_("Un outil à proscrire n'a pas d'adresse d'accès : laissez ce champ vide.")]
    if getattr(tool, "locally_unavailable", False):
        return [_("« %(tool)s » n'est pas disponible dans l'établissement.") % {"tool": tool.name}]
    host = host_of(url)
    if host is None or urlsplit(url).scheme != "https":
        return [_("L'adresse d'accès doit commencer par https://.")]
    owner = catalogue.ruled_out_owner(host)
    if owner is not None:
        return [_("« %(host)s » est un lien de %(tool)s, outil à proscrire.") % {"host": host, "tool": owner.name}]
    if not any(host_matches(host, d) for d in [*(tool.allowed_domains or []), *catalogue.domains]):
        return [
            _("L'adresse d'accès doit pointer vers un domaine autorisé de l'outil (%(domains)s).")
            % {"domains": ", ".join(tool.allowed_domains or []) or "—"}
        ]
    return []


def page_link_errors(url: str, *, catalogue: LinkCatalogue, trusted: bool = False) -> list[str]:
    """Why a tutorial or a source of a tool page may not be shown as a link; empty when it may.

    Never a ruled-out tool's domain. ``trusted`` links are the académie's own (its shipped tutorials
    and sources); any other must be https, on the domain of a tool of the catalogue or of the school's
    list.
    """
    url = (url or "").strip()
    host = host_of(url)
    scheme = urlsplit(url).scheme if host else ""
    if host is None or scheme not in ("http", "https"):
        return [_("Ce lien n'est pas une adresse valide.")]
    owner = catalogue.ruled_out_owner(host)
    if owner is not None:
        return [
            _("« %(host)s » est un lien de %(tool)s, outil à proscrire :") % {"host": host, "tool": owner.name},
            *owner.gdpr_reason_list,
        ]
    if trusted:
        return []
    if scheme != "https":
        return [_("Le lien doit commencer par https://.")]
    if not catalogue.known_domain(host):
        return [
            _(
                "« %(host)s » n'est le domaine d'aucun outil du catalogue de l'établissement : ajoutez-le d'abord "
                "aux domaines autorisés (page « Liens donnés aux élèves ») s'il convient."
            )
            % {"host": host}
        ]
    return []
