"""The tools the planner offers (tools_for_modality), and the link policy's host matching for a chosen tool."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from continuite.ecole.tests.factories import EtablissementFactory
from outils.models import Tool
from outils.policy import host_matches, host_of, link_errors
from outils.queries import tools_for_modality
from outils.services import tool_set_availability, tool_update
from outils.tests.factories import ToolFactory

pytestmark = pytest.mark.django_db


def shipped(slug: str) -> Tool:
    return Tool.objects.get(etablissement__isnull=True, slug=slug)


def slugs(queryset) -> list[str]:
    return [tool.slug for tool in queryset]


def test_it_offers_the_ent_virtual_classes_first_for_a_visio(django_assert_num_queries):
    school = EtablissementFactory()
    with django_assert_num_queries(1):  # the tools, with the school's copies and settings as subqueries
        tools = slugs(tools_for_modality(etablissement=school, modality="visio"))
    assert tools == ["bigbluebutton-ent", "bigbluebutton-moodle", "cned-classe-virtuelle"]


def test_it_offers_the_same_tools_for_a_hybrid_session():
    school = EtablissementFactory()
    assert slugs(tools_for_modality(etablissement=school, modality="hybride")) == slugs(
        tools_for_modality(etablissement=school, modality="visio")
    )


def test_it_offers_courses_videos_documents_and_writing_for_asynchronous_work():
    school = EtablissementFactory()
    tools = slugs(tools_for_modality(etablissement=school, modality="async_distance"))
    for slug in ("moodle", "pod", "peertube", "nextcloud", "etherpad", "onlyoffice", "pearltrees"):
        assert slug in tools
    assert "bigbluebutton-ent" not in tools and "chat" not in tools
    assert "edubase" not in tools  # a bank of sequences for teachers: not a link for students


@pytest.mark.parametrize("modality", ["presence", "async_presence", "annule", "inconnue", ""])
def test_it_offers_nothing_for_other_modalities(modality):
    assert not tools_for_modality(etablissement=EtablissementFactory(), modality=modality).exists()


def test_it_never_offers_a_ruled_out_tool():
    school = EtablissementFactory()
    ToolFactory(etablissement=school, gdpr_status="a_proscrire", serves_virtual_class=True, slug="zoom-perso")
    for modality in ("visio", "hybride", "async_distance"):
        offered = slugs(tools_for_modality(etablissement=school, modality=modality))
        assert "discord" not in offered and "zoom-perso" not in offered


def test_it_never_offers_a_tool_the_school_marked_unavailable():
    school, other = EtablissementFactory(), EtablissementFactory()
    tool_set_availability(tool=shipped("cned-classe-virtuelle"), etablissement=school, unavailable=True, note="Non.")
    assert "cned-classe-virtuelle" not in slugs(tools_for_modality(etablissement=school, modality="visio"))
    assert "cned-classe-virtuelle" in slugs(tools_for_modality(etablissement=other, modality="visio"))


def test_it_offers_a_schools_copy_in_place_of_the_academie_tool():
    school = EtablissementFactory()
    copy = tool_update(tool=shipped("bigbluebutton-ent"), etablissement=school, name="Classe virtuelle du lycée")
    tools = list(tools_for_modality(etablissement=school, modality="visio"))
    assert tools[0] == copy
    assert [tool.slug for tool in tools].count("bigbluebutton-ent") == 1


def test_it_puts_recommended_before_possible():
    school = EtablissementFactory()
    ToolFactory(etablissement=school, slug="a-possible", name="A possible", gdpr_status="possible", position=1)
    tools = list(tools_for_modality(etablissement=school, modality="async_distance"))
    statuses = [tool.gdpr_status for tool in tools]
    assert statuses == sorted(statuses, key=["recommande", "possible"].index)


def test_it_does_not_grow_its_query_count_with_the_catalogue(django_assert_num_queries):
    school = EtablissementFactory()
    ToolFactory.create_batch(5, etablissement=school, serves_virtual_class=True)
    with django_assert_num_queries(1):  # the tools, with copies and settings as subqueries
        assert len(list(tools_for_modality(etablissement=school, modality="visio"))) == 8


def bbb_link_errors(url: str, tool_slug: str = "bigbluebutton-ent") -> list[str]:
    """The policy's verdict on a video class's link with a shipped tool chosen."""
    return link_errors(etablissement=EtablissementFactory(), use="visio", url=url, tool=shipped(tool_slug))


@pytest.mark.parametrize(
    "url",
    [
        "https://lycees.netocentre.fr/BigBlueButton/room/abc",
        "https://netocentre.fr/",
        "https://LYCEES.NETOCENTRE.FR./x",
    ],
)
def test_it_accepts_an_https_link_to_the_tools_domain_or_a_subdomain(url):
    assert bbb_link_errors(url) == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://lycees.netocentre.fr/room", "https://"),
        ("https://discord.gg/abc", "netocentre.fr"),
        ("https://evilnetocentre.fr/room", "netocentre.fr"),
        ("https://netocentre.fr@evil.example/room", "netocentre.fr"),
        ("https://netocentre.fr.evil.example/room", "netocentre.fr"),
        ("javascript:alert(1)", "adresse valide"),
        ("https://", "adresse valide"),
        ("https://lycees.netocentre.fr:99999/", "adresse valide"),
    ],
)
def test_it_refuses_a_link_outside_the_tools_domains_in_french(url, message):
    errors = bbb_link_errors(url)
    assert errors and message in errors[0]


def test_it_accepts_cned_and_apps_education_links_for_their_tools():
    assert bbb_link_errors("https://lycee.cned.fr/cv/123", "cned-classe-virtuelle") == []
    school = EtablissementFactory()
    peertube = shipped("peertube")
    video = "https://tube-sciences.apps.education.fr/w/x"
    assert link_errors(etablissement=school, use="async_distance", url=video, tool=peertube) == []
    pod = "https://lycees.netocentre.fr/POD/"
    assert link_errors(etablissement=school, use="async_distance", url=pod, tool=peertube) != []


def test_it_refuses_every_link_for_a_tool_without_domains():
    school = EtablissementFactory()
    tool = ToolFactory(etablissement=school, serves_virtual_class=True, allowed_domains=[], name="Sans domaine")
    errors = link_errors(etablissement=school, use="visio", url="https://netocentre.fr/", tool=tool)
    assert errors == ["Aucun domaine n'est autorisé pour les liens de l'outil « Sans domaine »."]


@given(host=st.from_regex(r"[a-z]{1,10}\.(com|org|net|io)", fullmatch=True), path=st.text(max_size=20))
def test_it_never_matches_a_host_outside_the_allowed_domain(host, path):
    assert not host_matches(host_of(f"https://{host}/{path}") or "", "netocentre.fr")
