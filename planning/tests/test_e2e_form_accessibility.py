"""Browser journeys: the planner's forms with a screen reader and on a phone, with and without script.

A field refused by the planning says why when it is reached (its accessible description); on a
360 px phone the gauge's verdict is in view where the teacher picks the date (the wide layout keeps
the gauge beside the form); a student who ticks a work without script sees it said in that work.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from continuite.ecole.models import SchoolYear
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login
from planning.services import school_calendar_build
from planning.tests.factories import HomeworkFactory, SlotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WEEK = "?semaine=2026-11-30"
HYBRID_INCOMPLETE = "Dites quel demi-groupe est en classe et si l'autre suit en direct ou travaille en autonomie."


@pytest.fixture
def school(world):
    school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    return world


def test_it_tells_a_screen_reader_what_is_wrong_with_the_field_it_reaches(school, page):
    slot = SlotFactory(division=school.division, subject=school.subject, teachers=[school.teacher], weekday=0)
    login(page, "prof@lycee.fr")
    page.goto(f"/planning/creneau/{slot.pk}/2026-11-30/")
    page.get_by_label("Hybride (demi-groupes)").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    half = page.get_by_label("Hybride : demi-groupe en classe")
    expect(half).to_have_attribute("aria-invalid", "true")
    expect(half).to_have_accessible_description(HYBRID_INCOMPLETE)
    expect(page.get_by_label("Hybride : l'autre demi-groupe")).not_to_have_attribute("aria-invalid", "true")
    # The summary, focused on load, leads to that field.
    summary = page.get_by_role("alert").filter(has_text="Le formulaire contient une erreur")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Hybride : demi-groupe en classe").click()
    expect(half).to_be_in_viewport()
    assert_no_axe_violations(page)


def _overloaded_tuesday(world):
    # Another teacher already gave 90 minutes for Tuesday to the spécialité group (Léa is in it).
    HomeworkFactory(group=world.spe_group, created_by=world.tutor, due_date=dt.date(2026, 12, 1), estimated_minutes=90)


def _pick_tuesday_for_45_minutes(page, division):
    page.goto(f"/planning/travail/nouveau/?pour=d{division.pk}")
    page.get_by_label("Titre").fill("Fiche de synthèse")
    page.get_by_label("Durée estimée (minutes)").fill("45")
    page.get_by_label("Donné le").fill("2026-11-30")
    page.get_by_label("Pour le").fill("2026-12-01")


def test_it_shows_the_gauge_verdict_beside_the_date_on_a_phone(school, mobile_page):
    _overloaded_tuesday(school)
    page = mobile_page
    login(page, "prof@lycee.fr")
    _pick_tuesday_for_45_minutes(page, school.division)
    verdict = page.locator("form [data-gauge-verdict]")
    expect(verdict).to_contain_text("Charge des élèves le mardi 1er décembre : seuil dépassé")
    expect(verdict).to_contain_text("travail à faire : plus de 120 min par jour (135 min)")
    expect(verdict).to_be_in_viewport()
    due = page.get_by_label("Pour le").bounding_box()
    box = verdict.bounding_box()
    assert 0 <= box["y"] - (due["y"] + due["height"]) < 120, (due, box)  # right under the date
    # The gauge itself is after the whole form, out of view; its live region is the only one.
    expect(page.locator("#jauge [data-state='over']")).not_to_be_in_viewport()
    assert page.locator("[aria-live]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_no_axe_violations(page)


def test_it_keeps_the_gauge_beside_the_form_on_a_wide_screen(school, page):
    _overloaded_tuesday(school)
    login(page, "prof@lycee.fr")
    _pick_tuesday_for_45_minutes(page, school.division)
    expect(page.locator("#jauge [data-state='over']")).to_be_visible()
    expect(page.locator("form [data-gauge-verdict]")).to_be_hidden()
    form = page.locator("#planning-form").bounding_box()
    gauge = page.locator("#jauge").bounding_box()
    assert gauge["x"] >= form["x"] + form["width"]  # its own column, on the right
    assert abs(gauge["y"] - form["y"]) < 2  # from the top of the form
    assert_no_axe_violations(page)


def test_it_says_a_work_ticked_without_script_where_the_student_is_on_a_phone(school, browser, live_server):
    # A work for each day of the week: the one due on Friday is the last of the list, far down the page.
    works = [
        HomeworkFactory(
            division=school.division,
            created_by=school.teacher,
            title=f"Fiche {n}",
            due_date=dt.date(2026, 11, 30) + dt.timedelta(days=n),
        )
        for n in range(5)
    ]
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        java_script_enabled=False,
        reduced_motion="reduce",
    )
    page = context.new_page()
    try:
        login(page, "eleve@lycee.fr")
        page.goto("/planning/ma-semaine/" + WEEK)
        last = works[-1]
        button = page.get_by_role("button", name=f"J'ai fait ce travail : {last.title}")
        expect(button).not_to_be_in_viewport()
        button.click()
        page.wait_for_url(f"**#travail-{last.pk}")
        said = page.get_by_role("status").filter(has_text=f"Travail noté comme fait : Exercice : {last.title}.")
        expect(said).to_be_in_viewport()
        item = page.locator(f"#travail-{last.pk}")
        expect(item.get_by_role("button", name=f"Pas encore fait : {last.title}")).to_be_in_viewport()
        # said in the work, not again at the top of the page
        expect(page.get_by_text("Travail noté comme fait")).to_have_count(1)
    finally:
        context.close()
