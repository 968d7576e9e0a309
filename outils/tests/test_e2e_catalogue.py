"""Browser journeys of the catalogue: browsing by need, Discord's why-not, editing a tool."""

import pytest
from playwright.sync_api import expect

from continuite.tests.e2e.fixtures import assert_no_axe_violations, login
from outils.catalogue import load_catalogue
from outils.models import Tool

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(world):
    # Transactional tests flush the database, and the migration's rows with it.
    load_catalogue()
    return world


def test_it_finds_the_virtual_class_tool_by_need_in_two_clicks(catalogue, page):
    login(page, "prof@lycee.fr")
    page.get_by_role("link", name="Outils de l'ENT").click()
    expect(page.get_by_role("heading", name="Outils de l'ENT", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    section = page.get_by_role("region", name="Animer une classe virtuelle")
    section.get_by_role("link", name="BigBlueButton dans NetO'Centre").first.click()
    expect(page.get_by_role("heading", name="BigBlueButton dans NetO'Centre", level=1)).to_be_visible()
    expect(page.get_by_text("Les classes virtuelles ne doivent pas être enregistrées.").first).to_be_visible()
    expect(page.get_by_role("link", name="Animer une classe virtuelle avec BigBlueButton")).to_be_visible()
    assert_no_axe_violations(page)


def test_it_shows_why_not_discord_and_leads_to_the_chat(catalogue, page):
    login(page, "prof@lycee.fr")
    page.goto("/outils/")
    section = page.get_by_role("region", name="Communiquer avec les élèves et les parents")
    expect(section.get_by_text("mineurs de moins de 16 ans")).to_be_visible()
    section.get_by_role("link", name="Chat de l'ENT").last.click()
    expect(page.get_by_role("heading", name="Chat de l'ENT", level=1)).to_be_visible()
    assert_no_axe_violations(page)


def test_it_searches_a_tool(catalogue, page):
    login(page, "prof@lycee.fr")
    page.goto("/outils/")
    page.get_by_label("Rechercher un outil").fill("vidéo")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("link", name="Pod", exact=True)).to_be_visible()
    assert_no_axe_violations(page)


def test_it_lets_the_referent_edit_a_tool_for_his_school(catalogue, page):
    login(page, "referent@lycee.fr")
    page.goto("/outils/")
    page.get_by_role("region", name="Diffuser des vidéos et du son").get_by_role("link", name="Pod").click()
    page.get_by_role("link", name="Modifier la fiche").click()
    expect(page.get_by_role("heading", name="Modifier la fiche « Pod »")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Description courte").fill("Nos capsules de cours, protégées par mot de passe.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Nos capsules de cours, protégées par mot de passe.")).to_be_visible()
    expect(page.get_by_text("Fiche adaptée par l'établissement")).to_be_visible()
    assert_no_axe_violations(page)
    copy = Tool.objects.get(etablissement=catalogue.etablissement, slug="pod")
    assert copy.summary == "Nos capsules de cours, protégées par mot de passe."
    assert Tool.objects.get(etablissement__isnull=True, slug="pod").summary != copy.summary

    page.get_by_label("Indisponible dans notre établissement").check()
    page.get_by_label("Pourquoi ? (affiché aux collègues)").fill("Serveur en maintenance.")
    page.get_by_role("button", name="Enregistrer la disponibilité").click()
    expect(page.get_by_text("Cet outil n'est pas disponible dans l'établissement.")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Ajouter un tutoriel").click()
    assert_no_axe_violations(page)
    page.get_by_label("Titre").fill("Pod au lycée")
    page.get_by_label("Type").select_option("pdf")
    page.get_by_label("Adresse").fill("https://lycee.example.fr/pod.pdf")
    page.get_by_role("button", name="Enregistrer le tutoriel").click()
    # The school's own site is not a domain of the catalogue: the link policy asks for it first.
    expect(page.get_by_text("« lycee.example.fr » n'est le domaine d'aucun outil du catalogue")).to_be_visible()
    assert_no_axe_violations(page)
    tool_page = page.get_by_role("link", name="Retour à la fiche").get_attribute("href")
    page.goto("/outils/liens/")
    page.get_by_label("Nom de domaine").fill("lycee.example.fr")
    page.get_by_label("Pourquoi ce domaine convient").fill("Le site du lycée")
    page.get_by_role("button", name="Autoriser ce domaine").click()
    expect(page.get_by_text("Domaine « lycee.example.fr » autorisé.")).to_be_visible()
    page.goto(tool_page)
    page.get_by_role("link", name="Ajouter un tutoriel").click()
    page.get_by_label("Titre").fill("Pod au lycée")
    page.get_by_label("Type").select_option("pdf")
    page.get_by_label("Adresse").fill("https://lycee.example.fr/pod.pdf")
    page.get_by_role("button", name="Enregistrer le tutoriel").click()
    expect(page.get_by_role("link", name="Pod au lycée", exact=True)).to_be_visible()
    assert_no_axe_violations(page)


def test_it_shows_families_their_page(catalogue, page):
    login(page, "parent@lycee.fr")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="L'ENT en famille").click()
    expect(page.get_by_role("heading", name="Obtenir ses codes d'accès à l'ENT")).to_be_visible()
    expect(page.get_by_role("table").get_by_text("Pod", exact=True)).to_be_visible()
    assert_no_axe_violations(page)


def test_it_shows_the_catalogue_on_a_phone(catalogue, mobile_page):
    login(mobile_page, "prof@lycee.fr")
    mobile_page.goto("/outils/")
    expect(mobile_page.get_by_role("heading", name="J'ai besoin de…")).to_be_visible()
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_no_axe_violations(mobile_page)


def test_it_keeps_the_editors_other_pages_accessible(catalogue, page):
    from outils.tests.factories import TutorialFactory

    tutorial = TutorialFactory(
        tool=Tool.objects.get(etablissement__isnull=True, slug="moodle"), etablissement=catalogue.etablissement
    )
    login(page, "direction@lycee.fr")
    page.goto("/outils/")
    page.get_by_role("link", name="Ajouter un outil de l'établissement").click()
    expect(page.get_by_role("heading", name="Ajouter un outil de l'établissement")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"/outils/tutoriels/{tutorial.pk}/modifier/")
    expect(page.get_by_role("heading", name=f"Modifier le tutoriel « {tutorial.title} »")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Supprimer").click()
    expect(page.get_by_text("Tutoriel supprimé.")).to_be_visible()
    assert_no_axe_violations(page)


def test_it_lets_the_referent_allow_a_domain_for_links(catalogue, page):
    login(page, "referent@lycee.fr")
    page.goto("/outils/")
    page.get_by_role("link", name="Liens donnés aux élèves").click()
    expect(page.get_by_role("heading", name="Liens donnés aux élèves", level=1)).to_be_visible()
    expect(page.get_by_text("Aucun lien de séance ou de travail à venir n'enfreint les règles.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Nom de domaine").fill("lelivrescolaire.fr")
    page.get_by_label("Pourquoi ce domaine convient").fill("Manuels numériques de la région")
    page.get_by_role("button", name="Autoriser ce domaine").click()
    expect(page.get_by_text("Domaine « lelivrescolaire.fr » autorisé.")).to_be_visible()
    expect(page.get_by_text("— Manuels numériques de la région")).to_be_visible()
    expect(page.get_by_text("ajouté par").first).to_be_visible()
    assert_no_axe_violations(page)

    # A whole address pasted gives its domain, and the page says so.
    page.get_by_label("Nom de domaine").fill("https://www.mon-site-perso.fr/visio?id=3")
    page.get_by_label("Pourquoi ce domaine convient").fill("Le site du club théâtre")
    page.get_by_role("button", name="Autoriser ce domaine").click()
    expect(page.get_by_text("Domaine « mon-site-perso.fr » autorisé. Il est tiré de l'adresse collée")).to_be_visible()

    # « Retirer » asks first, on a page of its own (no script needed), and can be cancelled.
    page.get_by_role("link", name="Retirer mon-site-perso.fr").click()
    expect(page.get_by_role("heading", name="Retirer « mon-site-perso.fr » des domaines autorisés ?")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Annuler").click()
    expect(page.get_by_text("— Le site du club théâtre")).to_be_visible()
    page.get_by_role("link", name="Retirer mon-site-perso.fr").click()
    page.get_by_role("button", name="Retirer mon-site-perso.fr").click()
    expect(page.get_by_text("Domaine « mon-site-perso.fr » retiré")).to_be_visible()
    expect(page.get_by_text("— Le site du club théâtre")).to_have_count(0)

    # The académie's ruled-out tools keep every domain of theirs.
    page.get_by_label("Nom de domaine").fill("discordapp.com")
    page.get_by_label("Pourquoi ce domaine convient").fill("Invitations")
    page.get_by_role("button", name="Autoriser ce domaine").click()
    expect(page.get_by_text("« discordapp.com » est un domaine de Discord, outil à proscrire")).to_be_visible()


def test_it_finds_bigbluebutton_by_its_abbreviation_and_video_tools_first(catalogue, page):
    login(page, "prof@lycee.fr")
    page.goto("/outils/")
    page.get_by_label("Rechercher un outil").fill("BBB")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("link", name="BigBlueButton dans NetO'Centre")).to_be_visible()
    page.get_by_label("Rechercher un outil").fill("classe virtuelle")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/outils/recherche/?q=classe+virtuelle")
    names = page.locator(".list-group-item h2, .list-group-item h3").all_inner_texts()
    assert names.index("Classe virtuelle du CNED") < names.index("Moodle")
    assert_no_axe_violations(page)
