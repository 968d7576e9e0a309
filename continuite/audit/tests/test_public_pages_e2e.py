import pytest
from django.urls import reverse

from continuite.tests.e2e.fixtures import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _collect_csp_violations(page) -> list:
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    return violations


def test_it_shows_the_public_pages_to_a_visitor_without_axe_violations(page, world):
    violations = _collect_csp_violations(page)

    page.goto(reverse("account_login"))
    page.get_by_role("link", name="Données personnelles").click()
    page.get_by_role("heading", name="Données personnelles", level=1).wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Accessibilité : non conforme").click()
    page.get_by_role("heading", name="Déclaration d'accessibilité").wait_for()
    assert_no_axe_violations(page)

    assert violations == []


def test_it_lets_the_direction_browse_the_access_log_and_a_students_rights(page, world):
    violations = _collect_csp_violations(page)
    login(page, "direction@lycee.fr")

    page.goto(reverse("audit:entry_list"))
    page.get_by_label("Élève").fill("DURAND")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("heading", name="Journal des accès aux données des élèves").wait_for()
    assert_no_axe_violations(page)
    page.goto(reverse("audit:subject_search") + "?q=DURAND")
    page.get_by_role("link", name="DURAND Léa").click()
    page.get_by_role("heading", name="Rectifier").wait_for()
    assert_no_axe_violations(page)
    page.locator("#id_last_name").fill("DURAND-MARTIN")
    page.get_by_role("button", name="Enregistrer la rectification").click()
    page.get_by_text("Rectification enregistrée").wait_for()
    # the privacy page names the user's school
    page.goto(reverse("audit:privacy_notice"))
    assert "Lycée Jean Zay" in page.content()

    assert violations == []
