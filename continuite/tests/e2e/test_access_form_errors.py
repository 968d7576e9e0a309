"""A form sent back with errors says so: a summary with role="alert" takes the focus, the title says "Erreur"."""

import pytest
from playwright.sync_api import expect

from continuite.tests.e2e.fixtures import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUSED = "document.activeElement.matches('[role=alert][data-form-errors]')"


@pytest.mark.parametrize("javascript", [True, False])
def test_it_announces_the_errors_of_a_crispy_form(world, browser, live_server, javascript):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=javascript)
    page = context.new_page()
    try:
        login(page, world.user("direction").email)
        page.goto("/notifications/reglages/")
        page.get_by_label("Début des heures calmes").fill("")
        # The browser's own check would stop an empty required field: the server's errors are tested.
        page.locator("main form").evaluate("(form) => { form.noValidate = true; }")
        page.locator("main form").get_by_role("button").last.click()
        page.wait_for_load_state()
        summary = page.get_by_role("alert").filter(has_text="Le formulaire contient une erreur")
        expect(summary).to_be_visible()
        assert summary.get_by_role("link", name="Début des heures calmes").get_attribute("href") == "#id_quiet_start"
        assert page.title().startswith("Erreur : ")
        assert page.evaluate(FOCUSED)
        if javascript:
            assert_no_axe_violations(page)
    finally:
        context.close()


def test_it_announces_a_wrong_password(world, page):
    login(page, world.user("parent").email, "mauvais")
    assert page.title().startswith("Erreur : ")
    assert page.evaluate(FOCUSED)
    expect(page.get_by_role("alert")).to_be_visible()


def test_it_tells_a_teacher_whose_session_expired_and_keeps_his_form(world, page):
    login(page, world.user("teacher").email)
    page.goto("/planning/travail/nouveau/")
    page.get_by_label("Titre").fill("Fiche de synthèse")
    page.locator("#jauge [data-state]").first.wait_for()
    page.context.clear_cookies()  # the session ends while he types
    page.get_by_label("Durée estimée (minutes)").fill("45")
    alert = page.locator("#jauge").get_by_role("alert")
    alert.wait_for()
    expect(alert).to_contain_text("Votre session a expiré")
    link = alert.get_by_role("link", name="Vous reconnecter (nouvel onglet)")
    assert link.get_attribute("href") == "/comptes/login/?next=%2Fplanning%2Ftravail%2Fnouveau%2F"
    # No login page inside the gauge, and what he typed is still there.
    expect(page.locator("main")).to_have_count(1)
    assert page.get_by_label("Titre").input_value() == "Fiche de synthèse"
    assert_no_axe_violations(page)
    # He logs in again in another tab and comes back: the form takes the renewed form token, the
    # gauge resumes, and saving works with what he typed (no "page expirée").
    before = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    other = page.context.new_page()
    login(other, world.user("teacher").email)
    other.close()
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    page.wait_for_function(
        "(before) => document.querySelector('input[name=csrfmiddlewaretoken]').value !== before", arg=before
    )
    page.locator("#jauge [data-state]").first.wait_for()
    page.locator("main form#planning-form").get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_load_state()
    assert "Cette page a expiré" not in page.content()
    assert page.title() != "Page expirée — Continuité"
