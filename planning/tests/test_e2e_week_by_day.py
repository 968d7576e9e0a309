"""Browser journey: a parent reads his daughter's week on a 360 px phone day by day — no table to scroll
sideways — and on a computer as the grid of time bands × days."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from continuite.ecole.models import SchoolYear
from continuite.ecole.tests.factories import SubjectFactory
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login
from outils.catalogue import load_catalogue
from planning import services
from planning.models import Modality, PlanningSettings
from planning.tests.factories import SessionFactory, SlotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MONDAY = dt.date(2026, 11, 30)
WEEK = "/planning/ma-semaine/?semaine=2026-11-30"
VISIO = "https://classe.netocentre.fr/ses-mardi"


@pytest.fixture
def lea_week(world):
    """Léa's week: Monday history at 8:00 and SES at 10:00, Tuesday a virtual class at 14:00 with its link
    (the school shows links to guardians), nothing from Wednesday on."""
    # Transactional tests flush the database, and the migration's catalogue with it: the link's tool.
    load_catalogue()
    services.school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    PlanningSettings.objects.update_or_create(etablissement=world.etablissement, defaults={"links_for_guardians": True})
    history = SubjectFactory(etablissement=world.etablissement, label="Histoire-géographie")
    SlotFactory(
        division=world.division,
        subject=world.subject,
        teachers=[world.teacher],
        weekday=0,
        start=dt.time(10),
        end=dt.time(11),
    )
    SlotFactory(
        division=world.division, subject=history, teachers=[world.tutor], weekday=0, start=dt.time(8), end=dt.time(9)
    )
    SessionFactory(
        division=world.division,
        subject=world.subject,
        teachers=[world.teacher],
        date=MONDAY + dt.timedelta(days=1),
        start=dt.time(14),
        end=dt.time(15),
        modality=Modality.VISIO,
        link=VISIO,
    )
    return world


def starts(*lines: str) -> re.Pattern:
    """A block's text beginning with these lines (as the browser gives it, with its line breaks)."""
    return re.compile(r"^\s*" + r"\s+".join(re.escape(line) for line in lines))


def test_a_parent_reads_the_week_day_by_day_on_a_phone(lea_week, mobile_page):
    page = mobile_page
    login(page, "parent@lycee.fr")
    page.goto(WEEK)
    days = page.locator(".planning-days")
    expect(days).to_be_visible()
    expect(page.locator("table.planning-grid")).to_be_hidden()
    expect(days.get_by_role("heading", level=3)).to_have_text(
        ["Lundi 30 novembre", "Mardi 1er décembre", "Mercredi 2 décembre", "Jeudi 3 décembre", "Vendredi 4 décembre"]
    )
    # Each session in time order, with its time, subject, teacher and modality.
    expect(days.locator(".planning-occ")).to_have_text(
        [
            starts("08:00–09:00", "Histoire-géographie · 1G3", "Thomas GARNIER", "En présence"),
            starts("10:00–11:00", "Sciences économiques et sociales · 1G3", "Claire MARTIN", "En présence"),
            starts("14:00–15:00", "Sciences économiques et sociales · 1G3", "Claire MARTIN", "Classe virtuelle"),
        ]
    )
    tuesday = days.locator(".planning-occ-visio")
    expect(tuesday.get_by_role("link", name="Rejoindre / ouvrir : Sciences économiques et sociales")).to_have_attribute(
        "href", VISIO
    )
    expect(tuesday.get_by_text("La classe virtuelle n'est ni filmée ni enregistrée.")).to_be_visible()
    wednesday = days.get_by_role("heading", name="Mercredi 2 décembre")
    expect(wednesday.locator("xpath=following-sibling::*[1]")).to_have_text("Aucune séance")
    expect(days.get_by_text("Aucune séance")).to_have_count(3)
    # Nothing to scroll sideways.
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], width
    assert_no_axe_violations(page)


def test_a_parent_reads_the_week_as_a_grid_on_a_computer(lea_week, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, "parent@lycee.fr")
    page.goto(WEEK)
    grid = page.locator("table.planning-grid")
    expect(grid).to_be_visible()
    expect(page.locator(".planning-days")).to_be_hidden()
    expect(grid.get_by_role("columnheader")).to_have_text(
        [
            "Horaire",
            "Lundi 30 novembre",
            "Mardi 1er décembre",
            "Mercredi 2 décembre",
            "Jeudi 3 décembre",
            "Vendredi 4 décembre",
        ]
    )
    expect(grid.get_by_role("link", name="Rejoindre / ouvrir : Sciences économiques et sociales")).to_have_attribute(
        "href", VISIO
    )
    assert_no_axe_violations(page)
