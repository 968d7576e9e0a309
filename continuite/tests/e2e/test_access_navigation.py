"""Navigation for everyone: without JavaScript on a phone, and on one line on a laptop."""

import re

import pytest
from playwright.sync_api import expect

from continuite.tests.e2e.fixtures import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_without_js(browser, live_server):
    """An old phone, or a connection that lost the script: 390 px wide, JavaScript off."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 390, "height": 800}, java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def _open_menu(page):
    menu = page.locator("details.portal-menu")
    menu.locator("summary").click()
    assert menu.get_attribute("open") is not None
    return menu


def test_it_lets_a_parent_without_javascript_reach_his_pages_on_a_phone(world, phone_without_js):
    page = phone_without_js
    login(page, world.user("parent").email)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    # The home page itself links to the week, without opening any menu.
    home_links = page.get_by_role("navigation", name="Vos pages")
    home_links.get_by_role("link", name="La semaine de mes enfants").click()
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    assert "/planning/" in page.url

    # The menu is a <details>: it opens without JavaScript, and holds every page of the role.
    page.goto("/")
    _open_menu(page).get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()

    page.goto("/")
    _open_menu(page).get_by_role("link", name="Absences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Absences"))

    page.goto("/")
    _open_menu(page).get_by_role("link", name="Se déconnecter").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    page.goto("/")
    assert "/comptes/login/" in page.url


def test_it_closes_the_menu_with_escape_and_gives_focus_back(world, mobile_page):
    login(mobile_page, world.user("parent").email)
    menu = _open_menu(mobile_page)
    menu.get_by_role("link", name="Absences").focus()
    mobile_page.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    assert mobile_page.evaluate("document.activeElement.closest('summary') !== null")
    assert_no_axe_violations(mobile_page)


@pytest.mark.parametrize("width", [992, 1100, 1200])
@pytest.mark.parametrize("role", ["direction", "cpe"])
def test_it_keeps_the_bar_of_the_busiest_roles_inside_the_window(world, browser, live_server, role, width):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        login(page, world.user(role).email)
        sizes = page.evaluate(
            """() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
                       bar: document.querySelector('.portal-header .navbar').getBoundingClientRect().height})"""
        )
        assert sizes["scroll"] <= sizes["client"]
        if width >= 1100:
            # One line of links (about 56 px): the groups, not a second row.
            assert sizes["bar"] < 70, sizes
        # A group opens without a script, and Escape closes it when the script runs.
        group = page.locator("details.portal-group").first
        group.locator("summary").click()
        expect(group.locator("a").first).to_be_visible()
        page.keyboard.press("Escape")
        assert group.get_attribute("open") is None
    finally:
        context.close()
