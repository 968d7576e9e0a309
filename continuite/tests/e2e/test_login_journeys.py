"""Each role logs in and lands on its home page, which has no accessibility violation."""

import pytest
from playwright.sync_api import expect

from continuite.tests.e2e.fixtures import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOME_HEADINGS = {
    "teacher": "Mes classes et groupes",
    "tutor": "Ma classe : 1G3",
    "cpe": "Les divisions de l'établissement",
    "direction": "Les divisions de l'établissement",
    "gestionnaire": "Les divisions de l'établissement",
    "parent": "Mon enfant",
    "student": "Ma classe et mes groupes",
}


@pytest.mark.parametrize("role", sorted(HOME_HEADINGS))
def test_it_logs_each_role_in_to_its_home(world, page, role):
    login(page, world.user(role).email)
    expect(page.get_by_role("heading", name=HOME_HEADINGS[role], exact=True)).to_be_visible()
    assert_no_axe_violations(page)


def test_it_refuses_a_wrong_password_in_french(world, page):
    login(page, "prof@lycee.fr", "mauvais")
    assert page.url.endswith("/comptes/login/")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page)


def test_it_shows_the_login_page_without_violation(world, page):
    page.goto("/")
    assert "/comptes/login/" in page.url
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    assert_no_axe_violations(page)


def test_it_works_on_a_phone(world, mobile_page):
    login(mobile_page, "pp@lycee.fr")
    mobile_page.locator("details.portal-menu summary").click()
    mobile_page.locator("details.portal-menu").get_by_role("link", name="Divisions").click()
    expect(mobile_page.get_by_role("heading", name="Divisions")).to_be_visible()
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert_no_axe_violations(mobile_page)
