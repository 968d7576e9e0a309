"""Every URL of the catalogue, for every role (see continuite/tests/matrix.py).

The académie's tools are visible to every member of any school ("other" included); a school's own
tools and tutorials are not found (404) from another school. Editors: direction and référent.
"""

from continuite.tests.matrix import EVERYONE, Entry, only
from outils.models import Tool
from outils.tests.factories import ToolFactory, TutorialFactory

EDITORS = ("direction", "referent")


def shipped(slug: str = "bigbluebutton-ent") -> Tool:
    return Tool.objects.get(etablissement__isnull=True, slug=slug)


def own_tool(w) -> Tool:
    return ToolFactory(etablissement=w.etablissement, name="Padlet du lycée", slug="padlet-du-lycee")


def allowed_domain(w):
    from outils.models import AllowedDomain

    # The URL is reversed once, the data asked for each role: the data puts back what a role removed.
    AllowedDomain.objects.get_or_create(
        pk=9000, defaults={"etablissement": w.etablissement, "domain": "lelivrescolaire.fr", "note": "Manuels"}
    )
    return {"confirmer": "oui"}


def allowed_domain_pk(w) -> dict:
    allowed_domain(w)
    return {"pk": 9000}


def new_domain(w):
    # One world serves every role: each one adds a domain not yet on the list.
    from outils.models import AllowedDomain

    return {"domain": f"site{AllowedDomain.objects.count()}.fr", "note": "Ressources du service public"}


ENTRIES = [
    Entry("outils:link_policy", expect=only(EDITORS, other=200)),
    Entry(
        "outils:link_policy",
        method="post",
        data=new_domain,
        expect=only(EDITORS, ok=302, other=302),
    ),
    Entry("outils:refused_links_notify", method="post", expect=only(EDITORS, ok=302)),
    # Removing a domain: a page that says what follows, then its button (« confirmer »).
    Entry("outils:domain_remove", kwargs=allowed_domain_pk, expect=only(EDITORS, other=404)),
    Entry(
        "outils:domain_remove",
        method="post",
        kwargs=lambda w: {"pk": 9000},
        data=allowed_domain,
        expect=only(EDITORS, ok=302, other=404),
    ),
    Entry("outils:tool_list", expect=only(EVERYONE)),
    Entry("outils:tool_search", query="?q=classe", expect=only(EVERYONE)),
    Entry("outils:family_page", expect=only(EVERYONE)),
    Entry("outils:tool_create", expect=only(EDITORS)),
    Entry("outils:tool_detail", kwargs=lambda w: {"pk": shipped().pk}, expect=only(EVERYONE, other=200)),
    Entry("outils:tool_detail", kwargs=lambda w: {"pk": own_tool(w).pk}, expect=only(EVERYONE, other=404)),
    Entry("outils:tool_edit", kwargs=lambda w: {"pk": shipped().pk}, expect=only(EDITORS, other=200)),
    Entry("outils:tool_edit", kwargs=lambda w: {"pk": own_tool(w).pk}, expect=only(EDITORS, other=404)),
    Entry(
        "outils:tool_availability",
        method="post",
        kwargs=lambda w: {"pk": shipped("pearltrees").pk},
        data=lambda w: {"unavailable": "on", "note": "Abonnement non renouvelé."},
        expect=only(EDITORS, ok=302, other=302),
    ),
    Entry(
        "outils:tool_availability",
        method="post",
        kwargs=lambda w: {"pk": own_tool(w).pk},
        data=lambda w: {"unavailable": "on", "note": "En panne."},
        expect=only(EDITORS, ok=302, other=404),
    ),
    Entry("outils:tutorial_create", kwargs=lambda w: {"pk": shipped().pk}, expect=only(EDITORS, other=200)),
    Entry("outils:tutorial_create", kwargs=lambda w: {"pk": own_tool(w).pk}, expect=only(EDITORS, other=404)),
    Entry(
        "outils:tutorial_edit",
        kwargs=lambda w: {"pk": TutorialFactory(tool=shipped(), etablissement=w.etablissement).pk},
        expect=only(EDITORS, other=404),
    ),
    # The académie's tutorials are read-only for every school: seen (403), not changed.
    Entry(
        "outils:tutorial_edit",
        kwargs=lambda w: {"pk": shipped().tutorials.filter(etablissement__isnull=True).first().pk},
        expect=only((), other=403),
    ),
]
