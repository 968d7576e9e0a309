"""Browser journeys of the vie scolaire's absences: the list to process, and a family's request
accepted then refused, read by the parent and by the CPE."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from continuite.ecole.tests.factories import StudentFactory
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login
from suivi.models import AttendanceMark, Justification

from .factories import MarkFactory, RegisterFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DANGER_RED = "rgb(220, 53, 69)"  # Bootstrap's text-bg-danger: "À justifier"
SUCCESS_GREEN = "rgb(25, 135, 84)"  # text-bg-success: "Justifiée"


def person(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, email)
    return context, page


def absence(student, day, hour=10):
    register = RegisterFactory(
        session__division=student.division,
        session__subject__label="Sciences économiques et sociales",
        session__date=day,
        session__start=dt.time(hour, 0),
        session__end=dt.time(hour + 1, 0),
        session__minutes=60,
        half_day="matin" if hour < 12 else "apres_midi",
    )
    return MarkFactory(register=register, student=student, status="absent")


def requests_table(page):
    return page.get_by_role("table").filter(has_text="Une demande ne justifie rien")


def background(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_the_cpe_processes_the_absences_of_the_list(world, browser, live_server):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    noah = StudentFactory(division=world.division, last_name="BERNARD", first_name="Noah")
    absence(world.student, yesterday, 9)
    absence(noah, yesterday, 14)
    absence(world.student2, yesterday, 10)

    context, page = person(browser, live_server, "cpe@lycee.fr")
    expect(page.get_by_text("3 absences à justifier sur 30 jours")).to_be_visible()
    menu = page.get_by_role("navigation", name="Navigation principale")
    menu.locator("summary", has_text="Suivi").click()
    menu.get_by_role("link", name="Absences à traiter").click()
    expect(page.get_by_role("heading", name="Absences à traiter", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    badge = page.get_by_role("row", name="Léa DURAND").get_by_text("À justifier")
    assert background(badge) == DANGER_RED

    # Only the class 1G3: Hugo PETIT (1G4) leaves the list.
    page.get_by_label("Classe").select_option(label=world.division.code)
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("row", name="Hugo PETIT")).to_have_count(0)
    expect(page.get_by_text("2 absences, les absences à justifier d'abord")).to_be_visible()

    # Léa's absence is justified with a receivable reason; Noah was there: the register is corrected.
    lea = page.get_by_role("row", name="Léa DURAND")
    lea.get_by_text("Traiter").click()
    lea.get_by_label("Motif recevable").select_option(label="Problème de transport")
    lea.get_by_role("button", name="Justifier").click()
    expect(page.get_by_text("Absences de Léa DURAND du")).to_be_visible()
    noah_row = page.get_by_role("row", name="Noah BERNARD")
    noah_row.get_by_text("Traiter").click()
    noah_row.get_by_label("Comment l'élève a suivi la séance").select_option(label="présent(e) en classe")
    noah_row.get_by_label("Précision (facultatif)").fill("Présent en salle B12.")
    noah_row.get_by_role("button", name="Rectifier l'appel").click()
    expect(page.get_by_text("rectifié pour Noah BERNARD : l'absence est retirée.")).to_be_visible()
    expect(page.get_by_text("Aucune absence ne correspond.")).to_be_visible()  # the filter was kept
    assert_no_axe_violations(page)

    page.get_by_label("État").select_option(label="Toutes")
    page.get_by_role("button", name="Filtrer").click()
    listed = page.get_by_role("table").filter(has_text="les absences à justifier d'abord")
    justified = listed.get_by_role("row", name="Léa DURAND").get_by_text("Justifiée")
    assert background(justified) == SUCCESS_GREEN
    expect(listed.get_by_role("row", name="Noah BERNARD")).to_have_count(0)  # he was there: no absence left
    # The per-student summary: Léa's one half-day, none left unjustified; Noah's mistaken absence counts nowhere.
    summary = page.get_by_role("table").filter(has_text="Règle DASEN")
    expect(summary.get_by_role("row", name="Léa DURAND").get_by_role("cell")).to_have_text(["1", "1", "0"])
    expect(summary.get_by_role("row", name="Noah BERNARD")).to_have_count(0)
    assert_no_axe_violations(page)

    # On a phone, the page itself never scrolls sideways (the tables scroll in their frame).
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})

    # From the student's page, a case is opened by hand.
    page.get_by_role("link", name="Léa DURAND").first.click()
    expect(page.get_by_role("heading", name="Absences et suivi de Léa DURAND")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Ouvrir un suivi").click()
    expect(page.get_by_role("heading", name="Ouvrir un suivi pour Léa DURAND")).to_be_visible()
    context.close()
    assert AttendanceMark.objects.filter(absence_status="a_justifier").count() == 1  # Hugo's


def test_a_familys_request_is_refused_then_another_accepted(world, browser, live_server):
    today = timezone.localdate()
    first_day, second_day = today - dt.timedelta(days=2), today - dt.timedelta(days=1)
    absence(world.student, first_day)
    absence(world.student, second_day)

    # The parent asks two months ahead: refused at once, in French; then for the first day.
    context, parent = person(browser, live_server, "parent@lycee.fr")
    parent.get_by_role("link", name="Absences").first.click()
    expect(parent.get_by_role("heading", name="Absences aux classes virtuelles")).to_be_visible()
    assert_no_axe_violations(parent)
    far = today + dt.timedelta(days=60)
    parent.get_by_label("Du*", exact=True).fill(far.isoformat())
    parent.get_by_label("Au*", exact=True).fill(far.isoformat())
    parent.get_by_label("Motif*", exact=True).select_option(label="Autre motif recevable")
    parent.get_by_role("button", name="Envoyer la justification pour Léa").click()
    expect(parent.get_by_text("se justifie au plus 7 jours à l'avance").first).to_be_visible()
    assert not Justification.objects.exists()
    parent.get_by_label("Du*", exact=True).fill(first_day.isoformat())
    parent.get_by_label("Au*", exact=True).fill(first_day.isoformat())
    parent.get_by_label("Motif*", exact=True).select_option(label="Autre motif recevable")
    parent.get_by_role("button", name="Envoyer la justification pour Léa").click()
    expect(parent.get_by_text("votre demande est transmise à la vie scolaire")).to_be_visible()
    expect(parent.get_by_text("demande envoyée, en attente de la vie scolaire")).to_be_visible()
    expect(parent.get_by_text("demande en attente de réponse de la vie scolaire")).to_be_visible()
    assert_no_axe_violations(parent)

    # The CPE is told, and refuses it with a reason.
    cpe_context, cpe = person(browser, live_server, "cpe@lycee.fr")
    expect(cpe.get_by_text("1 demande de justification d'une famille en attente")).to_be_visible()
    cpe.get_by_role("link", name="Traiter les absences").click()
    request_row = requests_table(cpe).get_by_role("row", name="Léa DURAND")
    expect(request_row).to_contain_text("Camille Test")
    expect(cpe.get_by_text("Demande de la famille en attente")).to_be_visible()
    assert_no_axe_violations(cpe)
    request_row.get_by_role("button", name="Refuser").click()
    expect(cpe.get_by_text("Indiquez à la famille pourquoi la demande est refusée.")).to_be_visible()
    request_row = requests_table(cpe).get_by_role("row", name="Léa DURAND")
    request_row.get_by_label("Motif (obligatoire pour un refus)").fill("Aucun justificatif écrit.")
    request_row.get_by_role("button", name="Refuser").click()
    expect(
        cpe.get_by_text("Demande de justification pour Léa DURAND refusée : la famille en est informée.")
    ).to_be_visible()
    expect(cpe.get_by_text("Aucune demande en attente.")).to_be_visible()

    # The parent reads the refusal and its reason; the absence is still to justify.
    parent.reload()
    expect(parent.get_by_text("refusée — motif : Aucun justificatif écrit.", exact=False)).to_be_visible()
    expect(parent.get_by_role("row").filter(has_text="À justifier")).to_have_count(2)

    # A second request, for the second day, with a note from the family: accepted.
    parent.get_by_label("Du*", exact=True).fill(second_day.isoformat())
    parent.get_by_label("Au*", exact=True).fill(second_day.isoformat())
    parent.get_by_label("Motif*", exact=True).select_option(label="Justificatif écrit des responsables")
    parent.get_by_role("button", name="Envoyer la justification pour Léa").click()
    expect(parent.get_by_text("votre demande est transmise à la vie scolaire")).to_be_visible()
    cpe.reload()
    requests_table(cpe).get_by_role("row", name="Léa DURAND").get_by_role("button", name="Accepter").click()
    expect(cpe.get_by_text("Demande de justification pour Léa DURAND acceptée.")).to_be_visible()

    # The CPE reads both decisions on Léa's page; the parent reads the acceptance.
    cpe.get_by_role("link", name="Léa DURAND").first.click()
    history = cpe.get_by_role("region", name="Justifications et demandes des familles")
    expect(history.get_by_text("Refusée")).to_be_visible()
    expect(history.get_by_text("motif : Aucun justificatif écrit.", exact=False)).to_be_visible()
    expect(history.get_by_text("Acceptée")).to_be_visible()
    assert_no_axe_violations(cpe)
    cpe_context.close()
    parent.reload()
    expect(parent.get_by_text("acceptée", exact=True)).to_be_visible()
    expect(parent.get_by_role("row").filter(has_text="Justifiée")).to_have_count(1)
    assert_no_axe_violations(parent)
    context.close()
