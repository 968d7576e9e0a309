"""Browser journeys: the heat map's colours as the browser paints them, and the direction's table."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from continuite.ecole.models import SchoolYear
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login
from planning.services import school_calendar_build
from planning.tests.factories import HomeworkFactory, SlotFactory

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


def test_it_switches_a_division_deciding_for_its_shared_group_and_tells_the_student(world, page):
    school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    SlotFactory(division=world.division, subject=world.subject, teachers=[world.teacher], weekday=0)
    SlotFactory(group=world.spe_group, subject=world.subject, teachers=[world.teacher], weekday=1)
    login(page, "pp@lycee.fr")
    page.goto(f"/planning/classe/{world.division.pk}/basculer/")
    page.locator("#id_start").fill("2026-11-30")
    page.locator("#id_end").fill("2026-12-04")
    page.get_by_label("Rotation hybride A/B", exact=False).check()
    page.get_by_label("Hybride : les élèves de la 1G3 à distance, les autres en classe").check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("2 séances planifiées pour la 1G3 et ses groupes.")).to_be_visible()

    page.context.clear_cookies()
    login(page, "eleve@lycee.fr")
    page.goto("/planning/ma-semaine/" + WEEK)
    situation = page.locator(".planning-situation")
    expect(situation.get_by_text("Vous êtes dans le demi-groupe A")).to_be_visible()
    # the grid's (not the phone's list)
    expect(page.get_by_text("Vous : ", exact=False).filter(visible=True)).to_have_count(2)
    assert_no_axe_violations(page)
