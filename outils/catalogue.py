"""Load the académie's catalogue (``catalogue_data``) into the database: an upsert by slug.

Called by the data migrations with the historical models (``apps.get_model``), and by tests with
the current ones (transactional tests flush the database, and with it the migration's rows). It
imports no model at module level, so migrations may import it.

Only the académie's rows (``etablissement`` NULL) are written: schools' copies, own tools, own
tutorials and local settings are never touched, which is how a school's edits survive upgrades.
"""

from __future__ import annotations

from . import catalogue_data

NEED_FIELDS = {
    "documents": "serves_documents",
    "communication": "serves_communication",
    "collaborative_writing": "serves_collaborative_writing",
    "virtual_class": "serves_virtual_class",
    "courses": "serves_courses",
    "media": "serves_media",
}
AUDIENCE_FIELDS = {
    "enseignants": "for_teachers",
    "eleves": "for_students",
    "parents": "for_parents",
    "personnels": "for_staff",
}
PLAIN_FIELDS = (
    "position",
    "name",
    "summary",
    "description",
    "hosting",
    "access_mode",
    "gdpr_status",
    "no_recording",
    "allowed_domains",
    "url",
)


def shipped_fields(entry: dict) -> dict:
    """The model field values of one entry of ``catalogue_data.TOOLS``."""
    values = {field: entry[field] for field in PLAIN_FIELDS}
    values["reference_url"] = entry.get("reference_url", "")
    values["allowed_domains"] = list(entry["allowed_domains"])
    for key in ("gdpr_reasons", "limits", "rules"):
        values[key] = "\n".join(entry[key])
    for need, field in NEED_FIELDS.items():
        values[field] = need in entry["needs"]
    for audience, field in AUDIENCE_FIELDS.items():
        values[field] = audience in entry["audiences"]
    return values


def load_catalogue(tool_model=None, tutorial_model=None) -> None:
    """Create or update every shipped tool and tutorial; running it twice changes nothing."""
    if tool_model is None or tutorial_model is None:
        from .models import Tool, Tutorial

        tool_model, tutorial_model = Tool, Tutorial
    tools = {}
    for entry in catalogue_data.TOOLS:
        tool, _created = tool_model.objects.update_or_create(
            slug=entry["slug"], etablissement=None, defaults={"shipped": True, **shipped_fields(entry)}
        )
        tools[entry["slug"]] = tool
        for position, tutorial in enumerate(entry["tutorials"], start=1):
            tutorial_model.objects.update_or_create(
                tool=tool,
                url=tutorial["url"],
                etablissement=None,
                defaults={"shipped": True, "title": tutorial["title"], "kind": tutorial["kind"], "position": position},
            )
    for entry in catalogue_data.TOOLS:
        alternative = tools.get(entry.get("alternative", ""))
        tool = tools[entry["slug"]]
        if tool.alternative_id != getattr(alternative, "pk", None):
            tool.alternative = alternative
            tool.save(update_fields=["alternative"])
