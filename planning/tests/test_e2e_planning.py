"""Browser journey: a teacher plans a hybrid week and overloads a day; the tutor is told; the student ticks."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from continuite.ecole.models import SchoolYear
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login
from planning.models import Homework, Modality, Session
from planning.services import school_calendar_build
from planning.tests.factories import HomeworkFactory, SlotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WEEK = "?semaine=2026-11-30"


def test_it_plans_a_hybrid_week_warns_the_tutor_and_lets_the_student_tick(world, page):
    school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    slot = SlotFactory(division=world.division, subject=world.subject, teachers=[world.teacher], weekday=0)
    # Another teacher already gave 90 minutes for Tuesday to the spécialité group (Léa is in it).
    HomeworkFactory(
        group=world.spe_group,
        created_by=world.tutor,
        title="Lecture de documents",
        due_date=dt.date(2026, 12, 1),
        estimated_minutes=90,
    )

    # The teacher plans Monday's slot in hybrid: half A in the room, half B follows live.
    login(page, "prof@lycee.fr")
    page.goto("/planning/semaine/" + WEEK)
    expect(page.get_by_role("heading", name="Mon planning")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile(r"^Planifier .*1G3 lundi 30")).first.click()
    page.get_by_label("Hybride (demi-groupes)").check()
    page.get_by_label("Hybride : demi-groupe en classe").select_option("A")
    page.get_by_label("Hybride : l'autre demi-groupe").select_option("live")
    page.locator("#jauge [data-state]").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/planning/semaine/**")
    assert Session.objects.get(slot=slot).modality == Modality.HYBRIDE

    # Then work for Tuesday: the gauge turns and proposes lighter days, without reloading the page.
    page.goto("/planning/travail/nouveau/")
    page.get_by_label("Classe ou groupe").select_option(label="Classe 1G3")
    page.get_by_label("Titre").fill("Fiche de synthèse")
    page.get_by_label("Donné le").fill("2026-11-30")
    page.get_by_label("Pour le", exact=False).fill("2026-12-01")
    page.get_by_label("Durée estimée (minutes)").fill("20")
    page.locator('#jauge [data-state="ok"]').wait_for()
    page.get_by_label("Durée estimée (minutes)").fill("45")
    page.locator('#jauge [data-state="over"]').wait_for()
    expect(page.locator("#jauge").get_by_text("Jours plus légers")).to_be_visible()
    assert page.locator("#jauge [data-pick-date]").count() >= 1
    expect(page.locator("#jauge").get_by_text("135 min").first).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Enregistrer", exact=True).click()  # it warns, it does not block
    page.wait_for_url("**/planning/semaine/**")
    homework = Homework.objects.get(title="Fiche de synthèse")

    # The form tutor got the notice and sees the day over the threshold in his heat map.
    page.context.clear_cookies()
    login(page, "pp@lycee.fr")
    page.goto("/notifications/")
    expect(page.get_by_text("1G3 dépasse un seuil").first).to_be_visible()
    page.goto(f"/planning/classe/{world.division.pk}/charge/" + WEEK)
    expect(page.get_by_text("au-dessus du seuil").first).to_be_visible()
    assert_no_axe_violations(page)

    # The student sees the work and ticks it done.
    page.context.clear_cookies()
    login(page, "eleve@lycee.fr")
    page.goto("/planning/ma-semaine/" + WEEK)
    expect(
        page.get_by_text("Sciences économiques et sociales — Exercice : Fiche de synthèse", exact=True)
    ).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="J'ai fait ce travail : Fiche de synthèse").click()
    page.wait_for_load_state()
    assert homework.done_marks.filter(student=world.student).exists()
    expect(page.get_by_text("Fait", exact=True).first).to_be_visible()


def test_it_shows_the_student_week_on_a_phone(world, mobile_page):
    school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    SlotFactory(division=world.division, subject=world.subject, teachers=[world.teacher], weekday=0)
    login(mobile_page, "eleve@lycee.fr")
    mobile_page.goto("/planning/ma-semaine/" + WEEK)
    expect(mobile_page.get_by_role("heading", name="Ma semaine")).to_be_visible()
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_no_axe_violations(mobile_page)


@pytest.mark.parametrize(
    "email,path,heading",
    [
        ("direction@lycee.fr", "/planning/etablissement/charge/", "Charge de l'établissement"),
        ("direction@lycee.fr", "/planning/etablissement/seuils/", "Jours de classe et seuils de charge"),
        ("direction@lycee.fr", "/planning/creneau/nouveau/", "Saisir un créneau de l'emploi du temps"),
        ("pp@lycee.fr", "DIVISION_SWITCH", "Basculer une classe"),
        ("prof@lycee.fr", "/planning/seance/nouvelle/", "Nouvelle séance"),
        ("prof@lycee.fr", "/planning/agenda/", "Mon agenda (iCalendar)"),
        ("parent@lycee.fr", "/planning/ma-semaine/", "La semaine de Léa DURAND"),
    ],
)
def test_it_has_no_accessibility_violation_on_the_other_pages(world, page, email, path, heading):
    school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    if path == "DIVISION_SWITCH":
        path = f"/planning/classe/{world.division.pk}/basculer/"
    login(page, email)
    page.goto(path)
    expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    assert_no_axe_violations(page)
