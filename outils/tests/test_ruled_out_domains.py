"""A ruled-out tool's every domain stays ruled out, and the référent's list holds only real sites.

Discord's invitations also live on discordapp.com (and discord.media, dis.gd…): allowing one of them, or
giving it to a tool of the school's own, would let Discord back in. A public suffix (github.io, fr,
co.uk) is shared by thousands of sites: allowing it would let any of them through.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outils import catalogue_data, services
from outils.models import AllowedDomain, Tool
from outils.policy import link_errors
from outils.tests.factories import ToolFactory

pytestmark = pytest.mark.django_db

DISCORD_DOMAINS = ["discord.com", "discord.gg", "discordapp.com", "discordapp.net", "discord.media", "dis.gd"]
WHATSAPP_DOMAINS = ["whatsapp.com", "wa.me", "whatsapp.net"]


def shipped(slug: str) -> Tool:
    return Tool.objects.get(etablissement__isnull=True, slug=slug)


def words(response) -> str:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    return text.replace("&#x27;", "'").replace("&quot;", '"')


def test_the_shipped_catalogue_lists_every_domain_of_the_ruled_out_tools():
    # The migration loaded them: an existing database gets them too.
    assert set(DISCORD_DOMAINS) <= set(shipped("discord").allowed_domains)
    assert set(WHATSAPP_DOMAINS) <= set(shipped("whatsapp").allowed_domains)
    ruled_out = [entry["slug"] for entry in catalogue_data.TOOLS if entry["gdpr_status"] == "a_proscrire"]
    assert ruled_out == ["discord", "whatsapp"]


@pytest.mark.parametrize("domain", ["discordapp.com", "cdn.discordapp.net", "discord.media", "dis.gd", "whatsapp.net"])
def test_the_referent_cannot_allow_any_domain_of_a_ruled_out_tool(world, domain):
    with pytest.raises(ValidationError, match="outil à proscrire : il ne peut pas être autorisé"):
        services.allowed_domain_add(etablissement=world.etablissement, domain=domain, note="Pratique")
    assert not AllowedDomain.objects.exists()


def test_no_tool_of_the_school_may_take_a_ruled_out_domain(world):
    with pytest.raises(ValidationError, match="« discordapp.com » est un domaine de Discord, outil à proscrire"):
        services.tool_create(
            etablissement=world.etablissement,
            name="Discord bis",
            summary="Le serveur de la classe",
            hosting="outside",
            access_mode="link",
            gdpr_status="possible",
            gdpr_reasons="Pratique",
            serves_virtual_class=True,
            serves_communication=True,
            for_students=True,
            allowed_domains=["discordapp.com"],
        )
    assert not Tool.objects.filter(etablissement=world.etablissement).exists()


def test_a_school_cannot_take_discord_off_the_ruled_out_tools(world):
    with pytest.raises(ValidationError, match="L'académie demande de proscrire « Discord »"):
        services.tool_update(
            tool=shipped("discord"), etablissement=world.etablissement, gdpr_status="possible", gdpr_reasons="Pratique"
        )


@pytest.mark.parametrize(
    "url", ["https://discordapp.com/invite/abc", "https://discord.media/x", "https://dis.gd/x", "https://wa.me/336"]
)
def test_every_link_of_a_ruled_out_tool_is_refused_even_if_the_school_listed_its_domain(world, url):
    # Written before the rule (as an existing database may hold): the list no longer lets it through.
    AllowedDomain.objects.create(etablissement=world.etablissement, domain=url.split("/")[2], note="Avant")
    ToolFactory(
        etablissement=world.etablissement,
        name="Discord bis",
        serves_virtual_class=True,
        allowed_domains=["discordapp.com", "discord.media", "dis.gd", "wa.me"],
    )
    for use in ("visio", "async_distance"):
        errors = link_errors(etablissement=world.etablissement, use=use, url=url)
        assert len(errors) == 1 and "outil à proscrire" in errors[0]


def test_a_schools_tool_on_a_ruled_out_domain_is_never_named_instead_of_discord(world, client):
    # Saved before the rule: it is neither offered, nor an alternative, nor on the families' page.
    bis = ToolFactory(
        etablissement=world.etablissement,
        name="Discord bis",
        serves_virtual_class=True,
        serves_communication=True,
        for_students=True,
        allowed_domains=["discordapp.com"],
    )
    Tool.objects.filter(etablissement__isnull=True, slug="discord").update(alternative=bis)
    client.force_login(world.guardian.user)
    assert "Discord bis" not in words(client.get(shipped("discord").get_absolute_url()))
    family = words(client.get(reverse("outils:family_page")))
    assert "Discord bis" not in family
    assert "BigBlueButton" not in family.split("Les outils que l'établissement n'utilise pas")[1]

    from outils.queries import tools_for_modality

    assert bis not in tools_for_modality(etablissement=world.etablissement, modality="visio")


def test_a_schools_tool_for_teachers_only_is_not_named_instead_of_a_ruled_out_tool(world, client):
    ToolFactory(
        etablissement=world.etablissement,
        name="Visio des profs",
        serves_virtual_class=True,
        for_students=False,
        allowed_domains=["visio.lycee-zay.fr"],
    )
    ToolFactory(
        etablissement=world.etablissement,
        name="Visio des élèves",
        serves_virtual_class=True,
        for_students=True,
        allowed_domains=["classe.lycee-zay.fr"],
    )
    client.force_login(world.student.user)
    page = words(client.get(shipped("discord").get_absolute_url()))
    assert "Visio des élèves" in page and "Visio des profs" not in page
    with pytest.raises(ValidationError, match="outil ouvert aux élèves"):
        services.tool_update(
            tool=shipped("discord"),
            etablissement=world.etablissement,
            alternative=Tool.objects.get(name="Visio des profs"),
        )


@pytest.mark.parametrize(
    ("domain", "example"),
    [
        ("github.io", "monprojet.github.io"),
        ("fr", "monprojet.fr"),
        ("co.uk", "monprojet.co.uk"),
        ("blogspot.com", "monprojet.blogspot.com"),
        ("netlify.app", "monprojet.netlify.app"),
        ("gouv.fr", "monprojet.gouv.fr"),
    ],
)
def test_a_public_suffix_is_refused_with_a_french_explanation(world, client, domain, example):
    client.force_login(world.referent.user)
    page = words(client.post(reverse("outils:link_policy"), {"domain": domain, "note": "Projets d'élèves"}))
    assert (
        f"{domain} est partagé par des milliers de sites : ajoutez l'adresse précise du site, par exemple {example}."
        in page
    )
    assert not AllowedDomain.objects.exists()
    with pytest.raises(ValidationError, match="partagé par des milliers de sites"):
        services.tool_create(
            etablissement=world.etablissement,
            name="Pages",
            summary="Sites",
            hosting="outside",
            access_mode="link",
            gdpr_status="possible",
            gdpr_reasons="Pratique",
            serves_documents=True,
            allowed_domains=[domain],
        )


def test_a_site_under_a_public_suffix_may_be_allowed(world):
    allowed = services.allowed_domain_add(etablissement=world.etablissement, domain="monprojet.github.io", note="TPE")
    assert allowed.domain == "monprojet.github.io"
    site = "https://monprojet.github.io/a"
    assert link_errors(etablissement=world.etablissement, use="async_distance", url=site) == []
    errors = link_errors(etablissement=world.etablissement, use="async_distance", url="https://autre.github.io/a")
    assert "« autre.github.io » n'est le domaine d'aucun outil" in errors[0]


def test_a_pasted_address_gives_its_domain_and_says_so(world, client):
    client.force_login(world.referent.user)
    response = client.post(
        reverse("outils:link_policy"), {"domain": "https://mon-site-perso.fr/visio", "note": "Le site du club"}
    )
    assert response.status_code == 302
    allowed = AllowedDomain.objects.get()
    assert (allowed.domain, allowed.added_by) == ("mon-site-perso.fr", world.referent.user)
    page = words(client.get(reverse("outils:link_policy")))
    assert (
        "Domaine « mon-site-perso.fr » autorisé. Il est tiré de l'adresse collée (https://mon-site-perso.fr/visio) : "
        "tout le site et ses sous-domaines sont acceptés." in page
    )
    # The list says who added each domain, and when.
    added = r"\( ?ajouté par Camille Test le \d{1,2} \w+ 20\d\d ?\)"
    assert re.search(r"mon-site-perso\.fr — Le site du club " + added, page)
    client.post(reverse("outils:link_policy"), {"domain": "https://www.lelivrescolaire.fr/manuel?x=1", "note": "M"})
    assert AllowedDomain.objects.filter(domain="lelivrescolaire.fr").exists()


def test_removing_a_domain_asks_first_and_says_what_follows(world, client):
    import datetime as dt

    from django.utils import timezone

    from planning.tests.factories import HomeworkFactory

    allowed = services.allowed_domain_add(
        etablissement=world.etablissement, domain="lelivrescolaire.fr", note="Manuels", by=world.referent.user
    )
    HomeworkFactory(
        etablissement=world.etablissement,
        division=world.division,
        created_by=world.teacher,
        due_date=timezone.localdate() + dt.timedelta(days=2),
        link="https://www.lelivrescolaire.fr/ch3",
    )
    client.force_login(world.referent.user)
    url = reverse("outils:domain_remove", args=[allowed.pk])
    assert url in client.get(reverse("outils:link_policy")).content.decode()  # a link to the second step
    page = words(client.get(url))
    assert "Retirer « lelivrescolaire.fr » des domaines autorisés ?" in page
    assert "1 lien de séance ou de travail à venir est sur ce domaine" in page
    # A POST without the confirmation (an old form, a stray request) removes nothing.
    assert client.post(url).status_code == 200
    assert AllowedDomain.objects.exists()
    assert client.post(url, {"confirmer": "oui"}).status_code == 302
    assert not AllowedDomain.objects.exists()
