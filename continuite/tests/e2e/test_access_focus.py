"""The focus ring, measured as the browser draws it: at least 3:1 against the element and the page."""

import pytest

from continuite.tests.e2e.fixtures import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# For the focused element: the ring's colours (outline, box-shadow), the element's own background
# and the page's background behind it (first opaque background among the ancestors).
MEASURE = """(el) => {
  const rgb = (c) => { const m = c.match(/[\\d.]+/g); return m ? m.slice(0, 4).map(Number) : null; };
  const opaque = (c) => { const v = rgb(c); return v && (v.length < 4 || v[3] > 0.5) ? v : null; };
  const lum = (v) => { const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
                       return 0.2126 * f(v[0]) + 0.7152 * f(v[1]) + 0.0722 * f(v[2]); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const background = (node) => { for (; node; node = node.parentElement) {
    const v = opaque(getComputedStyle(node).backgroundColor); if (v) return v; } return [255, 255, 255]; };
  const style = getComputedStyle(el);
  const rings = [];
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) rings.push(rgb(style.outlineColor));
  const shadow = style.boxShadow.match(/rgba?\\([^)]*\\)/);
  if (shadow && style.boxShadow !== 'none') rings.push(rgb(shadow[0]));
  const own = background(el), page = background(el.parentElement);
  const best = Math.max(0, ...rings.filter(Boolean).map((c) => Math.min(ratio(c, own), ratio(c, page))));
  return {best: Math.round(best * 100) / 100, outline: style.outlineColor + ' ' + style.outlineWidth,
          shadow: style.boxShadow};
}"""


def _ring(page, locator):
    page.keyboard.press("Shift")  # a keyboard user: the browser then draws :focus-visible
    locator.focus()
    return locator.evaluate(MEASURE)


def test_it_draws_a_contrasted_ring_on_fields_buttons_and_links(world, page):
    page.goto("/comptes/login/")
    field = _ring(page, page.get_by_label("Adresse de courriel"))
    button = _ring(page, page.get_by_role("button", name="Se connecter"))
    link = _ring(page, page.get_by_role("link", name="Données personnelles"))
    for name, ring in {"champ": field, "bouton": button, "lien": link}.items():
        assert ring["best"] >= 3, (name, ring)


@pytest.mark.parametrize("width", [1280, 390])
def test_it_draws_a_contrasted_ring_on_menu_items(world, browser, live_server, width):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        login(page, world.user("parent").email)
        nav = page.get_by_role("navigation", name="Navigation principale")
        if width < 992:
            nav.locator("details.portal-menu summary").click()
            summary = _ring(page, nav.locator("details.portal-menu summary"))
            assert summary["best"] >= 3, summary
        item = _ring(page, nav.get_by_role("link", name="Absences"))
        assert item["best"] >= 3, item
        # On the bar the ring is the portal's yellow, not Bootstrap's pale shadow.
        assert item["outline"].startswith("rgb(255, 191, 71)"), item
    finally:
        context.close()


def test_it_draws_a_contrasted_ring_on_a_time_field_and_a_checkbox(world, page):
    login(page, world.user("direction").email)
    page.goto("/notifications/reglages/")
    controls = [page.locator("main input[type=time]").first]
    page2 = page.context.new_page()
    page2.goto("/notifications/preferences/")
    controls.append(page2.locator("main input[type=checkbox]").first)
    for control in controls:
        assert control.count() == 1
        ring = _ring(control.page, control)
        assert ring["best"] >= 3, ring
