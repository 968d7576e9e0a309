"""The links of the tool pages follow the link policy, as students, parents and the référent read them.

A student or a parent opens a tool's « Ouvrir » address, its tutorials and its source from the
catalogue: none of them may lead to a ruled-out tool, and a school's own links must be on a domain of
the catalogue or of the school's list, as for the links of sessions and work.
"""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outils import services
from outils.models import AllowedDomain, Tool, Tutorial
from outils.policy import host_matches
from outils.tests.factories import ToolFactory, TutorialFactory

pytestmark = pytest.mark.django_db

RULED_OUT_DOMAINS = ("discord.com", "discord.gg", "whatsapp.com", "wa.me")


def shipped(slug: str) -> Tool:
    return Tool.objects.get(etablissement__isnull=True, slug=slug)


def words(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def outside_links(response) -> list[str]:
    """The addresses of the links of the page's main part that leave the portal."""
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return [html.unescape(href) for href in re.findall(r'<a [^>]*href="(https?://[^"]+)"', main)]


def test_no_tool_page_gives_a_student_or_a_parent_a_link_to_a_ruled_out_tool(world, client):
    # Tutorials as they may be in the database (written before the policy, or by the admin).
    TutorialFactory(tool=shipped("discord"), etablissement=world.etablissement, url="https://discord.gg/classe")
    TutorialFactory(tool=shipped("pearltrees"), etablissement=world.etablissement, url="https://wa.me/33600000000")
    for user in (world.student.user, world.guardian.user):
        client.force_login(user)
        pages = 0
        for tool in Tool.objects.for_etablissement(world.etablissement):
            response = client.get(tool.get_absolute_url())
            assert response.status_code == 200
            for link in outside_links(response):
                host = urlsplit(link).hostname
                assert not any(host_matches(host, d) for d in RULED_OUT_DOMAINS), (tool.slug, link)
            pages += 1
        assert pages > 15
        family = client.get(reverse("outils:family_page"))
        assert not [link for link in outside_links(family) if "discord" in link or "whatsapp" in link]


def test_a_ruled_out_tools_page_cites_its_source_without_a_link(world, client):
    TutorialFactory(tool=shipped("discord"), etablissement=world.etablissement, title="Rejoindre le serveur")
    client.force_login(world.student.user)
    response = client.get(shipped("discord").get_absolute_url())
    text = words(response)
    assert "Source : https://discord.com/privacy (adresse citée sans lien" in text
    assert 'href="https://discord.com/privacy"' not in response.content.decode()
    assert "Rejoindre le serveur (lien retiré : il ne respecte pas les règles des liens de l'établissement)" in text
    assert "Ouvrir" not in text


def test_the_referent_cannot_hang_a_ruled_out_tools_link_on_a_tool_page(world, client):
    client.force_login(world.referent.user)
    response = client.post(
        reverse("outils:tutorial_create", args=[shipped("pearltrees").pk]),
        {"title": "Notre serveur", "kind": "page", "url": "https://discord.gg/abcd"},
    )
    text = words(response)
    assert "« discord.gg » est un lien de Discord, outil à proscrire :" in text
    assert "Le modèle économique pose question" in text  # the catalogue's reasons
    response = client.post(
        reverse("outils:tutorial_create", args=[shipped("discord").pk]),
        {"title": "Bien utiliser Discord", "kind": "page", "url": "https://lycees.netocentre.fr/discord"},
    )
    assert "« Discord » est un outil à proscrire : pas de tutoriel qui inviterait les élèves à l'utiliser." in words(
        response
    )
    assert not Tutorial.objects.filter(etablissement=world.etablissement).exists()
    # A tool of the school's own cannot take Discord's domain, so that its links would pass.
    with pytest.raises(ValidationError, match="« discord.gg » est un domaine de Discord, outil à proscrire"):
        services.tool_create(
            etablissement=world.etablissement,
            name="Serveur de la classe",
            summary="Pour se retrouver",
            hosting="outside",
            access_mode="link",
            gdpr_status="possible",
            gdpr_reasons="Pratique",
            serves_virtual_class=True,
            for_students=True,
            allowed_domains=["discord.gg"],
            url="https://discord.gg/abcd",
        )


def test_a_tutorial_on_an_unknown_domain_waits_for_the_schools_list(world, client):
    client.force_login(world.referent.user)
    data = {"title": "Pod au lycée", "kind": "pdf", "url": "https://lycee-zay.example.fr/pod.pdf"}
    url = reverse("outils:tutorial_create", args=[shipped("pod").pk])
    text = words(client.post(url, data))
    assert "« lycee-zay.example.fr » n'est le domaine d'aucun outil du catalogue de l'établissement" in text
    assert "ajoutez-le d'abord aux domaines autorisés (page « Liens donnés aux élèves »)" in text
    client.post(reverse("outils:link_policy"), {"domain": "lycee-zay.example.fr", "note": "Le site du lycée"})
    assert client.post(url, data).status_code == 302
    client.force_login(world.student.user)
    assert "https://lycee-zay.example.fr/pod.pdf" in outside_links(client.get(shipped("pod").get_absolute_url()))


def test_a_link_whose_domain_left_the_list_is_withdrawn_and_listed_for_the_referent(world, client):
    site = services.allowed_domain_add(etablissement=world.etablissement, domain="lycee-zay.example.fr", note="Site")
    tool = ToolFactory(
        etablissement=world.etablissement,
        name="Agenda du lycée",
        allowed_domains=["agenda.example.org"],
        url="https://lycee-zay.example.fr/agenda",
    )
    TutorialFactory(
        tool=shipped("pod"),
        etablissement=world.etablissement,
        title="Pod au lycée",
        url="https://lycee-zay.example.fr/p",
    )
    client.force_login(world.student.user)
    assert "https://lycee-zay.example.fr/agenda" in outside_links(client.get(tool.get_absolute_url()))

    services.allowed_domain_remove(allowed=site, etablissement=world.etablissement)

    tool_page = client.get(tool.get_absolute_url())
    assert outside_links(tool_page) == [] and "Ouvrir" not in words(tool_page)
    pod_page = client.get(shipped("pod").get_absolute_url())
    assert "https://lycee-zay.example.fr/p" not in outside_links(pod_page)
    assert "Pod au lycée (lien retiré" in words(pod_page)
    client.force_login(world.referent.user)
    text = words(client.get(tool.get_absolute_url()))
    assert "L'adresse d'Agenda du lycée n'est pas donnée aux élèves ni aux familles" in text
    text = words(client.get(reverse("outils:link_policy")))
    assert "Sur les fiches d'outils de l'établissement, 2 liens ne sont plus montrés aux élèves ni aux familles" in text
    assert "Agenda du lycée https://lycee-zay.example.fr/agenda L'adresse d'accès doit pointer vers" in text
    assert "Tutoriel « Pod au lycée » de Pod https://lycee-zay.example.fr/p « lycee-zay.example.fr » n'est" in text
    assert not AllowedDomain.objects.exists()


def test_a_tool_unavailable_here_is_not_opened_from_its_page(world, client):
    services.tool_set_availability(
        tool=shipped("pearltrees"), etablissement=world.etablissement, unavailable=True, note="Fin de l'abonnement"
    )
    client.force_login(world.student.user)
    page = client.get(shipped("pearltrees").get_absolute_url())
    assert "Ouvrir Pearltrees" not in words(page)
    # Its tutorials (documentation of the académie) stay.
    assert "https://www.youtube.com/watch?v=_ubsItykqhw" in outside_links(page)
    assert "Ouvrir Moodle" in words(client.get(shipped("moodle").get_absolute_url()))


def test_the_academies_own_tutorials_stay_links(world, client):
    client.force_login(world.guardian.user)
    links = outside_links(client.get(shipped("cned-classe-virtuelle").get_absolute_url()))
    assert (
        "http://www.dane.ac-versailles.fr/continuite-cned/cned-accompagnement-ma-classe-a-la-maison-classes-virtuelles"
        in links
    )
