"""Browser journey: the proviseure changes a slot from a date, is told of a conflict, confirms; removes a
slot whose planned session is listed; opens Saturday classes and sees a Saturday morning in the week."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from continuite.ecole.models import SchoolYear
from continuite.ecole.tests.factories import StaffFactory
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login, nav_link
from planning import services
from planning.models import Modality, Session, TimetableSlot
from planning.tests.factories import SlotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _next_monday() -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


def test_it_changes_a_slot_from_a_date_through_a_conflict_and_removes_another(world, page):
    services.school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    colleague = StaffFactory(etablissement=world.etablissement, is_teacher=True, first_name="Paul", last_name="ROY")
    slot = SlotFactory(division=world.division, subject=world.subject, teachers=[world.teacher], weekday=0, room="B104")
    SlotFactory(division=world.division2, subject=world.subject, teachers=[colleague], weekday=1, room="B104")
    gone = SlotFactory(division=world.division, subject=world.subject, teachers=[world.teacher], weekday=3)
    monday = _next_monday()
    planned = services.session_plan(slot=gone, date=monday + dt.timedelta(days=3), modality=Modality.VISIO)

    login(page, "direction@lycee.fr")
    nav_link(page, "Emploi du temps").click()
    expect(page.get_by_role("heading", name="Emploi du temps de l'établissement")).to_be_visible()
    expect(page.get_by_text("Aucun conflit")).to_be_visible()
    page.get_by_label("Classe ou groupe").select_option(label="Classe 1G3")
    page.get_by_role("button", name="Afficher").click()
    assert_no_axe_violations(page)

    # Move Monday's 08:00 to Tuesday from next Monday: Paul ROY's class is in room B104 then.
    page.get_by_role("link", name="Modifier lundi 08:00").click()
    page.get_by_label("Jour").select_option(label="mardi")
    page.get_by_label("À partir du").fill(monday.isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    alert = page.get_by_role("alert").filter(has_text="Conflit")
    expect(alert).to_contain_text("mardi 08:00–09:00, 1G3, Sciences économiques et sociales, Claire MARTIN, salle B104")
    expect(alert).to_contain_text("mardi 08:00–09:00, 1G4, Sciences économiques et sociales, Paul ROY, salle B104")
    expect(alert).to_contain_text("la même salle (B104)")
    assert_no_axe_violations(page)
    page.get_by_label("Confirmer malgré le conflit").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/planning/creneaux/**")
    expect(page.get_by_text("Créneau modifié à partir du")).to_be_visible()
    expect(page.get_by_text("1 conflit : une personne ou une salle à deux endroits à la fois.")).to_be_visible()
    slot.refresh_from_db()
    assert slot.valid_until == monday - dt.timedelta(days=1)
    assert TimetableSlot.objects.filter(valid_from=monday, weekday=1, division=world.division).exists()

    # Remove Thursday's slot: its planned classe virtuelle of next week is listed, and cancelled.
    page.get_by_role("link", name="Retirer jeudi 08:00").click()
    expect(page.get_by_text("1 séance planifiée sur ce créneau")).to_be_visible()
    expect(page.locator("li span", has_text=": Classe virtuelle")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("l'annuler").check()
    page.get_by_role("button", name="Retirer le créneau").click()
    page.wait_for_url("**/planning/creneaux/**")
    expect(page.get_by_text("Créneau retiré de l'emploi du temps")).to_be_visible()
    assert not Session.objects.filter(pk=planned.pk).exists()

    # Saturday classes: the setting page, then a Saturday morning slot shown in the teacher's week.
    page.goto("/planning/etablissement/seuils/")
    assert_no_axe_violations(page)
    page.get_by_label("samedi").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Réglages enregistrés.")).to_be_visible()
    page.goto("/planning/creneau/nouveau/")
    page.get_by_label("Classe ou groupe").select_option(label="Classe 1G3")
    page.get_by_label("Matière").select_option(label=str(world.subject))
    page.get_by_label("Enseignants").select_option(label=str(world.teacher))
    page.get_by_label("Jour").select_option(label="samedi")
    page.get_by_label("Début").fill("08:00")
    page.get_by_label("Fin").fill("12:00")
    page.get_by_label("Salle").fill("B210")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/planning/creneaux/**")
    expect(page.get_by_text("Créneau ajouté à l'emploi du temps.")).to_be_visible()

    page.context.clear_cookies()
    login(page, "prof@lycee.fr")
    page.goto(f"/planning/semaine/?semaine={monday.isoformat()}")
    saturday = monday + dt.timedelta(days=5)
    expect(page.get_by_role("columnheader", name=re.compile(rf"^samedi {saturday.day}\b", re.I))).to_be_visible()
    expect(page.get_by_role("rowheader", name="08:00–12:00")).to_be_visible()
