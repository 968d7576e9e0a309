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

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from continuite.aggregates import Joined

from .domains import academie_ruled_out, academie_ruled_out_owner, host_matches
from .queries import MODALITY_NEED_FIELDS, VIDEO_MODALITIES

__all__ = ["host_matches", "host_of", "link_errors", "link_refusal", "link_use", "LinkCatalogue", "LinkRefused"]

# What each use is called in a message: "pour <use>".
USE_LABELS = {
    "visio": "une classe virtuelle",
    "hybride": "une séance hybride suivie en direct à distance",
    "hybride_autonomie": "une séance hybride dont le demi-groupe à distance travaille en autonomie",
    "async_distance": "un travail en autonomie",
}


def link_use(modality: str, hybrid_remote_mode: str = "") -> str:
    """What a session's link is for, in the policy's words: its modality, except a hybrid session whose
    remote half works in autonomy, whose link is one of the tools for work in autonomy."""
    if modality == "hybride" and hybrid_remote_mode == "autonomie":
        return "hybride_autonomie"
    return modality


def host_of(url: str) -> str | None:
    """The host the browser would reach (so ``https://netocentre.fr@evil.example`` is evil.example)."""
    try:
        parts = urlsplit((url or "").strip())
        parts.port  # noqa: B018 — raises ValueError on a malformed port
    except ValueError:
        return None
    return (parts.hostname or "").lower().rstrip(".") or None


@dataclass
class LinkRefusal:
    """Why a link may not be given to students, as one message: ``text`` everywhere, ``html()`` in a form,
    where the tools to use instead link to their catalogue pages."""

    message: str
    use: str = ""
    alternatives: list = field(default_factory=list)
    # The reason in one short sentence, where a page flags a refused link (the message when empty).
    headline: str = ""

    @property
    def summary(self) -> str:
        return self.headline or self.message

    def _instead(self) -> str:
        return _("Pour %(use)s, utilisez à la place :") % {"use": USE_LABELS.get(self.use, self.use)}

    @property
    def text(self) -> str:
        if not self.alternatives:
            return self.message
        return f"{self.message} {self._instead()} {', '.join(t.name for t in self.alternatives)}."

    def html(self) -> SafeString:
        if not self.alternatives:
            return format_html("{}", self.message)
        pages = ((t.get_absolute_url(), t.name) for t in self.alternatives)
        # Shown in an alert (the form's errors, a refused link's warning): the alert's own link colour.
        links = format_html_join(", ", '<a class="alert-link" href="{}">{}</a>', pages)
        return format_html("{} {} {}.", self.message, self._instead(), links)


class LinkRefused(ValidationError):
    """The policy's refusal of a link, raised by the planner's services: its message is ``refusal.text``; a
    form shows ``refusal.html()``."""

    def __init__(self, refusal: LinkRefusal):
        super().__init__(refusal.text, code="link_refused")
        self.refusal = refusal


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
            .annotate(listed=Joined("domain"))  # a host name holds no space
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
        catalogue = cls(tools=tools, domains=domains, offered=offered)
        for use, fields in MODALITY_NEED_FIELDS.items():
            usable = [t for t in tools if not t.is_ruled_out and not t.locally_unavailable and t.for_students]
            usable = [t for t in usable if any(getattr(t, f) for f in fields)]
            usable = [t for t in usable if not catalogue.on_ruled_out_domain(t)]
            if use not in VIDEO_MODALITIES:
                usable.sort(key=lambda t: (t.gdpr_rank, t.position, t.name))
            offered[use] = usable
        return catalogue

    def ruled_out_owner(self, host: str, *, besides_slug: str = ""):
        """The ruled-out tool a host belongs to (``besides_slug``: leaving out the tool being edited).

        A domain of a tool the académie rules out always belongs to it, whatever the school's tools say;
        a domain of a tool the school itself rules out, when no tool that is not ruled out shares it.
        """
        slug = academie_ruled_out_owner(host)
        if slug is not None and slug != besides_slug:
            tool = next((t for t in self.tools if t.slug == slug), None)
            if tool is not None:
                return tool
        owners = [
            t
            for t in self.tools
            if t.slug != besides_slug and any(host_matches(host, d) for d in t.allowed_domains or [])
        ]
        if owners and all(t.is_ruled_out for t in owners):
            return owners[0]
        return None

    def on_ruled_out_domain(self, tool) -> bool:
        """A tool that is not ruled out but claims a domain of a ruled-out one (a school's « Discord bis »
        on discordapp.com, saved before the rule): never offered, never an alternative."""
        if tool.is_ruled_out:
            return False
        for domain in tool.allowed_domains or []:
            found = academie_ruled_out(domain)
            if found is not None and found[0] != tool.slug:
                return True
            if self.ruled_out_owner(domain, besides_slug=tool.slug) is not None:
                return True
        return False

    def known_domain(self, host: str) -> bool:
        """The host belongs to a tool of the catalogue that is not ruled out, or to the school's list."""
        domains = [d for t in self.tools if not t.is_ruled_out for d in t.allowed_domains or []]
        return any(host_matches(host, d) for d in [*domains, *self.domains])

    def version_of(self, tool):
        """The catalogue's row of a tool or a tool's id (annotated with the school's settings): the tool
        itself, or the school's copy of the académie's tool; None when the school does not see it."""
        return self.by_pk.get(getattr(tool, "pk", tool))

    def alternatives(self, use: str) -> str:
        """The sentence naming the tools offered for ``use`` (empty when there is none)."""
        return LinkRefusal("", use, self.offered.get(use, [])).text.strip()


def link_errors(*, etablissement, use: str, url: str, tool=None, catalogue: LinkCatalogue | None = None) -> list[str]:
    """Why ``url`` may not be given to students for ``use``, as one French message; empty when it may.

    ``use`` is a session's ``link_use`` ("visio", "hybride", "hybride_autonomie", "async_distance");
    work to do is "async_distance".
    """
    refusal = link_refusal(etablissement=etablissement, use=use, url=url, tool=tool, catalogue=catalogue)
    return [refusal.text] if refusal is not None else []


def link_refusal(
    *, etablissement, use: str, url: str, tool=None, catalogue: LinkCatalogue | None = None
) -> LinkRefusal | None:
    """``link_errors``'s refusal with the tools to use instead (``LinkRefusal``), or None when the link may be given."""
    url = (url or "").strip()
    if not url and tool is None:
        return None
    if use not in MODALITY_NEED_FIELDS:
        return LinkRefusal(
            _("Un lien n'est donné aux élèves que pour une classe virtuelle, une séance hybride ou un travail.")
        )
    catalogue = catalogue or LinkCatalogue.load(etablissement)
    offered = catalogue.offered.get(use, [])
    if tool is not None:
        # Checked as the school's catalogue has it now (its copy, its domains), not as it was chosen.
        tool = catalogue.version_of(tool) or tool
    instead = offered
    tool_offered = tool is None or tool.pk in {t.pk for t in offered}
    not_offered = _("L'outil « %(tool)s » n'est pas proposé pour %(use)s.") % {
        "tool": getattr(tool, "name", ""),
        "use": USE_LABELS[use],
    }
    host = host_of(url) if url else None
    if url and host is None:
        return LinkRefusal(_("Ce lien n'est pas une adresse valide."))
    ruled_out = catalogue.ruled_out_owner(host) if host else None
    if ruled_out is not None:
        # Said first, with the académie's reasons, whatever tool was chosen.
        sentences = [
            _("« %(host)s » est un lien de %(tool)s, outil à proscrire : %(reasons)s")
            % {"host": host, "tool": ruled_out.name, "reasons": " ".join(ruled_out.gdpr_reason_list)}
        ]
        if tool is not None and not tool_offered:
            sentences.append(not_offered)
        elif tool is not None:
            sentences.append(_tool_domains_sentence(tool))
        headline = _("« %(host)s » est un lien de %(tool)s, outil à proscrire.") % {
            "host": host,
            "tool": ruled_out.name,
        }
        return LinkRefusal(" ".join(s for s in sentences if s), use, instead, headline)
    if not tool_offered:
        if getattr(tool, "locally_unavailable", False):
            # Marked unavailable here by the school (a server down, a licence ended): said so, with its note.
            unavailable = _("« %(tool)s » est indiqué indisponible dans l'établissement.") % {"tool": tool.name}
            note = (getattr(tool, "local_note", "") or "").strip()
            if note:
                unavailable = f"{unavailable[:-1]} : {note.rstrip('.')}."
            return LinkRefusal(unavailable, use, instead, headline=unavailable)
        return LinkRefusal(not_offered, use, instead)
    if not url:
        return None
    if urlsplit(url).scheme != "https":
        return LinkRefusal(_("Le lien doit commencer par https://."))
    if tool is not None:
        if not tool.allowed_domains:
            return LinkRefusal(
                _("Aucun domaine n'est autorisé pour les liens de l'outil « %(tool)s ».") % {"tool": tool.name}
            )
        if not any(host_matches(host, d) for d in tool.allowed_domains):
            return LinkRefusal(_tool_domains_sentence(tool))
        return None
    owners = [t for t in catalogue.tools if any(host_matches(host, d) for d in t.allowed_domains or [])]
    if any(t.pk in {o.pk for o in offered} for t in owners):
        return None
    if owners:
        return LinkRefusal(
            _("« %(host)s » est un lien de %(tool)s, qui n'est pas proposé pour %(use)s dans l'établissement.")
            % {"host": host, "tool": owners[0].name, "use": USE_LABELS[use]},
            use,
            instead,
        )
    if any(host_matches(host, d) for d in catalogue.domains):
        return None
    return LinkRefusal(
        _(
            "« %(host)s » n'est le domaine d'aucun outil du catalogue de l'établissement : demandez au référent "
            "numérique de l'ajouter à la liste des domaines autorisés s'il convient."
        )
        % {"host": host},
        use,
        instead,
    )


def _tool_domains_sentence(tool) -> str:
    return _("Le lien d'un outil « %(tool)s » doit pointer vers %(domains)s.") % {
        "tool": tool.name,
        "domains": ", ".join(tool.allowed_domains or []) or "—",
    }


class LinkChecker:
    """The policy as a page or a feed applies it to the links it shows, whatever the rules were when the
    links were saved.

    The school's catalogue is read on the first link checked (one query, none for a page without
    links); then each link is checked in memory, by host matching, and each verdict kept for the page.
    """

    def __init__(self, etablissement_id: int | None):
        self.etablissement_id = etablissement_id
        self._catalogue: LinkCatalogue | None = None
        self._verdicts: dict[tuple, LinkRefusal | None] = {}

    @property
    def catalogue(self) -> LinkCatalogue:
        if self._catalogue is None:
            self._catalogue = LinkCatalogue.load(self.etablissement_id)
        return self._catalogue

    def refusal(self, *, use: str, url: str, tool_id: int | None = None) -> LinkRefusal | None:
        """Why ``url`` may not be shown now as a link for ``use`` (see ``link_refusal``); None when it may."""
        key = (use, url, tool_id)
        if key not in self._verdicts:
            tool = None
            if tool_id is not None:
                tool = self.catalogue.version_of(tool_id)
            if tool_id is not None and tool is None:
                verdict = LinkRefusal(_("L'outil choisi n'est pas proposé dans l'établissement."))
            else:
                verdict = link_refusal(
                    etablissement=self.etablissement_id, use=use, url=url, tool=tool, catalogue=self.catalogue
                )
            self._verdicts[key] = verdict
        return self._verdicts[key]

    def errors(self, *, use: str, url: str, tool_id: int | None = None) -> list[str]:
        """``refusal``'s message as ``link_errors`` gives it: one line, empty when the link may be shown."""
        refusal = self.refusal(use=use, url=url, tool_id=tool_id)
        return [refusal.text] if refusal is not None else []


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
            _("« %(host)s » est un lien de %(tool)s, outil à proscrire : %(reasons)s")
            % {"host": host, "tool": owner.name, "reasons": " ".join(owner.gdpr_reason_list)}
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
