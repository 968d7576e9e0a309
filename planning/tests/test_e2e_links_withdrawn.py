"""Browser journey: the référent takes a domain off the school's list; Léa, on her phone, no longer finds the
link her teacher gave on it, but a note saying why and that her teacher will give another; the teacher sees
the link flagged on his week and replaces it, and Léa has a link again."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from continuite.ecole.models import SchoolYear
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login
from outils import services as outils_services
from outils.catalogue import load_catalogue
from planning import services
from planning.models import Modality
from planning.tests.factories import SlotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MONDAY = dt.date(2026, 11, 30)
BOOK = "https://www.lelivrescolaire.fr/ch3"
NOTE = "Lien retiré : cet outil n'est plus autorisé dans l'établissement — votre professeur en donnera un autre."


def test_it_shows_the_student_on_her_phone_a_note_where_a_withdrawn_link_was(world, page, mobile_page):
    # Transactional tests flush the database, and the migration's catalogue with it: the new link is a
    # Moodle one, on a domain of the catalogue.
    load_catalogue()
    services.school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    outils_services.allowed_domain_add(
        etablissement=world.etablissement, domain="lelivrescolaire.fr", note="Manuels numériques", by=None
    )
    slot = SlotFactory(division=world.division, subject=world.subject, teachers=[world.teacher], weekday=0)
    services.session_plan(slot=slot, date=MONDAY, modality=Modality.ASYNC_DISTANCE, link=BOOK, by=world.teacher)
    week = "/planning/ma-semaine/?semaine=2026-11-30"

    login(mobile_page, "eleve@lycee.fr")
    mobile_page.goto(week)
    # the week is in the page twice, as a grid and day by day: the phone shows the days
    expect(mobile_page.locator(f'a[href="{BOOK}"]').filter(visible=True)).to_have_count(1)

    # The référent withdraws the domain on his page.
    login(page, "referent@lycee.fr")
    page.goto("/outils/liens/")
    page.get_by_role("link", name="Retirer lelivrescolaire.fr").click()
    # A page of its own asks first, and says which links follow the domain.
    expect(page.get_by_text("1 lien de séance ou de travail à venir est sur ce domaine")).to_be_visible()
    page.get_by_role("button", name="Retirer lelivrescolaire.fr").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Domaine « lelivrescolaire.fr » retiré")).to_be_visible()
    expect(page.get_by_text("1 lien à faire changer par son enseignant")).to_be_visible()

    # Léa reloads her week on her phone: no link to follow, the note instead.
    mobile_page.goto(week)
    expect(mobile_page.locator(f'a[href="{BOOK}"]')).to_have_count(0)
    note = mobile_page.get_by_text(NOTE).filter(visible=True)
    assert note.count() == 1
    note.scroll_into_view_if_needed()
    expect(note).to_be_visible()
    assert_no_axe_violations(mobile_page)

    # Her teacher sees the link flagged on his week, and changes it from there.
    page.context.clear_cookies()
    login(page, "prof@lycee.fr")
    page.goto("/planning/semaine/?semaine=2026-11-30")
    expect(
        page.get_by_text("Lien refusé").filter(visible=True)
    ).to_be_visible()  # the grid (the day list is for phones)
    expect(page.locator(f'a[href="{BOOK}"]')).to_have_count(0)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Changer le lien").click()
    expect(
        page.get_by_text("Ce lien n'est plus autorisé : les élèves et leurs familles ne le voient plus.")
    ).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Lien (classe virtuelle ou ressource)").fill("https://lycees.netocentre.fr/moodle/ch3")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/planning/semaine/**", timeout=30_000)  # the save checks the week's load again
    mobile_page.goto(week)
    expect(mobile_page.locator('a[href="https://lycees.netocentre.fr/moodle/ch3"]').filter(visible=True)).to_have_count(
        1
    )
    expect(mobile_page.get_by_text(NOTE)).to_have_count(0)
