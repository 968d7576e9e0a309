"""In a browser: a student on paper copies named on her teacher's pages (homework form, register,
hand-in page, where she hands in on paper); the form tutor and the référent keep the class's digital
readiness. axe checks every page on the way; the list works on a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from continuite.tests.e2e.fixtures import assert_no_axe_violations, login, nav_link
from planning.tests.factories import HomeworkFactory, SessionFactory
from suivi.models import HandIn

from .factories import DecidedNeedFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def new_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", **options)
    context.set_default_timeout(15_000)
    return context.new_page()


def test_it_names_a_student_on_paper_copies_on_her_teachers_pages(world, page):
    today = timezone.localdate()
    DecidedNeedFactory(
        student=world.student,
        decision="papier",
        lacks_connection=True,
        declared_at=timezone.now() - dt.timedelta(days=10),
    )
    homework = HomeworkFactory(
        division=world.division,
        created_by=world.teacher,
        subject=world.subject,
        title="Questionnaire en ligne",
        given_on=today - dt.timedelta(days=3),
        due_date=today,
        hand_in_mode="en_ligne",
    )
    session = SessionFactory(
        division=world.division, subject=world.subject, date=today, modality="visio", teachers=[world.teacher]
    )
    lea = world.student.full_name
    login(page, "prof@lycee.fr")

    page.goto(f"/planning/travail/{homework.pk}/")
    box = page.locator(".equipment-students")
    expect(box).to_contain_text(f"{lea} : sans ordinateur, sans connexion internet — copies papier")
    assert_no_axe_violations(page)

    page.goto(f"/suivi/registres/{session.pk}/")
    assert lea in page.locator(".equipment-students").inner_text()
    expect(page.locator("legend", has_text=lea).get_by_text("sans équipement")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"/suivi/travaux/{homework.pk}/")
    expect(page.locator(".equipment-students")).to_contain_text("1 élève sans équipement à la maison")
    row = page.locator("fieldset", has_text=lea)
    expect(row.get_by_label("Non rendu (équipement)")).to_be_visible()
    row.get_by_label("Rendu sur papier").check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Enregistrer les rendus").click()
    expect(page.get_by_role("status").filter(has_text="Travaux rendus enregistrés")).to_be_visible()
    assert page.locator("fieldset", has_text=lea).get_by_label("Rendu sur papier").is_checked()
    assert HandIn.objects.get(homework=homework, student=world.student).status == "papier"


def test_it_lets_the_form_tutor_and_the_referent_keep_the_digital_readiness(world, page, browser, live_server):
    # The form tutor of 1G3 comes from his home page to his class, fills in Léa's record.
    login(page, "pp@lycee.fr")
    page.get_by_role("link", name="Voir la préparation numérique de ma classe").click()
    expect(page.get_by_role("heading", name="Préparation numérique des élèves — classe 1G3")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=world.student.full_name).click()
    assert_no_axe_violations(page)
    page.get_by_label("Codes d'accès à l'ENT remis et fonctionnels").select_option(label="Non")
    page.get_by_label("A besoin d'une formation aux compétences numériques").select_option(label="Oui")
    page.get_by_label("Remarques").fill("Codes à rééditer au secrétariat")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").filter(has_text="enregistrée")).to_be_visible()
    row = page.locator("tr", has_text=world.student.full_name)
    expect(row).to_contain_text("codes ENT, formation")
    expect(page.locator(".readiness-summary")).to_contain_text("1 sans codes ENT qui fonctionnent")
    assert_no_axe_violations(page)
    page.context.close()

    # The référent numérique reads every class from his navigation, then 1G3; on a phone too.
    referent = new_page(browser, live_server, viewport={"width": 390, "height": 800}, is_mobile=True)
    login(referent, "referent@lycee.fr")
    referent.goto("/equipement/numerique/")
    overview = referent.locator(".readiness-overview")
    expect(overview).to_contain_text("1G3")
    expect(overview).to_contain_text("1G4")
    assert_no_axe_violations(referent)
    assert referent.evaluate("document.documentElement.scrollWidth") <= 390
    referent.get_by_role("link", name="1G3", exact=True).click()
    expect(referent.locator("tr", has_text=world.student.full_name)).to_contain_text("Codes à rééditer au secrétariat")
    assert_no_axe_violations(referent)
    assert referent.evaluate("document.documentElement.scrollWidth") <= 390
    with referent.expect_download() as download:
        referent.get_by_role("link", name="Télécharger la classe 1G3 (CSV)").click()
    assert download.value.suggested_filename == "preparation-numerique-1G3.csv"
    referent.context.close()


def test_it_shows_the_referent_the_way_in_from_his_navigation(world, page):
    login(page, "referent@lycee.fr")
    nav_link(page, "Préparation numérique").click()
    expect(page.get_by_role("heading", name="Préparation numérique des élèves")).to_be_visible()
