"""Every page of every demo role, on a phone: axe finds nothing, nothing scrolls sideways, the HTML is valid.

The demo lycée (``manage.py seed_demo``) is built once; a visitor without an account, then each role,
follows breadth first every same-origin link of its first page and of the pages it reaches (menus
included), GET only. The page set stays finite: no logout, no download, no POST-only address, one
address per view and identifiers (one case, one student stand for the others) and two per query
keys (the week before and the week after this one).

Each page is read at 390 px, then at 320 px (the same load, the window narrowed), and at each width:
axe-core finds no WCAG 2.1 A/AA violation and ``scrollWidth <= clientWidth``. The HTML the server
sent (not the DOM) is checked at the end by the Nu HTML Checker, in one run over every page. Every
failure is listed with its role, width and address. A page whose content (``<main>``) another role
was shown identically, such as the notice on personal data, is checked once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from continuite.ecole.demo import DEMO_PASSWORD
from continuite.tests.e2e.fixtures import _require, axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VNU = Path(__file__).resolve().parents[3] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ROLES = {
    "direction": "direction@demo.continuite.fr",
    "gestionnaire": "gestion@demo.continuite.fr",
    "CPE": "cpe@demo.continuite.fr",
    "référent numérique": "referent@demo.continuite.fr",
    "enseignant": "enseignant@demo.continuite.fr",
    "professeur principal": "pp@demo.continuite.fr",
    "parent": "parent@demo.continuite.fr",
    "élève": "eleve@demo.continuite.fr",
}
WIDTHS = (390, 320)
# Addresses of one view: the first of its identifiers (one case, one student stand for the others),
# two of its query values (the week before and the week after this one).
SAME_VIEW = 1
SAME_QUERY = 2
# A role reaching more pages than this has an endless family of addresses: the crawl says so.
MAX_PAGES = 100
# The form tokens, fresh on each response, left out when comparing two pages' content.
TOKENS = re.compile(rb'name="(?:csrfmiddlewaretoken|submission)" value="[^"]*"')
# Both widths are below Bootstrap's first breakpoint (576 px): the same rules of style apply, only
# the flow of the page differs. At 320 px axe re-runs the rules whose outcome depends on it: text
# over another element or clipped (contrast), a region that starts scrolling (focusable).
LAYOUT_RULES = ["color-contrast", "scrollable-region-focusable"]
NOT_FOLLOWED_PATHS = ("/comptes/logout/", "/admin/", "/static/")
DOWNLOADS = (".ics", ".csv", ".pdf", ".xlsx", ".ods", ".zip", ".xml", ".json", ".txt")
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
# The first element that sticks out of the window while its parent does not: where to look.
OVERFLOWING = """() => { const limit = document.documentElement.clientWidth + 0.5;
  const out = (el) => el.checkVisibility() && el.getBoundingClientRect().right > limit;
  const el = [...document.querySelectorAll('body *')].find((e) => out(e) && !out(e.parentElement));
  if (!el) return null;
  const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
  const right = Math.round(el.getBoundingClientRect().right);
  return [el.tagName.toLowerCase(), ...classes].join('.') + ' (' + right + ' px)'; }"""


@pytest.fixture
def demo_school():
    call_command("seed_demo", verbosity=0)


def _kind(url: str) -> tuple | None:
    """The view and the query keys of an address (None: not a page of the portal)."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.view_name, tuple(sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)}))


def _followable(url: str, origin: str) -> str | None:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    if parts.path.startswith(NOT_FOLLOWED_PATHS) or parts.path.lower().endswith(DOWNLOADS):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


class Crawl:
    def __init__(self, origin: str, html_dir: Path):
        self.origin, self.html_dir = origin, html_dir
        self.failures: list[str] = []
        self.saved: dict[str, tuple[str, str]] = {}  # file name -> (role, address)
        self.checked: set[tuple] = set()  # (view, content of <main>) already checked for a role
        self.figures: dict[str, tuple[int, int, float]] = {}
        self.loads: list[tuple[float, str, str]] = []  # (seconds, role, address): the slowest are printed

    def fail(self, role: str, width, url: str, message: str) -> None:
        self.failures.append(f"[{role}] {width} px {url.removeprefix(self.origin)} : {message}")

    def visit_role(self, role: str, page, start: str) -> None:
        """Breadth first from ``start``: every page the role reaches by following links."""
        began = time.monotonic()
        queue, seen, done, kinds = deque([self.origin + start]), {self.origin + start}, set(), {}
        pages = checked = 0
        while queue:
            url = queue.popleft()
            if pages >= MAX_PAGES:
                self.fail(role, "-", url, f"plus de {MAX_PAGES} pages : une famille d'adresses sans fin ?")
                break
            links, fresh = self.visit_page(role, page, url, done)
            if links is None:
                continue
            pages, checked = pages + 1, checked + fresh
            for link in links:
                link = _followable(link, self.origin)
                if link is None or link in seen:
                    continue
                seen.add(link)
                kind = _kind(link)
                if kind is None:
                    self.fail(role, "-", url, f"lien vers une adresse inconnue du portail : {link}")
                    continue
                kinds[kind] = kinds.get(kind, 0) + 1
                if kinds[kind] <= (SAME_QUERY if kind[1] else SAME_VIEW):
                    queue.append(link)
        self.figures[role] = (pages, checked, time.monotonic() - began)

    def visit_page(self, role: str, page, url: str, done: set[str]) -> tuple[list[str] | None, bool]:
        """Load and check a page; its links (None: not a page), and whether it was checked here."""
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        began = time.monotonic()
        try:
            response = page.goto(url)
        except Exception as exc:  # a download starts: not a page
            if "Download is starting" in str(exc):
                return None, False
            raise
        if response.status == 405:  # a POST-only address
            return None, False
        if not response.headers.get("content-type", "").startswith("text/html"):
            return None, False
        if response.status != 200:
            self.fail(role, "-", url, f"HTTP {response.status}")
            return None, False
        if page.url in done:  # reached again through a redirect
            return None, False
        done.add(page.url)
        self.loads.append((time.monotonic() - began, role, page.url.removeprefix(self.origin)))
        links = page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)")
        html = response.body()
        # A page whose content another role was shown identically (the notice on personal data, a
        # tool's card) is checked once: this role's header and menus are checked on its other pages.
        content = (_kind(page.url)[0], TOKENS.sub(b"", html[html.find(b"<main") : html.find(b"</main>")]))
        if content in self.checked:
            return links, False
        self.checked.add(content)
        name = f"{len(self.saved):03d}.html"
        (self.html_dir / name).write_bytes(html)
        self.saved[name] = (role, page.url)
        for width in WIDTHS:
            if width != WIDTHS[0]:
                page.set_viewport_size({"width": width, "height": 800})
            for violation in axe_violations(page, rules=None if width == WIDTHS[0] else LAYOUT_RULES):
                self.fail(role, width, page.url, f"axe {violation}")
            if not page.evaluate(NO_SIDEWAYS_SCROLL):
                self.fail(role, width, page.url, f"défilement horizontal (dépasse : {page.evaluate(OVERFLOWING)})")
        return links, True

    def validate_html(self) -> None:
        """The Nu HTML Checker, once over every page kept."""
        if not self.saved:
            return
        files = sorted(str(self.html_dir / name) for name in self.saved)
        result = subprocess.run(
            [shutil.which("java"), "-jar", str(VNU), "--errors-only", "--format", "json", *files],
            capture_output=True,
            text=True,
            timeout=300,
        )
        messages = json.loads(result.stderr or "{}").get("messages", [])
        for message in messages:
            role, url = self.saved.get(Path(urlsplit(message.get("url", "")).path).name, ("?", message.get("url")))
            where = f"ligne {message.get('lastLine', '?')}"
            extract = (message.get("extract") or "").strip().replace("\n", " ")[:120]
            self.fail(role, "-", url, f"vnu {where} : {message.get('message')} « {extract} »")
        if result.returncode != 0 and not messages:
            self.fail("-", "-", "-", f"vnu n'a pas tourné : {result.stderr[-500:]}")


def _require_java() -> None:
    if shutil.which("java") is None:
        message = "Java introuvable : le Nu HTML Checker en a besoin (apt-get install default-jre-headless)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.skipif(
    os.environ.get("CONTINUITE_CRAWL") == "non",
    reason="CI crawls the pages once, on its PostgreSQL pass: the embedded pass serves the same HTML",
)
def test_every_page_of_every_role_on_a_phone(demo_school, browser, live_server, tmp_path):
    _require(VNU, "vnu-jar (npm)")
    _require_java()
    began = time.monotonic()
    crawl = Crawl(live_server.url, tmp_path)
    for role in ["anonyme", *ROLES]:
        context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 390, "height": 800}
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            if role == "anonyme":
                crawl.visit_role(role, page, "/comptes/login/")
            else:
                login(page, ROLES[role], DEMO_PASSWORD)
                crawl.visit_role(role, page, "/")
        finally:
            context.close()
    crawled = time.monotonic()
    crawl.validate_html()
    total = time.monotonic()
    print(
        "\nParcours : "
        + ", ".join(
            f"{role} {n} pages dont {checked} vérifiées ({seconds:.0f} s)"
            for role, (n, checked, seconds) in crawl.figures.items()
        )
        + f"; {len(crawl.saved)} pages, navigateur {crawled - began:.0f} s, vnu {total - crawled:.0f} s"
        + "\nLes plus lentes : "
        + ", ".join(f"{url} ({role}) {seconds:.2f} s" for seconds, role, url in sorted(crawl.loads, reverse=True)[:5])
    )
    assert not crawl.failures, f"{len(crawl.failures)} problème(s) :\n" + "\n".join(crawl.failures)
