"""Browser journeys: Playwright driving Debian's Chromium, and an axe-core check of each page.

Never a downloaded browser: ``/usr/bin/chromium`` (``apt-get install chromium``). The test command
(``python3 dev.py test``) installs it and axe-core (npm) when they are missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _require(path: Path | str, what: str) -> None:
    if not Path(path).exists():
        message = f"{what} introuvable ({path}) : lancez « python3 dev.py test », qui l'installe."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    _require(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # Reduced motion: Bootstrap then draws no colour transition, so axe never measures a button halfway
    # between two states (a contrast failure that depends on the machine's speed).
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def mobile_page(browser, live_server):
    """A phone-sized page (360 px wide): the portal must work there too."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        reduced_motion="reduce",
    )
    page = context.new_page()
    yield page
    context.close()


def login(page, email: str, password: str = "motdepasse-test") -> None:
    page.goto("/comptes/login/")
    page.get_by_label("Adresse de courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def axe_violations(page, rules: list[str] | None = None) -> list[str]:
    """Run axe-core on the page (WCAG 2.1 A/AA, or only the given rules): each violation with its first elements."""
    _require(AXE, "axe-core")
    # Evaluated through the DevTools protocol, not as a <script> tag: the portal's Content Security
    # Policy (no inline script) stays in force during the check, as it is for families.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;true")
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG_AA}
    result = page.evaluate(
        "async (only) => await axe.run(document, {runOnly: only, resultTypes: ['violations']})", only
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in result["violations"]
    ]


def assert_no_axe_violations(page) -> None:
    """Run axe-core on the page; fail with each WCAG 2.1 A/AA violation and its elements."""
    violations = axe_violations(page)
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


class _NavLink:
    def __init__(self, page, link):
        self.page, self.link = page, link

    def click(self):
        """Follow the link as the opened drop-down would (desktop and phone menus both hold it)."""
        self.page.goto(self.link.get_attribute("href"))


def nav_link(page, name: str) -> _NavLink:
    """A link of the portal's menu: it must be in the menu (its drop-down may be closed); following it
    opens its page."""
    link = page.locator("header").get_by_role("link", name=name, include_hidden=True).first
    assert link.count() == 1, f"« {name} » n'est pas dans le menu"
    return _NavLink(page, link)
