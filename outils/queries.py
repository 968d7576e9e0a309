"""Reads of the catalogue, and the tools the planner offers.

The planner offers only ``tools_for_modality``: never a tool that is ruled out ("à proscrire") or that
the établissement marked unavailable. Whether a link may be given to students (a tool's domains, the
school's list) is the link policy's to say: ``outils.policy``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When

if TYPE_CHECKING:
    from .models import Tool

# Session modalities of the planner → the need fields of the tools it may offer. A hybrid session
# follows its remote half: "hybride" when it follows by video, "hybride_autonomie" when it works in
# autonomy (``outils.policy.link_use``).
VIDEO_MODALITIES = frozenset({"visio", "hybride"})
AUTONOMY_NEED_FIELDS = ("serves_courses", "serves_media", "serves_documents", "serves_collaborative_writing")
MODALITY_NEED_FIELDS = {
    "visio": ("serves_virtual_class",),
    "hybride": ("serves_virtual_class",),
    "hybride_autonomie": AUTONOMY_NEED_FIELDS,
    "async_distance": AUTONOMY_NEED_FIELDS,
}


# Words people type, folded (lower case, no accents) → what they mean: a need ("visio" → the
# classe virtuelle), a name ("BBB" → BigBlueButton) or where a tool is hosted ("ENT" → NetO'Centre).
# Each is matched as whole words of the query.
NEED, NAME, HOSTING = "need", "name", "hosting"
SEARCH_SYNONYMS = {
    **{
        word: (NEED, "serves_virtual_class")
        for word in (
            "visio",
            "visios",
            "visioconference",
            "visioconferences",
            "visio conference",
            "videoconference",
            "webconf",
            "webconference",
            "classe virtuelle",
            "classes virtuelles",
            "cours en direct",
            "en direct",
            "reunion",
            "camera",
        )
    },
    **{word: (NAME, "BigBlueButton") for word in ("bbb", "big blue button", "bigbluebutton")},
    **{word: (HOSTING, "ent") for word in ("ent", "netocentre", "neto centre")},
    **{word: (HOSTING, "cned") for word in ("cned", "ma classe a la maison")},
    **{
        word: (NEED, "serves_media")
        for word in ("video", "videos", "son", "audio", "podcast", "podcasts", "capsule", "capsules")
    },
    **{
        word: (NEED, "serves_documents")
        for word in ("fichier", "fichiers", "document", "documents", "stockage", "cloud", "partager")
    },
    **{
        word: (NEED, "serves_communication")
        for word in ("message", "messages", "messagerie", "mail", "courriel", "tchat", "discussion")
    },
    **{
        word: (NEED, "serves_collaborative_writing")
        for word in ("collaboratif", "collaborative", "ecrire a plusieurs", "ecriture collaborative", "pad")
    },
    **{word: (NEED, "serves_courses") for word in ("qcm", "quiz", "exercice", "exercices", "devoir", "devoirs")},
}


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _etablissement_id(etablissement) -> int | None:
    return getattr(etablissement, "pk", etablissement)


class ToolQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The rows a user may open: the académie's tools and his établissement's own."""
        if not user.is_authenticated or user.etablissement_id is None:
            return self.none()
        return self.filter(Q(etablissement__isnull=True) | Q(etablissement_id=user.etablissement_id))

    def for_etablissement(self, etablissement):
        """The catalogue as one school sees it, annotated with its local settings.

        The académie's tools that the school replaced by its own copy (same slug) are left out, so
        each tool appears once; ``locally_unavailable`` and ``local_note`` come from
        ``ToolLocalSetting``. One query, with subqueries.
        """
        from .models import ToolLocalSetting

        etablissement_id = _etablissement_id(etablissement)
        own_slugs = self.model.objects.filter(etablissement_id=etablissement_id).values("slug")
        settings = ToolLocalSetting.objects.filter(etablissement_id=etablissement_id, slug=OuterRef("slug"))
        return self.filter(
            Q(etablissement_id=etablissement_id) | (Q(etablissement__isnull=True) & ~Q(slug__in=own_slugs))
        ).annotate(
            locally_unavailable=Exists(settings.filter(unavailable=True)),
            local_note=Subquery(settings.values("note")[:1]),
        )

    def offered(self):
        """Tools that may be proposed: not ruled out, not unavailable here (after ``for_etablissement``), on
        no domain of a tool the académie rules out (a school's « Discord bis » on discordapp.com)."""
        from .domains import ACADEMIE_RULED_OUT

        on_ruled_out = Q(pk__in=[])
        for _slug, _name, domains in ACADEMIE_RULED_OUT:
            for domain in domains:
                # The list is stored as JSON text: a domain is '"discord.gg"', a subdomain ends with '.discord.gg"'.
                on_ruled_out |= Q(allowed_domains__icontains=f'"{domain}"')
                on_ruled_out |= Q(allowed_domains__icontains=f'.{domain}"')
        return self.exclude(gdpr_status="a_proscrire").filter(locally_unavailable=False).exclude(on_ruled_out)

    def serving_any(self, need_fields):
        condition = Q()
        for field in need_fields:
            condition |= Q(**{field: True})
        return self.filter(condition)

    def search(self, text: str):
        """Words of the tools' sheets, and the words people use (``SEARCH_SYNONYMS``: "visio" → classe
        virtuelle, "BBB" → BigBlueButton, "ENT" → NetO'Centre's tools).

        Each tool found gets a ``relevance``: 2 when its name, its need or its hosting answers, 1 when only
        its sheet's text mentions the words (Moodle's description names the classe virtuelle: it comes
        after the video tools for « classe virtuelle »). Equal ones keep the catalogue's order
        (recommended first).
        """
        text = text.strip()
        if not text:
            return self.none()
        by_name = Q(name__icontains=text)
        by_need = Q(pk__in=[])
        in_text = (
            Q(summary__icontains=text)
            | Q(description__icontains=text)
            | Q(rules__icontains=text)
            | Q(limits__icontains=text)
        )
        words = " " + " ".join(re.findall(r"[a-z0-9]+", _fold(text))) + " "
        for synonym, (kind, value) in SEARCH_SYNONYMS.items():
            if f" {synonym} " not in words:
                continue
            if kind == NAME:
                by_name |= Q(name__icontains=value)
            elif kind == HOSTING:
                by_need |= Q(hosting=value)
            else:
                by_need |= Q(**{value: True})
        relevance = Case(When(by_name | by_need, then=Value(2)), default=Value(1), output_field=IntegerField())
        return self.filter(by_name | by_need | in_text).annotate(relevance=relevance)

    def recommended_first(self, *, ent_first: bool = False):
        """Recommended, then possible, then ruled out; for video, ENT login first (intrusions)."""
        ordered = self.annotate(
            gdpr_rank=Case(
                When(gdpr_status="recommande", then=Value(0)),
                When(gdpr_status="possible", then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            ent_rank=Case(When(access_mode="ent", then=Value(0)), default=Value(1), output_field=IntegerField()),
        )
        keys = ["ent_rank", "gdpr_rank"] if ent_first else ["gdpr_rank"]
        return ordered.order_by(*keys, "position", "name")


class TutorialQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or user.etablissement_id is None:
            return self.none()
        return self.filter(Q(etablissement__isnull=True) | Q(etablissement_id=user.etablissement_id))

    def for_tool(self, tool, etablissement):
        """The académie's tutorials of the tool and the school's own, in one list."""
        return self.filter(tool_id=tool.root_id).filter(
            Q(etablissement__isnull=True) | Q(etablissement_id=_etablissement_id(etablissement))
        )


def tools_for_modality(*, etablissement, modality: str) -> models.QuerySet[Tool]:
    """The tools the planner may offer for a session of this modality, best first. One query.

    "visio" and "hybride" → virtual-class tools, those where students log in through the ENT
    first; "async_distance" → tools to build and share courses, videos, documents and to write
    together; any other modality (presence, async_presence, annule, ...) → none. A ruled-out tool,
    one the établissement marked unavailable, or one not meant for students (Edubase, a bank of
    sequences for teachers) is never returned.
    """
    from .models import Tool

    need_fields = MODALITY_NEED_FIELDS.get(modality)
    if not need_fields:
        return Tool.objects.none()
    return (
        Tool.objects.for_etablissement(etablissement)
        .offered()
        .filter(for_students=True)
        .serving_any(need_fields)
        .recommended_first(ent_first=modality in VIDEO_MODALITIES)
    )
