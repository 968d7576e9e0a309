"""What a family writes when it asks for a justification, and what the vie scolaire reads of it."""

import datetime as dt
import email
from email import policy

import pytest
from django.core import mail
from django.urls import reverse

from continuite.notifications.models import Notification
from continuite.notifications.services import notification_deliver
from suivi import services
from suivi.models import EventKind, Justification

from .factories import CaseFactory, MarkFactory, RegisterFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)


def absence(student, day):
    register = RegisterFactory(
        session__division=student.division,
        session__date=day,
        session__start=dt.time(10, 0),
        session__end=dt.time(11, 0),
        session__minutes=60,
    )
    return MarkFactory(register=register, student=student, status="absent")


def ask(client, world, **fields):
    prefix = f"c{world.student.pk}"
    data = {"student": world.student.pk} | {f"{prefix}-{key}": value for key, value in fields.items()}
    return client.post(reverse("suivi:family_absences"), data, follow=True).content.decode()


def test_it_lets_a_family_explain_an_absence_and_the_cpe_reads_it_everywhere(world, client, frozen):
    absence(world.student, MONDAY)
    case = CaseFactory(student=world.student)
    client.force_login(world.users["parent"])
    form = client.get(reverse("suivi:family_absences")).content.decode()
    assert ">Maladie</option>" in form and ">Rendez-vous médical</option>" in form
    assert "Explication (facultatif)" in form
    assert '<h3 class="h5">Justifier une absence</h3>' in form and "Demander la justification" not in form
    assert "Envoyer la justification pour Léa" in form
    page = ask(
        client,
        world,
        start=MONDAY.isoformat(),
        end=MONDAY.isoformat(),
        reason="rdv_medical",
        explanation="Rendez-vous chez   l'orthodontiste à 10 h, mot du cabinet joint.",
    )
    assert "votre demande est transmise à la vie scolaire" in page
    words = "« Rendez-vous chez l'orthodontiste à 10 h, mot du cabinet joint. »"

    client.force_login(world.cpe.user)
    listing = client.get(reverse("suivi:absence_list")).content.decode()
    assert "Rendez-vous médical" in listing
    assert f"Explication de la famille : {words}".replace("'", "&#x27;") in listing
    student_page = client.get(reverse("suivi:student_followup", kwargs={"pk": world.student.pk})).content.decode()
    assert f"Explication de la famille : {words}".replace("'", "&#x27;") in student_page
    [event] = case.events.filter(kind=EventKind.JUSTIFICATION).values_list("text", flat=True)
    assert event == (
        "Demande de justification des responsables le 30 novembre : Rendez-vous médical (en attente). "
        f"Explication : {words}"
    )
    history = client.get(reverse("suivi:case_detail", kwargs={"pk": case.pk})).content.decode()
    assert f"Explication : {words}".replace("'", "&#x27;") in history


def test_it_offers_illness_to_the_cpe_justifying_directly(world, client, frozen):
    mark = absence(world.student, MONDAY)
    client.force_login(world.cpe.user)
    listing = client.get(reverse("suivi:absence_list")).content.decode()
    assert '<option value="maladie">Maladie</option>' in listing
    client.post(reverse("suivi:absence_justify", kwargs={"pk": mark.pk}), {"reason": "maladie"})
    mark.refresh_from_db()
    assert (mark.absence_status, mark.justification.get_reason_display()) == ("justifiee", "Maladie")


def test_it_refuses_a_past_period_without_any_absence_and_sends_nothing(world, client, frozen):
    absence(world.student, MONDAY)
    client.force_login(world.users["parent"])
    page = ask(client, world, start="2026-11-10", end="2026-11-10", reason="maladie")
    assert "Aucune absence n&#x27;est enregistrée le 10 novembre : rien à justifier." in page
    assert "votre demande est transmise" not in page
    page = ask(client, world, start="2026-11-09", end="2026-11-13", reason="maladie")
    assert "Aucune absence n&#x27;est enregistrée du 9 novembre au 13 novembre : rien à justifier." in page
    assert not Justification.objects.exists()
    assert not Notification.objects.filter(kind="suivi.justification_requested").exists()
    # Days ahead (within the window) stay possible: the register is not taken yet.
    page = ask(client, world, start="2026-12-07", end="2026-12-08", reason="rdv_medical")
    assert "votre demande est transmise à la vie scolaire" in page
    assert Justification.objects.get().status == "en_attente"


def test_it_keeps_the_familys_form_with_the_error_next_to_the_date(world, client, frozen):
    client.force_login(world.users["parent"])
    page = ask(
        client,
        world,
        start="2026-12-20",
        end="2026-12-21",
        reason="rdv_medical",
        explanation="Opération prévue à l'hôpital.",
    )
    prefix = f"c{world.student.pk}"
    assert 'value="2026-12-20"' in page and 'value="2026-12-21"' in page
    assert "Opération prévue à l&#x27;hôpital.</textarea>" in page
    assert '<option value="rdv_medical" selected>' in page
    error = page.rindex("se justifie au plus 7 jours à l&#x27;avance (jusqu&#x27;au 11 décembre)")
    assert page.rindex(f'id="id_{prefix}-end"', 0, error) > page.rindex(f'id="id_{prefix}-start"', 0, error)
    assert not Justification.objects.exists()


def read_mail(row):
    assert notification_deliver(notification_id=row.pk) == "sent"
    return email.message_from_bytes(mail.outbox[-1].message().as_bytes(), policy=policy.default)


@pytest.mark.parametrize("accept", [True, False])
def test_it_mails_the_decision_like_a_notice_with_the_cpes_note(world, frozen, accept):
    cpe = world.cpe
    cpe.civility, cpe.first_name, cpe.last_name, cpe.email = "Mme", "Anne", "L'HERMITTE", "a.lhermitte@lycee.fr"
    cpe.save()
    services.settings_update(etablissement=world.etablissement, user=cpe.user, vie_scolaire_phone="02 38 00 00 00")
    absence(world.student, MONDAY)
    pending = services.justification_request(
        user=world.users["parent"], student=world.student, start=MONDAY, end=MONDAY, reason="maladie"
    )
    note = "Mot du médecin bien reçu, merci." if accept else "Aucun certificat reçu à ce jour."
    services.justification_decide(user=cpe.user, justification=pending, accept=accept, note=note)
    row = Notification.objects.get(kind="suivi.justification_decided")
    message = read_mail(row)
    decided = "acceptée" if accept else "refusée"
    subject = f"{world.etablissement.name} — absences de Léa DURAND le 30 novembre : justification {decided}"
    assert row.subject == subject
    assert " ".join(message["Subject"].split()) == subject  # a long header is folded
    assert message["Reply-To"] == "a.lhermitte@lycee.fr"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith("Madame,\n\n")
    assert ("Mot de la vie scolaire : " if accept else "Motif : ") + note in text
    assert "Nous vous prions d'agréer, Madame, nos salutations distinguées." in text
    assert (
        f"Anne L'HERMITTE\nConseillère principale d'éducation\n{world.etablissement.name}\n"
        "Vie scolaire : 02 38 00 00 00"
    ) in text
    assert "&#" not in text
