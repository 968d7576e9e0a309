"""The journey of a case: register → signal → case → call → notice → acknowledgement → direction."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from continuite.ecole.tests.factories import StudentFactory
from continuite.notifications.models import Notification
from continuite.notifications.services import acknowledgement_url
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login, nav_link
from planning.tests.factories import SessionFactory
from suivi.models import Case, SuiviSettings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def person(browser, live_server, email=None):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(15_000)
    page = context.new_page()
    if email:
        login(page, email)
    return context, page


def test_it_follows_a_case_from_the_register_to_the_direction(world, browser, live_server):
    from .helpers import registers

    classmate = StudentFactory(division=world.division, last_name="BERNARD", first_name="Noah")
    # This journey sends the notice right after the warning (the delay has its own tests).
    SuiviSettings.objects.create(etablissement=world.etablissement, warning_delay_days=0)
    # Three absences already this week each: the fourth crosses the threshold (one alone never does).
    last_week = timezone.localdate() - dt.timedelta(days=7)
    for student in (world.student, classmate):
        registers(student, ["absent", "absent", "absent", "present", "present"], first_day=last_week)
    session = SessionFactory(
        division=world.division, subject=world.subject, date=timezone.localdate(), teachers=[world.teacher]
    )

    # The teacher takes the register: two absences, everyone else present by default.
    context, page = person(browser, live_server, "prof@lycee.fr")
    page.goto("/suivi/registres/")
    assert_no_axe_violations(page)
    page.goto(f"/suivi/registres/{session.pk}/")
    page.get_by_role("group", name="Léa DURAND").get_by_label("Absent").check()
    page.get_by_role("group", name="Noah BERNARD").get_by_label("Absent").check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Enregistrer l'appel").click()
    expect(page.get_by_text("Appel enregistré.")).to_be_visible()
    context.close()

    # The signal opened one case per student, with the rule that fired.
    case = Case.objects.get(student=world.student, status="ouvert")
    assert Case.objects.filter(student=classmate).count() == 1
    assert "67 % des séances à distance manquées sans justification (4 sur 6)" in case.rule

    # The CPE logs a call, then sends the warning to the form tutor and the notice to the family.
    context, page = person(browser, live_server, "cpe@lycee.fr")
    page.goto("/suivi/dossiers/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Léa DURAND").click()
    expect(page.get_by_role("heading", name="Suivi de Léa DURAND")).to_be_visible()
    assert_no_axe_violations(page)
    # Each form loads when its box opens (the page draws none).
    page.locator("summary", has_text="Contact avec la famille").click()
    page.get_by_label("Moyen").select_option(label="Appel téléphonique")
    page.get_by_label("Résultat").select_option(label="Message laissé")
    page.get_by_role("button", name="Enregistrer le contact").click()
    expect(page.get_by_text("Contact avec la famille enregistré.")).to_be_visible()
    page.get_by_role("button", name="Envoyer l'étape suivante").click()
    expect(
        page.get_by_text("Avertissement de niveau 1 envoyé à Thomas GARNIER (professeur principal).")
    ).to_be_visible()
    page.get_by_role("button", name="Envoyer l'étape suivante").click()
    expect(page.get_by_text("Avis de niveau 1 envoyé aux responsables légaux")).to_be_visible()
    assert_no_axe_violations(page)

    # A guardian acknowledges it through the personal link of the mail.
    notice = Notification.objects.get(kind="suivi.notice", guardian=world.guardian)
    assert Notification.objects.filter(kind="suivi.notice", guardian=world.guardian2).exists()
    guardian_context, guardian_page = person(browser, live_server)
    guardian_page.goto(acknowledgement_url(notice).removeprefix(notice_site()))
    assert_no_axe_violations(guardian_page)
    guardian_page.get_by_role("button", name="J'ai pris connaissance").click()
    expect(guardian_page.get_by_text("Merci : votre prise de connaissance est enregistrée")).to_be_visible()
    guardian_context.close()

    # The CPE sees the acknowledgement on the timeline and escalates to the direction.
    page.reload()
    expect(page.get_by_text("a pris connaissance le")).to_have_count(1)
    page.locator("summary", has_text="Transmettre à la direction").click()
    assert_no_axe_violations(page)
    page.get_by_label("Motif de la transmission").fill("Absences répétées, famille difficile à joindre.")
    page.get_by_role("button", name="Transmettre à la direction").click()
    expect(page.get_by_text("Dossier transmis à la direction.")).to_be_visible()
    context.close()

    # The direction sees the escalated case.
    context, page = person(browser, live_server, "direction@lycee.fr")
    nav_link(page, "Signalements").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Léa DURAND").click()
    expect(page.get_by_role("heading", name="Suivi de Léa DURAND")).to_be_visible()
    expect(page.get_by_text("Absences répétées, famille difficile à joindre.")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto("/suivi/gpds/")
    expect(page.get_by_role("link", name="Léa DURAND")).to_be_visible()
    assert_no_axe_violations(page)
    context.close()


def notice_site() -> str:
    from django.conf import settings

    return settings.SITE_URL


def test_the_cpe_opens_a_case_by_hand_from_a_teachers_flag(world, browser, live_server):
    from .factories import FlagFactory

    FlagFactory(student=world.student2, raised_by=world.teacher)
    context, page = person(browser, live_server, "cpe@lycee.fr")
    page.goto("/suivi/signalements/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Ouvrir un suivi : Hugo PETIT").click()
    expect(page.get_by_role("heading", name="Ouvrir un suivi pour Hugo PETIT")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Niveau").select_option(label="Risque")
    page.get_by_label("Motif de l'ouverture").fill("Appel de la famille : ne vient plus depuis lundi.")
    page.get_by_role("button", name="Ouvrir le suivi").click()
    expect(page.get_by_text("Suivi ouvert.")).to_be_visible()
    expect(page.get_by_role("heading", name="Suivi d'Hugo PETIT")).to_be_visible()
    case = Case.objects.get(student=world.student2)
    assert (case.level, case.opened_by) == ("risque", world.cpe.user)
    context.close()


def test_the_cpe_prints_the_letter_of_a_family_without_email_and_the_tutor_reads_his_actions(
    world, browser, live_server
):
    from suivi import services

    from .factories import CaseFactory
    from .helpers import registers

    world.guardian2.email = ""
    world.guardian2.mobile = "06 11 22 33 44"
    world.guardian2.save()
    services.settings_update(
        etablissement=world.etablissement,
        user=world.cpe.user,
        warning_delay_days=0,
        vie_scolaire_phone="02 38 00 00 00",
        postal_address="12 rue des Écoles\n45000 Orléans",
    )
    today = timezone.localdate()
    registers(world.student, ["absent", "absent", "present"], first_day=today - __import__("datetime").timedelta(3))
    case = CaseFactory(student=world.student)
    services.case_action_add(case=case, user=world.cpe.user, what="Tutorat en SES", owner=world.tutor, review_on=today)

    context, page = person(browser, live_server, "cpe@lycee.fr")
    page.goto(case.get_absolute_url())
    page.get_by_role("button", name="Envoyer l'étape suivante").click()
    page.get_by_role("button", name="Envoyer l'étape suivante").click()
    expect(page.get_by_text("Avis de niveau 1 envoyé aux responsables légaux")).to_be_visible()
    # The guardian without email: "non remis", what to do, and the call task on the case.
    expect(page.get_by_text("non remis", exact=True)).to_be_visible()
    expect(page.get_by_role("paragraph").filter(has_text="Appeler M. Marc DURAND au 06 11 22 33 44")).to_be_visible()
    danger = page.get_by_text("non remis", exact=True).evaluate("e => getComputedStyle(e).color")
    assert danger == "rgb(220, 53, 69)", danger  # Bootstrap's danger red
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Imprimer le courrier à remettre").click()
    letter = page.get_by_role("article", name="Courrier à M. Marc DURAND")
    expect(letter).to_be_visible()
    expect(letter.get_by_text("12 rue des Écoles")).to_be_visible()
    expect(letter.get_by_text("Responsable légal de Léa DURAND (1G3)")).to_be_visible()
    expect(letter.get_by_text("Coupon à découper et à rapporter à la vie scolaire")).to_be_visible()
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    assert_no_axe_violations(page)
    # On paper: the portal's header and the toolbar are gone, one letter per page.
    page.emulate_media(media="print")
    assert page.locator(".portal-header").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator(".no-print").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator("[data-print]").is_hidden()
    context.close()

    # The form tutor finds the action given to him in "Mes actions", due today.
    context, page = person(browser, live_server, "pp@lycee.fr")
    nav_link(page, "Mes actions").click()
    expect(page.get_by_role("heading", name="Mes actions")).to_be_visible()
    expect(page.get_by_text("Tutorat en SES", exact=True)).to_be_visible()
    expect(page.get_by_text("point prévu aujourd'hui")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Marquer comme faite : Tutorat en SES").click()
    expect(page.get_by_text("Aucune action en cours ne vous est confiée.")).to_be_visible()
    context.close()
