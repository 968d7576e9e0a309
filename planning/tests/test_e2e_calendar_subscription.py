"""Browser journey: a CPE finds « Mon agenda (iCalendar) » in his account menu, opens the 1G3's calendar
from the class page, copies its address with the button (the script's), and without JavaScript still
reads it in a plain field."""

import pytest
from playwright.sync_api import expect

from continuite.tests.e2e.fixtures import assert_no_axe_violations, login, nav_link
from planning import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_cpe_subscribes_to_a_class_calendar(world, page, live_server):
    login(page, "cpe@lycee.fr")
    nav_link(page, "Mon agenda (iCalendar)").click()
    expect(page.get_by_role("heading", name="Mon agenda (iCalendar)")).to_be_visible()
    page.goto(f"/ecole/divisions/{world.division.pk}/")
    page.get_by_role("link", name="S'abonner au calendrier de la 1G3").click()
    token = services.calendar_feed_get(user=world.cpe.user).token
    field = page.get_by_label("Lien du calendrier de la 1G3")
    assert field.input_value().endswith(f"/planning/ical/{token}/classe/{world.division.pk}.ics")
    subscribe = page.get_by_role("link", name="Ouvrir dans mon application d'agenda : Lien du calendrier de la 1G3")
    assert subscribe.get_attribute("href").startswith("webcal://")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.locator('button[data-copy="ical-classe"]').click()
    page.wait_for_function("document.querySelector('[data-copied-for=\"ical-classe\"]').textContent !== ''")
    expect(page.locator('[data-copied-for="ical-classe"]')).to_have_text("Lien copié.")
    assert page.evaluate("navigator.clipboard.readText()") == field.input_value()
    page.mouse.move(0, 0)  # the pointer off the button: its resting colours are the ones measured
    assert_no_axe_violations(page)


def test_the_agenda_page_works_without_javascript(world, browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, "cpe@lycee.fr")
        page.goto(f"/planning/agenda/?classe={world.division.pk}")
        field = page.get_by_label("Lien du calendrier de la 1G3")
        assert field.is_visible() and field.input_value().startswith(("http://", "https://"))
        assert page.locator('button[data-copy="ical-classe"]').is_hidden()
    finally:
        context.close()
