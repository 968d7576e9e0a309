"""Browser journeys in the demo lycée: each role's home page, and the timetables of 1G3, a group and Léa.

The demo is built relative to the day the tests run (as ``manage.py seed_demo`` is), so these
journeys read what a user of the demo reads that day; the exact wording of weekdays, weekends and
holidays is pinned with a frozen clock in test_home.py.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from continuite.ecole.demo import DEMO_PASSWORD, seed_directory
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login
from outils import demo as outils_demo
from planning import demo as planning_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RED = "rgb(248, 215, 218)"  # the heat map's "over" (#f8d7da)


@pytest.fixture
def demo():
    today = timezone.localdate()
    etablissement = seed_directory(today=today)
    outils_demo.seed(etablissement=etablissement, today=today)
    planning_demo.seed(etablissement=etablissement, today=today)
    return etablissement


def sign_in(page, who: str) -> None:
    login(page, f"{who}@demo.continuite.fr", DEMO_PASSWORD)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_it_shows_lea_her_coming_sessions_and_the_work_due_with_its_subject(demo, page):
    sign_in(page, "eleve")
    section = page.get_by_role("region", name="Mes cours et mon travail")
    # today (or the next school day), the school day after, and the work to do
    expect(section.get_by_role("heading", level=3)).to_have_count(3)
    qcm = section.get_by_role("listitem").filter(has_text="QCM chapitre 3")
    assert re.search(
        r"Pour le \w+ \d+(er)? \w+ · Sciences économiques et sociales · QCM chapitre 3 · Évaluation", qcm.inner_text()
    )
    expect(qcm).to_contain_text("environ 30 min")
    expect(section.get_by_text("Rien à rendre")).to_have_count(0)
    assert section.locator(".badge").filter(has_text=re.compile("Hybride|Classe virtuelle|En présence")).count() >= 1
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 800})
    assert no_horizontal_scroll(page)
    section.get_by_role("link", name="Ma semaine").click()
    expect(page.get_by_role("heading", name="Ma semaine", level=1)).to_be_visible()


def test_it_shows_the_parent_lea_next_sessions_work_and_links(demo, page):
    sign_in(page, "parent")
    section = page.get_by_role("region", name="Léa (1G3) : cours et travail")
    expect(section.get_by_role("listitem").filter(has_text="QCM chapitre 3")).to_have_count(1)
    expect(section.get_by_role("link", name="Les absences de Léa")).to_be_visible()
    expect(section.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    section.get_by_role("link", name="La semaine de Léa").click()
    expect(page.get_by_role("heading", name="La semaine de Léa DURAND")).to_be_visible()
    # the week links keep the child being read
    page.get_by_role("link", name="Semaine suivante").click()
    expect(page.get_by_role("heading", name="La semaine de Léa DURAND")).to_be_visible()
    assert "eleve=" in page.url


def test_it_shows_the_teacher_his_day_with_a_register_to_take_and_the_work_due(demo, page):
    sign_in(page, "enseignant")
    section = page.get_by_role("region", name="Mes cours")
    expect(section.get_by_text("Classe virtuelle").first).to_be_visible()
    assert (
        section.get_by_role("listitem").filter(has_text="QCM chapitre 3").filter(has_text="donné par vous").count() == 1
    )
    assert_no_axe_violations(page)
    section.get_by_role("link", name=re.compile("^Faire l'appel")).first.click()
    expect(page).to_have_url(re.compile("/suivi/registres/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_it_lets_the_form_tutor_read_his_class_load_then_1g3_timetable(demo, page):
    sign_in(page, "pp")
    section = page.get_by_role("region", name="Charge de ma classe 1G3")
    expect(section.get_by_text(re.compile(r"Semaine \d+ \([AB]\) du"))).to_be_visible()
    over = section.locator("td.planning-heat-over")
    if over.count():  # the demo overloads the 1G3 on next week's Tuesday
        assert over.first.evaluate("c => getComputedStyle(c).backgroundColor") == RED
        expect(over.first).to_contain_text("au-dessus du seuil")
    assert_no_axe_violations(page)

    section.get_by_role("link", name="Emploi du temps de la 1G3").click()
    expect(page.get_by_role("heading", name="Emploi du temps de la 1G3")).to_be_visible()
    expect(page.get_by_role("table", name="Séances de la 1G3 et de ses groupes")).to_be_visible()
    expect(page.get_by_text("Hybride (demi-groupes)").first).to_be_visible()
    assert_no_axe_violations(page)
    label = page.get_by_role("navigation", name="Changer de semaine").locator("span").inner_text()
    page.get_by_role("link", name="Semaine suivante").click()
    expect(page.get_by_role("navigation", name="Changer de semaine").locator("span")).not_to_have_text(label)

    page.get_by_role("link", name="Spécialité Sciences économiques et sociales (11)").click()
    expect(
        page.get_by_role("heading", name=re.compile("Emploi du temps : Spécialité Sciences économiques"))
    ).to_be_visible()
    assert_no_axe_violations(page)

    # From his class list on the home page to a student's week.
    page.goto("/")
    page.get_by_role("link", name="DURAND Léa").click()
    page.get_by_role("link", name="La semaine de Léa").click()
    expect(page.get_by_role("heading", name="La semaine de Léa DURAND")).to_be_visible()
    assert_no_axe_violations(page)


def test_it_lets_the_direction_read_a_division_timetable_and_a_student_week(demo, page):
    sign_in(page, "direction")
    page.get_by_role("link", name=re.compile(r"^1G3\b")).first.click()
    page.get_by_role("link", name="Emploi du temps de la 1G3").click()
    expect(page.get_by_role("heading", name="Emploi du temps de la 1G3")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Travail à rendre"))).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Les élèves de la 1G3").click()
    page.get_by_role("link", name="DURAND Léa").click()
    page.get_by_role("link", name="La semaine de Léa").click()
    expect(page.get_by_role("heading", name="La semaine de Léa DURAND")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ séances? cette semaine, dont \d+ à distance"))).to_be_visible()
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 800})
    assert no_horizontal_scroll(page)
