"""A page with several scrolling tables names each region after its table (axe: landmark-unique)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
REGION = re.compile(r'role="region"\s+aria-label="([^"]+)"')


def test_no_template_gives_two_scrolling_regions_the_same_name():
    repeated = {}
    for template in TEMPLATES.rglob("*.html"):
        names = REGION.findall(template.read_text())
        doubles = {name for name in names if names.count(name) > 1}
        if doubles:
            repeated[str(template.relative_to(TEMPLATES))] = sorted(doubles)
    assert not repeated, repeated
