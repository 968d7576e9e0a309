"""Reads of the catalogue, and the tools the planner offers.

The planner offers only ``tools_for_modality``: never a tool that is ruled out ("à proscrire") or that
the établissement marked unavailable. Whether a link may be given to students (a tool's domains, the
school's list) is the link policy's to say: ``outils.policy``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When

if TYPE_CHECKING:
    from .models import Tool

# Session modalities of the planner → the need fields of the tools it may offer.
VIDEO_MODALITIES = frozenset({"visio", "hybride"})
MODALITY_NEED_FIELDS = {
    "visio": ("serves_virtual_class",),
    "hybride": ("serves_virtual_class",),
    "async_distance": ("serves_courses", "serves_media", "serves_documents", "serves_collaborative_writing"),
}


# Words a teacher types for a need, folded (lower case, no accents) → the need field they mean.
SEARCH_SYNONYMS = {
    "visio": "serves_virtual_class",
    "webconf": "serves_virtual_class",
    "classe virtuelle": "serves_virtual_class",
    "cours en direct": "serves_virtual_class",
    "video": "serves_media",
    "podcast": "serves_media",
    "fichier": "serves_documents",
    "document": "serves_documents",
    "message": "serves_communication",
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
        """Tools that may be proposed: not ruled out, not unavailable here (after ``for_etablissement``)."""
        return self.exclude(gdpr_status="a_proscrire").filter(locally_unavailable=False)

    def serving_any(self, need_fields):
        condition = Q()
        for field in need_fields:
            condition |= Q(**{field: True})
        return self.filter(condition)

    def search(self, text: str):
        """Words of the tools' sheets, and the words people use for a need ("visio" → classe virtuelle)."""
        text = text.strip()
        if not text:
            return self.none()
        condition = (
            Q(name__icontains=text)
            | Q(summary__icontains=text)
            | Q(description__icontains=text)
            | Q(rules__icontains=text)
            | Q(limits__icontains=text)
        )
        words = _fold(text)
        for synonym, field in SEARCH_SYNONYMS.items():
            if synonym in words:
                condition |= Q(**{field: True})
        return self.filter(condition)

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
    together; any other modality (presence, async_presence, annule, ...) → none. A ruled-out tool
    or one the établissement marked unavailable is never returned.
    """
    from .models import Tool

    need_fields = MODALITY_NEED_FIELDS.get(modality)
    if not need_fields:
        return Tool.objects.none()
    return (
        Tool.objects.for_etablissement(etablissement)
        .offered()
        .serving_any(need_fields)
        .recommended_first(ent_first=modality in VIDEO_MODALITIES)
    )
