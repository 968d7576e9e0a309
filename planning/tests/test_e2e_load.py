"""Browser journeys: the heat map's colours as the browser paints them, and the direction's table."""

import datetime as dt

import pytest

from continuite.ecole.models import SchoolYear
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login
from planning.services import school_calendar_build
from planning.tests.factories import HomeworkFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WEEK = "?semaine=2026-11-30"
RED = "rgb(248, 215, 218)"  # #f8d7da
GREEN = "rgb(209, 231, 221)"  # #d1e7dd


def background(locator) -> str:
    return locator.evaluate("cell => getComputedStyle(cell).backgroundColor")


def test_it_paints_the_cell_over_its_threshold_red_in_the_heat_map(world, page):
    school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    HomeworkFactory(division=world.division, due_date=dt.date(2026, 12, 1), estimated_minutes=150)
    HomeworkFactory(division=world.division, due_date=dt.date(2026, 12, 3), estimated_minutes=60)
    login(page, "pp@lycee.fr")
    page.goto(f"/planning/classe/{world.division.pk}/charge/" + WEEK)
    over = page.get_by_role("cell", name="150 min au-dessus du seuil (travail à faire : plus de 120 min par jour)")
    assert background(over) == RED
    assert background(page.get_by_role("cell", name="60 min", exact=True)) == GREEN
    assert page.locator("td.planning-heat-over").count() >= 1
    assert page.locator("td.planning-heat-none").first.evaluate("c => getComputedStyle(c).fontWeight") == "400"
    assert_no_axe_violations(page)

    page.context.clear_cookies()
    login(page, "direction@lycee.fr")
    page.goto("/planning/etablissement/charge/" + WEEK)
    rule = page.get_by_role("cell", name="travail à faire : plus de 120 min par jour (mardi 1er décembre : 150 min)")
    assert background(rule) == RED
    assert_no_axe_violations(page)
