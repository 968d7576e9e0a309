"""The link policy as pages and feeds apply it: the school's catalogue read once, each link checked in memory."""

import pytest

from continuite.ecole.tests.factories import EtablissementFactory
from outils.models import AllowedDomain, Tool
from outils.policy import LinkCatalogue, LinkChecker
from outils.services import allowed_domain_add, tool_update

pytestmark = pytest.mark.django_db


def test_it_reads_the_catalogue_with_the_schools_domains_in_one_query(django_assert_num_queries):
    school, other = EtablissementFactory(), EtablissementFactory()
    for domain in ("lelivrescolaire.fr", "lumni.fr"):
        allowed_domain_add(etablissement=school, domain=domain, note="Ressources")
    allowed_domain_add(etablissement=other, domain="autre-lycee.fr", note="Ressources")
    with django_assert_num_queries(1):  # the tools, with copies, settings and the allowed domains as subqueries
        catalogue = LinkCatalogue.load(school)
    assert sorted(catalogue.domains) == ["lelivrescolaire.fr", "lumni.fr"]
    assert "discord" in {t.slug for t in catalogue.tools}
    assert LinkCatalogue.load(EtablissementFactory()).domains == []


def test_it_reads_the_domains_of_a_school_that_sees_no_tool(django_assert_num_queries):
    school = EtablissementFactory()
    AllowedDomain.objects.create(etablissement=school, domain="lumni.fr", note="Ressources")
    Tool.objects.all().delete()
    with django_assert_num_queries(2):  # no tool row to carry them: the domains alone
        assert LinkCatalogue.load(school).domains == ["lumni.fr"]


def test_it_checks_a_pages_links_with_one_query_whatever_their_number(django_assert_num_queries):
    school = EtablissementFactory()
    allowed_domain_add(etablissement=school, domain="lumni.fr", note="Ressources")
    checker = LinkChecker(school.pk)
    with django_assert_num_queries(1):  # the catalogue, on the first link; then in memory
        for n in range(20):
            assert checker.errors(use="async_distance", url=f"https://www.lumni.fr/video/{n}") == []
            assert checker.errors(use="visio", url=f"https://discord.gg/{n}") != []
            assert checker.errors(use="visio", url=f"https://visio.example.org/{n}") != []


def test_it_checks_a_tool_chosen_before_the_school_adapted_its_sheet_as_the_schools_copy():
    school = EtablissementFactory()
    bbb = Tool.objects.get(slug="bigbluebutton-ent", etablissement__isnull=True)
    url = "https://visio.netocentre.fr/b/x"
    assert LinkChecker(school.pk).errors(use="visio", url=url, tool_id=bbb.pk) == []
    tool_update(tool=bbb, etablissement=school, name="Classe virtuelle du lycée")
    assert LinkChecker(school.pk).errors(use="visio", url=url, tool_id=bbb.pk) == []
    tool_update(tool=bbb, etablissement=school, allowed_domains=["lycees.netocentre.fr"])
    assert LinkChecker(school.pk).errors(use="visio", url=url, tool_id=bbb.pk) == [
        "Le lien d'un outil « Classe virtuelle du lycée » doit pointer vers lycees.netocentre.fr."
    ]


def test_it_refuses_a_tool_the_school_does_not_see():
    school = EtablissementFactory()
    theirs = Tool.objects.create(
        etablissement=EtablissementFactory(), slug="leur-outil", name="Leur outil", serves_virtual_class=True
    )
    errors = LinkChecker(school.pk).errors(use="visio", url="https://netocentre.fr/x", tool_id=theirs.pk)
    assert errors == ["L'outil choisi n'est pas proposé dans l'établissement."]


def test_it_offers_students_no_tool_meant_for_teachers_only():
    school = EtablissementFactory()
    edubase = Tool.objects.get(slug="edubase", etablissement__isnull=True)
    catalogue = LinkCatalogue.load(school)
    assert "moodle" in {t.slug for t in catalogue.offered["async_distance"]}
    assert edubase.pk not in {t.pk for t in catalogue.offered["async_distance"]}
    errors = LinkChecker(school.pk).errors(
        use="async_distance", url="https://edubase.eduscol.education.fr/fiche/123", tool_id=edubase.pk
    )
    assert errors and errors[0].startswith("L'outil « Edubase » n'est pas proposé pour un travail en autonomie.")


def test_it_says_a_tool_the_school_marked_unavailable_is_so_with_its_note():
    from outils.services import tool_set_availability

    school = EtablissementFactory()
    bbb = Tool.objects.get(slug="bigbluebutton-ent", etablissement__isnull=True)
    tool_set_availability(tool=bbb, etablissement=school, unavailable=True, note="Serveur en maintenance")
    refusal = LinkChecker(school.pk).refusal(use="visio", url="https://visio.netocentre.fr/b/x", tool_id=bbb.pk)
    assert refusal.summary == (
        "« BigBlueButton dans NetO'Centre » est indiqué indisponible dans l'établissement : Serveur en maintenance."
    )
    assert "n'est pas proposé" not in refusal.text
    assert "utilisez à la place" in refusal.text  # the other video tools
