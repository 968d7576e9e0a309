"""What a family's phone downloads: the demo served as ``python3 dev.py run`` serves it.

Static files collected compressed and versioned (``STATIC_COMPRESSED``, whitenoise's manifest
storage), served by whitenoise in the portal's own middleware: the bytes counted are those Chromium
reports as received (headers and compressed bodies, ``Network.loadingFinished``), for a first visit
with an empty cache, then for the next pages once the static files are cached.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from continuite.ecole.demo import DEMO_PASSWORD, seed_directory
from continuite.tests.e2e.fixtures import login
from outils import demo as outils_demo
from planning import demo as planning_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIRST_LOAD = 150 * 1024
NEXT_PAGE = 30 * 1024


@pytest.fixture
def demo_served_light(settings, tmp_path):
    """The demo lycée (directory, tools, timetable) behind a server that serves the static files
    exactly as the demo does: collected, compressed and versioned, by whitenoise (no test handler)."""
    from pytest_django.live_server_helper import LiveServer

    today = timezone.localdate()
    etablissement = seed_directory(today=today)
    outils_demo.seed(etablissement=etablissement, today=today)
    planning_demo.seed(etablissement=etablissement, today=today)

    settings.STATIC_COMPRESSED = True
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda application: application  # whitenoise serves, as in the demo
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


class Transfer:
    """The bytes a page receives over the network, as Chromium counts them (headers included)."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.cdp.on("Network.responseReceived", lambda e: self.urls.__setitem__(e["requestId"], e["response"]["url"]))
        self.cdp.on("Network.loadingFinished", lambda e: self.sizes.__setitem__(e["requestId"], e["encodedDataLength"]))

    def load(self, url: str) -> tuple[int, dict[str, int]]:
        self.urls.clear()
        self.sizes.clear()
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        detail = {self.urls.get(key, key).split("/", 3)[-1]: size for key, size in self.sizes.items()}
        return sum(self.sizes.values()), detail


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} Ko"


def test_a_family_phone_downloads_little_on_first_and_next_pages(demo_served_light, browser):
    def fresh_context(**kwargs):
        context = browser.new_context(
            base_url=demo_served_light, locale="fr-FR", viewport={"width": 390, "height": 800}, **kwargs
        )
        context.set_default_timeout(15_000)
        return context

    first = fresh_context()
    try:
        page = first.new_page()
        login_page, login_detail = Transfer(page).load("/comptes/login/")
        login(page, "parent@demo.continuite.fr", DEMO_PASSWORD)
        state = first.storage_state()
    finally:
        first.close()

    # The same parent on another visit, the cache empty: his week, then the next pages.
    second = fresh_context(storage_state=state)
    try:
        page = second.new_page()
        transfer = Transfer(page)
        week, week_detail = transfer.load("/planning/ma-semaine/")
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        next_week_url = urljoin(page.url, page.get_by_role("link", name="Semaine suivante").first.get_attribute("href"))
        next_week, next_week_detail = transfer.load(next_week_url)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        assert "semaine=" in page.url
        home, home_detail = transfer.load("/")
    finally:
        second.close()

    figures = {
        "connexion (premier chargement)": (login_page, login_detail),
        "semaine du parent (premier chargement)": (week, week_detail),
        "semaine suivante": (next_week, next_week_detail),
        "accueil du parent": (home, home_detail),
    }
    print()
    for name, (total, detail) in figures.items():
        received = ", ".join(f"/{url} {_kb(size)}" for url, size in detail.items() if size)
        print(f"{name} : {_kb(total)} — {received} (le reste en cache)")
    assert login_page <= FIRST_LOAD, login_detail
    assert week <= FIRST_LOAD, week_detail
    assert next_week <= NEXT_PAGE, next_week_detail
    assert home <= NEXT_PAGE, home_detail
