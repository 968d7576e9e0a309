"""The loan journey in a browser: a teacher declares, the direction lends, the guardian accepts
from the mail's link, the device goes out and comes back. axe checks every page on the way."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from continuite.notifications.models import Notification
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login

from .factories import DeviceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(15_000)
    return context.new_page()


def test_it_lends_a_device_from_the_need_to_its_return(world, page, browser, live_server):
    DeviceFactory(etablissement=world.etablissement, asset_tag="PC-042", model="Lenovo ThinkPad L13")

    # A teacher declares that Léa lacks a computer.
    login(page, "prof@lycee.fr")
    page.get_by_role("link", name="Besoins d'équipement").first.click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Signaler un besoin").click()
    assert_no_axe_violations(page)
    page.get_by_label("Élève concerné").select_option(label="DURAND Léa (1G3)")
    page.get_by_label("Ordinateur").check()
    page.get_by_label("Contexte").select_option(label="Pas de connexion à la maison")
    page.get_by_role("button", name="Signaler le besoin").click()
    expect(page.get_by_role("heading", name="Besoin d'équipement de Léa DURAND")).to_be_visible()
    assert_no_axe_violations(page)
    page.context.close()

    # The direction lends PC-042.
    direction = new_page(browser, live_server)
    login(direction, "direction@lycee.fr")
    direction.get_by_role("link", name="Équipement", exact=True).click()
    assert_no_axe_violations(direction)
    direction.get_by_role("link", name="Léa DURAND").click()
    direction.get_by_label("Prêt par l'établissement").check()
    direction.get_by_label("Matériel prêté").select_option(label="PC-042 — Lenovo ThinkPad L13")
    direction.get_by_role("button", name="Enregistrer la décision").click()
    expect(direction.get_by_role("status").filter(has_text="décision est enregistrée")).to_be_visible()
    assert_no_axe_violations(direction)
    need_page = direction.url

    # A first mail went astray: the direction sends the guardians a new link from the loan page.
    direction.get_by_role("link", name="PC-042 — Lenovo ThinkPad L13").click()
    assert_no_axe_violations(direction)
    direction.get_by_role("button", name="Renvoyer le lien aux responsables légaux").click()
    expect(direction.get_by_role("status").filter(has_text="envoyé aux 2 responsables légaux")).to_be_visible()
    assert_no_axe_violations(direction)
    direction.goto(need_page)

    # The guardian follows the link of his latest mail, without logging in.
    mails = Notification.objects.filter(kind="equipement.agreement", guardian=world.guardian).order_by("pk")
    assert mails.count() == 2
    mail = mails.last()
    url = re.search(r"https?://\S+/equipement/convention/\S+/", mail.body_text).group(0)
    guardian = new_page(browser, live_server)
    guardian.goto(urlsplit(url).path)
    expect(guardian.get_by_role("heading", name="Convention de prêt de matériel")).to_be_visible()
    assert_no_axe_violations(guardian)
    guardian.get_by_role("button", name="J'accepte").click()
    expect(guardian.get_by_text("Convention acceptée par").first).to_be_visible()
    assert_no_axe_violations(guardian)

    # The device is prepared, handed over, then returned.
    direction.get_by_role("link", name="PC-042 — Lenovo ThinkPad L13").click()
    assert_no_axe_violations(direction)
    direction.get_by_role("button", name="Matériel préparé").click()
    direction.get_by_role("button", name="Remettre le matériel").click()
    expect(direction.locator("#loan-status")).to_have_text("Remis")
    assert_no_axe_violations(direction)
    direction.get_by_label("Issue").select_option(label="Rendu")
    direction.get_by_label("État du matériel au retour").select_option(label="Bon état")
    direction.get_by_role("button", name="Enregistrer le retour").click()
    expect(direction.locator("#loan-status")).to_have_text("Rendu")
    assert_no_axe_violations(direction)
    direction.get_by_role("link", name="Équipement", exact=True).click()
    direction.get_by_role("link", name="Inventaire").click()
    expect(direction.get_by_role("cell", name="disponible")).to_be_visible()
    assert_no_axe_violations(direction)


def test_it_keeps_the_inventory_and_settings_pages_accessible(world, page):
    import datetime as dt

    from .factories import LoanFactory, NeedFactory

    device = DeviceFactory(etablissement=world.etablissement, asset_tag="TAB-007")
    NeedFactory(student=world.student2)
    LoanFactory(need__student=world.student, status="remis", expected_return=dt.date.today() - dt.timedelta(days=3))
    login(page, "gestion@lycee.fr")
    for path in [
        "/equipement/",
        "/equipement/besoins/",
        "/equipement/materiels/",
        "/equipement/materiels/nouveau/",
        f"/equipement/materiels/{device.pk}/",
        "/equipement/materiels/import/",
        "/equipement/reglages/",
    ]:
        page.goto(path)
        expect(page.locator("h1"), path).to_be_visible()
        if path == "/equipement/":
            expect(page.get_by_role("heading", name="Prêts en retard")).to_be_visible()
        assert_no_axe_violations(page)
    page.goto("/equipement/materiels/nouveau/")
    page.get_by_label("Type").select_option(label="Tablette")
    page.get_by_label("Modèle").fill("iPad 9")
    page.get_by_label("Numéro d'inventaire").fill("TAB-007")
    page.get_by_role("button", name="Enregistrer").click()
    # The asset tag is taken: a French error, and the form again.
    expect(page.get_by_text("Ce numéro d'inventaire existe déjà dans l'établissement.")).to_be_visible()
    assert_no_axe_violations(page)


def test_it_shows_a_parent_the_agreement_to_accept_on_his_home(world, page):
    from .factories import LoanFactory

    loan = LoanFactory(need__student=world.student)
    login(page, "parent@lycee.fr")
    expect(page.get_by_role("heading", name="Conventions de prêt à accepter")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="prêté à Léa").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Lire et accepter la convention de prêt").click()
    page.get_by_role("button", name="J'accepte").click()
    loan.refresh_from_db()
    assert loan.agreement_accepted_by == world.guardian


def test_it_lets_a_student_declare_a_need_on_a_phone(world, mobile_page):
    login(mobile_page, "eleve@lycee.fr")
    mobile_page.goto("/equipement/besoins/nouveau/")
    assert_no_axe_violations(mobile_page)
    mobile_page.get_by_label("Élève concerné").select_option(label="DURAND Léa (1G3)")
    mobile_page.get_by_label("Connexion internet / clé 4G").check()
    mobile_page.get_by_role("button", name="Signaler le besoin").click()
    expect(mobile_page.get_by_role("heading", name="Besoin d'équipement de Léa DURAND")).to_be_visible()
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_no_axe_violations(mobile_page)
