"""A guardian acknowledges a notice from the link of his mail, without logging in."""

import pytest
from playwright.sync_api import expect

from continuite.notifications.services import acknowledgement_token
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login

from .factories import NotificationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_lets_a_guardian_acknowledge_from_the_link(world, page):
    notice = NotificationFactory(
        etablissement=world.etablissement,
        user=world.users["parent"],
        guardian=world.guardian,
        subject="[Continuité] Absence de Léa",
        body_text="Léa était absente ce matin.",
        ack_required=True,
    )
    page.goto(f"/notifications/accuse/{acknowledgement_token(notice)}/")
    expect(page.get_by_role("heading", name="[Continuité] Absence de Léa")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="J'ai pris connaissance").click()
    expect(page.get_by_role("status").filter(has_text="Merci")).to_be_visible()
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    assert_no_axe_violations(page)


def test_it_shows_the_centre_with_its_unread_count(world, page):
    NotificationFactory(etablissement=world.etablissement, user=world.users["parent"], subject="Prêt d'ordinateur")
    login(page, "parent@lycee.fr")
    page.get_by_role("link", name="Notifications 1 non lues").click()
    expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Marquer comme lue : Prêt d'ordinateur").click()
    expect(page.get_by_role("cell", name="Lue", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
