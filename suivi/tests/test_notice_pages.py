"""What the CPE reads on the case page when a notice is refused, doubled or undelivered; the letter
to print; the mail a family receives, as a mail client parses it."""

import datetime as dt
import email
import html
from email import policy

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import strip_tags

from continuite import french
from continuite.notifications.models import Notification
from continuite.notifications.services import notification_deliver
from suivi import services
from suivi.models import CaseAction, Notice

from .conftest import TODAY
from .factories import CaseFactory
from .helpers import registers

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 12, 1)


@pytest.fixture
def case(world):
    registers(world.student, ["absent", "absent", "present", "present"])
    return CaseFactory(student=world.student, severity=1, evidence={"sessions": 1, "unexcused": 1})


def post_next_step(client, case):
    page = client.get(case.get_absolute_url())
    step = page.context["next_step"]["key"]
    return client.post(reverse("suivi:case_notice", args=[case.pk]), {"step": step}, follow=True)


def test_it_tells_the_cpe_why_nothing_left_once_the_absence_is_justified(world, client, frozen):
    (mark,) = registers(world.student, ["absent"])
    case = CaseFactory(student=world.student, severity=1, evidence={"sessions": 1, "unexcused": 1})
    services.notice_send(case=case, user=world.cpe.user, today=TUESDAY)
    day = mark.register.date
    services.absence_justify(user=world.cpe.user, student=world.student, start=day, end=day, reason="mot_famille")
    client.force_login(world.cpe.user)
    page = post_next_step(client, case)
    text = page.content.decode()
    assert "Rien n&#x27;est envoyé : du 17 novembre au 4 décembre, Léa DURAND n&#x27;a plus aucune absence" in text
    assert not Notification.objects.filter(kind="suivi.notice").exists()
    assert Notice.objects.filter(case=case).count() == 1


def test_it_sends_one_step_for_a_double_click(world, client, frozen, case):
    client.force_login(world.cpe.user)
    step = client.get(case.get_absolute_url()).context["next_step"]["key"]
    url = reverse("suivi:case_notice", args=[case.pk])
    first = client.post(url, {"step": step}, follow=True)
    second = client.post(url, {"step": step}, follow=True)
    assert Notice.objects.filter(case=case).count() == 1
    assert Notification.objects.filter(kind="suivi.notice_warning").count() == 1
    assert "Avertissement de niveau 1 envoyé à" in first.content.decode()
    assert "Cette étape vient déjà d&#x27;être envoyée (double clic ?) : rien de plus n&#x27;est parti." in (
        second.content.decode()
    )


def test_it_shows_the_next_step_and_the_day_the_family_notice_may_leave(world, client, frozen, case):
    services.notice_send(case=case, user=world.cpe.user, today=TODAY)
    client.force_login(world.cpe.user)
    text = client.get(case.get_absolute_url()).content.decode()
    assert "Avis aux responsables légaux, niveau 1" in text
    assert "pas avant le mardi 8 décembre, sauf aggravation" in text
    assert "Prévenu : " in text


def test_it_says_not_delivered_and_what_to_do_for_a_guardian_without_email(world, client, frozen, case):
    world.guardian2.email = ""
    world.guardian2.mobile = "06 11 22 33 44"
    world.guardian2.save()
    services.notice_send(case=case, user=world.cpe.user, today=TUESDAY)
    notice = services.notice_send(case=case, user=world.cpe.user, today=TODAY)
    client.force_login(world.cpe.user)
    text = client.get(case.get_absolute_url()).content.decode()
    assert 'M. Marc DURAND : <strong class="text-danger">non remis</strong>' in text
    assert "imprimer le courrier et appeler la famille" in text
    assert "en attente d&#x27;envoi" not in text.split("M. Marc DURAND :")[1].split("</li>")[0]
    assert "Appeler M. Marc DURAND au 06 11 22 33 44" in text
    letter_url = reverse("suivi:notice_letter", args=[case.pk, notice.pk])
    assert letter_url in text
    letter = client.get(letter_url).content.decode()
    assert letter.count('class="letter"') == 1  # only the guardian the mail could not reach
    assert "M. Marc DURAND" in letter and "Responsable légal de Léa DURAND (1G3)" in letter
    assert "Lycée Jean Zay" in letter and "le 4 décembre 2026" in letter
    assert "a manqué sans justification 2 séances à distance sur 4" in letter
    assert "Coupon à découper et à rapporter à la vie scolaire" in letter
    both = client.get(letter_url + "?tous=1").content.decode()
    assert both.count('class="letter"') == 2
    assert CaseAction.objects.filter(case=case, done_at__isnull=True).count() == 1
    queue = client.get(reverse("suivi:case_list")).content.decode()
    assert "avis non remis : courrier à imprimer, famille à appeler" in queue


def test_it_refuses_a_bad_placeholder_on_the_settings_page(world, client):
    client.force_login(world.cpe.user)
    page = client.post(
        reverse("suivi:settings"),
        {"form": "notice1", "notice1-subject": "Suivi de {eleve}", "notice1-body": "Il a manqué {absences:s}."},
    )
    assert page.status_code == 200
    assert "Le champ {absences:s} n&#x27;existe pas ou est mal écrit" in page.content.decode()
    assert "{absences:s}" not in services.notice_templates_get(etablissement=world.etablissement)[0].body


def test_it_mails_the_family_signed_by_the_cpe_with_a_reply_to_and_no_html_entity(world, frozen, case, settings):
    cpe = world.cpe
    cpe.civility, cpe.first_name, cpe.last_name, cpe.email = "Mme", "Anne", "L'HERMITTE", "a.lhermitte@lycee.fr"
    cpe.save()
    world.student.last_name = "D'ALMEIDA"
    world.student.save()
    services.settings_update(etablissement=world.etablissement, user=cpe.user, vie_scolaire_phone="02 38 00 00 00")
    services.notice_send(case=case, user=cpe.user, today=TUESDAY)
    services.notice_send(case=case, user=cpe.user, today=TODAY)
    row = Notification.objects.get(kind="suivi.notice", guardian=world.guardian)
    assert notification_deliver(notification_id=row.pk) == "sent"
    message = email.message_from_bytes(mail.outbox[0].message().as_bytes(), policy=policy.default)
    assert message["Subject"] == "Suivi de la scolarité de Léa D'ALMEIDA"
    assert message["Reply-To"] == "a.lhermitte@lycee.fr"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "&#" not in text and "&amp;" not in text
    assert "Léa D'ALMEIDA a manqué sans justification 2 séances à distance sur 4." in text
    assert "Anne L'HERMITTE\nConseillère principale d'éducation\nLycée Jean Zay\nVie scolaire : 02 38 00 00 00" in text


def test_it_answers_the_letter_with_a_pinned_number_of_queries(world, client, frozen, case, django_assert_num_queries):
    services.notice_send(case=case, user=world.cpe.user, today=TUESDAY)
    notice = services.notice_send(case=case, user=world.cpe.user, today=TODAY)
    client.force_login(world.cpe.user)
    # 1 session, 2 user with his profiles and unread notifications, 3 the case with student and school,
    # 4 the notice with its sender, 5 its outbox rows with the guardians, 6 the school's suivi settings,
    # 7 the sender's staff profile (signature), 8-10 access-log entry in a savepoint,
    # 11-13 savepoint, session save, release (login middleware)
    with django_assert_num_queries(13):
        page = client.get(reverse("suivi:notice_letter", args=[case.pk, notice.pk]))
    assert page.content.decode().count('class="letter"') == 2  # both delivered by mail: both printable


def test_it_addresses_each_letter_to_its_guardian_and_says_the_figures_are_those_sent(world, client, frozen, case):
    services.notice_send(case=case, user=world.cpe.user, today=TUESDAY)
    notice = services.notice_send(case=case, user=world.cpe.user, today=TODAY)
    client.force_login(world.cpe.user)
    page = client.get(reverse("suivi:notice_letter", args=[case.pk, notice.pk]))
    text = " ".join(html.unescape(strip_tags(page.content.decode())).split())
    # Marc DURAND ("M.") reads "Monsieur,", not the general form the mail to both keeps.
    letter = text[text.index("Courrier") :]
    marc = letter[letter.index("M. Marc DURAND") :]
    assert "Monsieur, Du " in marc and "Madame, Monsieur" not in marc.split("Coupon")[0]
    day = french.day_month(TODAY)
    assert f"Le texte de l'avis envoyé le {day} {TODAY.year}, avec les chiffres comptés ce jour-là" in text
