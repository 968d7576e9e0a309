"""Browser journey: from her week, a teacher plans a video class and two works for the 1G3 in at most 8 clicks.

Every click, tick and choice in a list is counted; typing is not a click. Then the student reads his week.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from continuite.ecole.models import SchoolYear
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login
from planning.models import Modality, Session
from planning.services import school_calendar_build
from planning.tests.factories import SlotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WEEK = "?semaine=2026-11-30"
VISIO = "https://lycees.netocentre.fr/bbb/ses-1g3"


class Counted:
    """The journey's gestures: clicks (links, buttons, ticks, choices in a list) and typed fields."""

    def __init__(self, page):
        self.page = page
        self.clicks = 0
        self.typed = 0
        self.loads = 0
        page.on("load", lambda _page: self._loaded())

    def _loaded(self):
        self.loads += 1

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def check(self, locator):
        self.clicks += 1
        locator.check()

    def select(self, locator, **option):
        self.clicks += 1
        locator.select_option(**option)

    def fill(self, locator, value: str):
        self.typed += 1
        locator.fill(value)


def test_it_plans_a_video_class_and_two_works_in_at_most_8_clicks(world, page):
    from outils.catalogue import load_catalogue

    # Browser tests flush the database between tests, data migrations included: the shipped tool
    # catalogue (whose BigBlueButton the link policy accepts) is loaded again here.
    load_catalogue()
    school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    slot = SlotFactory(division=world.division, subject=world.subject, teachers=[world.teacher], weekday=0)
    SlotFactory(
        division=world.division,
        subject=world.subject,
        teachers=[world.teacher],
        weekday=3,
        start=dt.time(10),
        end=dt.time(11),
    )
    login(page, "prof@lycee.fr")
    page.goto("/planning/semaine/" + WEEK)
    assert_no_axe_violations(page)
    me = Counted(page)

    # 1. The grid cell of Monday's SES with the 1G3 opens the session form for that slot and date.
    me.click(page.get_by_role("link", name=re.compile(r"^Planifier .*1G3 lundi 30")))
    page.wait_for_url("**/planning/creneau/**")
    expect(page.get_by_text("lundi 30 novembre 2026, 08:00–09:00")).to_be_visible()
    expect(page.locator('#jauge [data-state="ok"]')).to_be_visible()  # drawn with the page
    assert_no_axe_violations(page)
    # 2. Modality and link on the same form; the gauge counts the hour of video.
    me.check(page.get_by_label("Classe virtuelle", exact=True))
    me.fill(page.get_by_label("Lien (classe virtuelle ou ressource)"), VISIO)
    page.locator("#jauge").get_by_text("60 min").first.wait_for()
    # 3. Saved, and on to its work.
    me.click(page.get_by_role("button", name="Enregistrer et donner un travail"))
    page.wait_for_url("**/planning/travail/nouveau/?seance=*")
    session = Session.objects.get(slot=slot)
    assert (session.modality, session.link) == (Modality.VISIO, VISIO)

    # The work comes filled in from its session: class, subject, given on Monday, due at the next lesson.
    expect(page.get_by_text("Donné dans la séance : Sciences économiques et sociales, 1G3")).to_be_visible()
    assert page.get_by_label("Classe ou groupe").input_value() == f"d{world.division.pk}"
    assert page.get_by_label("Matière").input_value() == str(world.subject.pk)
    assert page.get_by_label("Donné le").input_value() == "2026-11-30"
    assert page.get_by_label("Pour le").input_value() == "2026-12-03"
    assert_no_axe_violations(page)
    me.fill(page.get_by_label("Titre"), "QCM chapitre 3")
    me.select(page.get_by_label("Type"), label="Évaluation")  # 4
    me.fill(page.get_by_label("Durée estimée (minutes)"), "20")
    page.locator("#jauge").get_by_text("20 min").first.wait_for()
    me.click(page.get_by_role("button", name="Enregistrer et donner un autre travail"))  # 5
    page.get_by_text("Travail enregistré : Sciences économiques et sociales — Évaluation : QCM chapitre 3.").wait_for()

    me.fill(page.get_by_label("Titre"), "Fiche de lecture")
    me.fill(page.get_by_label("Durée estimée (minutes)"), "30")
    me.fill(page.get_by_label("Consignes"), "Lire les pages 40 à 45.")
    assert_no_axe_violations(page)
    me.click(page.get_by_role("button", name="Enregistrer", exact=True))  # 6
    page.wait_for_url("**/planning/semaine/**")

    # Back on her week: the video class in the cell, both works listed with their subject.
    cell = page.locator(".planning-occ-visio").first
    expect(cell.get_by_text("Classe virtuelle", exact=True)).to_be_visible()
    expect(
        page.get_by_role("link", name="Sciences économiques et sociales — Exercice : Fiche de lecture")
    ).to_be_visible()
    assert_no_axe_violations(page)
    assert me.clicks <= 8, f"{me.clicks} clics"
    assert me.clicks == 6 and me.typed == 6 and me.loads == 4  # what the journey takes today
    assert list(session.homework.order_by("pk").values_list("title", "due_date", "estimated_minutes")) == [
        ("QCM chapitre 3", dt.date(2026, 12, 3), 20),
        ("Fiche de lecture", dt.date(2026, 12, 3), 30),
    ]

    # The student reads it on his week.
    page.context.clear_cookies()
    login(page, "eleve@lycee.fr")
    page.goto("/planning/ma-semaine/" + WEEK)
    monday = page.locator(".planning-occ-visio").first
    expect(monday.get_by_text("Classe virtuelle", exact=True)).to_be_visible()  # the modality badge
    assert monday.get_by_role("link", name=re.compile(r"^Rejoindre")).get_attribute("href") == VISIO
    expect(monday.get_by_text("La classe virtuelle n'est ni filmée ni enregistrée.")).to_be_visible()
    work = page.locator(".list-group-item", has_text="QCM chapitre 3")
    expect(work.get_by_text("Sciences économiques et sociales — Évaluation : QCM chapitre 3")).to_be_visible()
    expect(work.get_by_text(re.compile(r"Pour le jeudi 3 décembre · environ 20 min"))).to_be_visible()
    reading = page.locator(".list-group-item", has_text="Fiche de lecture")
    expect(reading.get_by_text("Lire les pages 40 à 45.")).to_be_visible()
    assert_no_axe_violations(page)


def test_it_fits_the_session_and_work_forms_on_a_phone(world, mobile_page):
    school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    slot = SlotFactory(division=world.division, subject=world.subject, teachers=[world.teacher], weekday=0)
    login(mobile_page, "prof@lycee.fr")
    for path in (f"/planning/creneau/{slot.pk}/2026-11-30/", f"/planning/travail/nouveau/?pour=d{world.division.pk}"):
        mobile_page.goto(path)
        expect(mobile_page.locator("#jauge [data-state]").first).to_be_visible()
        assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 360
        assert_no_axe_violations(mobile_page)
