"""A parent reads a notice on a small phone: the table stays within the screen."""

import pytest
from playwright.sync_api import expect

from continuite.tests.e2e.fixtures import login

from .factories import NotificationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AGREEMENT = "https://continuite.example.fr/equipement/convention/" + "a" * 60 + "/"


@pytest.mark.parametrize("javascript", [True, False])
def test_an_opened_notice_wraps_within_a_320_px_screen(world, browser, live_server, javascript):
    NotificationFactory(
        etablissement=world.etablissement,
        user=world.users["parent"],
        subject="Prêt de matériel pour Léa : convention à accepter",
        body_text="Bonjour,\n\nAvant la remise du matériel, un responsable légal doit accepter la convention de prêt"
        f" en suivant ce lien :\n{AGREEMENT}\nCe lien est valable 14 jours.",
    )
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 320, "height": 640},
        is_mobile=True,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    try:
        login(page, "parent@lycee.fr")
        page.goto("/notifications/")
        page.locator("table summary").click()
        link = page.get_by_role("link", name=AGREEMENT)
        expect(link).to_be_visible()
        assert link.get_attribute("href") == AGREEMENT
        widths = page.evaluate(
            """() => {
              const region = document.querySelector('.table-responsive');
              const button = [...document.querySelectorAll('table button')]
                .find(b => b.textContent.includes('Marquer comme lue'));
              const box = button.getBoundingClientRect();
              return {page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
                      region: [region.scrollWidth, region.clientWidth], button: [box.left, box.right]};
            }"""
        )
        assert widths["page"][0] <= widths["page"][1], widths
        assert widths["region"][0] <= widths["region"][1], widths
        assert 0 <= widths["button"][0] and widths["button"][1] <= 320, widths
        # Read whole: the day, then the hour, no word of a button cut (« Marque / r / com / me / lue »).
        lines = page.evaluate(
            """() => {
              const lines = (el) => {
                const style = getComputedStyle(el);
                const content = el.getBoundingClientRect().height
                  - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
                  - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
                return Math.round(content / parseFloat(style.lineHeight));
              };
              const button = [...document.querySelectorAll('table button')]
                .find(b => b.textContent.includes('Marquer comme lue'));
              return {date: lines(document.querySelector('table time')), button: lines(button)};
            }"""
        )
        assert lines["date"] <= 2 and lines["button"] <= 3, lines
    finally:
        context.close()
