"""Notices to families: true when they leave (figures counted at send time), a warning stage that
reaches a real person, a delay before the family notice, placeholders that cannot break a send,
and words a family reads without stumbling (plurals, "1er", the rule that applies at the
student's age)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from continuite.notifications.models import Notification
from suivi import services
from suivi.models import CaseAction, Notice, NoticeStage, NoticeTemplate

from .conftest import NOW, TODAY
from .factories import CaseFactory, JustificationFactory
from .helpers import registers

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 12, 1)  # three school days before TODAY (Friday 4 December)


@pytest.fixture
def case(world):
    # Two unexcused absences out of four remote sessions, in the window; the case was opened on
    # older figures (one absence of one session): the notice must not re-use them.
    registers(world.student, ["absent", "absent", "present", "present"])
    return CaseFactory(student=world.student, severity=1, evidence={"sessions": 1, "unexcused": 1})


def send(world, case, today=TODAY):
    return services.notice_send(case=case, user=world.users["cpe"], today=today)


def warn_then_notify(world, case):
    send(world, case, today=TUESDAY)
    return send(world, case)


def test_it_warns_the_form_tutor_first_with_his_own_text(world, frozen, case):
    notice = send(world, case)
    assert (notice.stage, notice.level) == (NoticeStage.WARNING, 1)
    rows = list(Notification.objects.filter(kind="suivi.notice_warning"))
    assert [row.user for row in rows] == [world.tutor.user]
    assert notice.told == f"{world.tutor.first_name} {world.tutor.last_name} (professeur principal)"
    text = rows[0].body_text
    assert "Léa DURAND a manqué sans justification 2 séances à distance sur 4." in text
    assert "au plus tôt le mardi 8 décembre" in text
    assert "Madame, Monsieur" not in text  # not the family letter
    assert not Notification.objects.filter(kind="suivi.notice").exists()


def test_it_warns_the_cpe_when_the_form_tutor_has_no_account(world, frozen, case):
    world.tutor.user.is_active = False
    world.tutor.user.save()
    notice = send(world, case)
    rows = list(Notification.objects.filter(kind="suivi.notice_warning"))
    assert [row.user for row in rows] == [world.cpe.user]
    assert "(CPE) : le professeur principal n'a pas de compte" in notice.told


def test_it_keeps_the_family_notice_until_the_delay_after_the_warning(world, frozen, case):
    send(world, case)
    with pytest.raises(ValidationError, match="pourra partir le mardi 8 décembre"):
        send(world, case)
    assert not Notification.objects.filter(kind="suivi.notice").exists()


def test_it_sends_the_family_notice_before_the_delay_when_things_got_worse(world, frozen, case):
    send(world, case)
    registers(world.student, ["absent"], first_day=dt.date(2026, 12, 2))
    notice = send(world, case)
    assert (notice.stage, notice.level) == (NoticeStage.NOTICE, 1)


def test_it_sends_the_notice_to_both_guardians_with_the_figures_of_the_day_it_leaves(world, frozen, case):
    notice = warn_then_notify(world, case)
    assert (notice.stage, notice.level) == (NoticeStage.NOTICE, 1)
    rows = Notification.objects.filter(kind="suivi.notice").order_by("pk")
    assert {row.guardian for row in rows} == {world.guardian, world.guardian2}
    assert all(row.ack_required for row in rows)
    assert "Du 17 novembre au 4 décembre, Léa DURAND a manqué sans justification 2 séances à distance sur 4." in (
        rows[0].body_text
    )
    assert notice.figures == {
        "start": "2026-11-17",
        "end": "2026-12-04",
        "sessions": 4,
        "unexcused": 2,
        "missing_work": 0,
    }
    assert "travaux" not in rows[0].body_text  # nothing said of what is zero
    case.refresh_from_db()
    assert case.notice_level == 1


def test_it_refuses_the_false_notice_once_the_absences_are_justified(world, frozen):
    """The notice that reached a family: one absence, justified after the case opened."""
    (mark,) = registers(world.student, ["absent"])
    case = CaseFactory(student=world.student, severity=1, evidence={"sessions": 1, "unexcused": 1})
    send(world, case, today=TUESDAY)
    day = mark.register.date
    services.absence_justify(user=world.users["cpe"], student=world.student, start=day, end=day, reason="mot_famille")
    with pytest.raises(ValidationError) as refused:
        send(world, case)
    assert (
        "Rien n'est envoyé : du 17 novembre au 4 décembre, Léa DURAND n'a plus aucune absence à justifier"
        in (refused.value.messages[0])
    )
    assert not Notification.objects.filter(kind="suivi.notice").exists()
    assert Notice.objects.filter(case=case).count() == 1  # the warning only


def test_it_refuses_a_step_already_sent_by_another_click(world, frozen, case):
    services.notice_send(case=case, user=world.users["cpe"], today=TODAY, expected_step="avertissement:1")
    with pytest.raises(ValidationError, match="double clic"):
        services.notice_send(case=case, user=world.users["cpe"], today=TODAY, expected_step="avertissement:1")
    assert Notice.objects.filter(case=case).count() == 1


def test_it_refuses_a_new_notice_when_the_situation_did_not_get_worse(world, frozen, case):
    warn_then_notify(world, case)
    with pytest.raises(ValidationError, match="pas aggravée"):
        send(world, case)
    assert Notice.objects.filter(case=case).count() == 2


def test_it_sends_the_next_level_once_the_situation_got_worse(world, case):
    with time_machine.travel(NOW, tick=False):
        warn_then_notify(world, case)
        registers(world.student, ["absent"], first_day=dt.date(2026, 12, 4))
        warning = send(world, case)
    with time_machine.travel(NOW + dt.timedelta(days=4), tick=False):
        notice = send(world, case, today=TODAY + dt.timedelta(days=4))
    assert (warning.stage, warning.level, notice.stage, notice.level) == ("avertissement", 2, "avis", 2)


def test_it_refuses_any_notice_while_a_justification_covers_the_absences(world, frozen, case):
    JustificationFactory(student=world.student, start=TODAY - dt.timedelta(days=3), end=TODAY + dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="justification valable"):
        send(world, case)
    assert not Notice.objects.exists() and not Notification.objects.exists()


def test_it_sends_the_text_edited_by_the_school_signed_by_the_cpe(world, frozen, case):
    services.notice_template_update(
        etablissement=world.etablissement,
        user=world.users["cpe"],
        level=1,
        subject="Au sujet de {eleve}",
        body="Bonjour, {eleve} a manqué {absences} séances sur {seances}.",
    )
    notice = warn_then_notify(world, case)
    assert notice.subject == "Au sujet de Léa DURAND"
    cpe = world.cpe
    assert notice.body.startswith("Bonjour, Léa DURAND a manqué 2 séances sur 4.\n\n")
    assert f"{cpe.first_name} {cpe.last_name}\n" in notice.body
    assert Notification.objects.filter(kind="suivi.notice").first().subject == "Au sujet de Léa DURAND"


@pytest.mark.parametrize("text", ["{absences:s}", "{absences.real}", "{eleve!r}", "{0}", "{}", "{inconnu}"])
def test_it_refuses_a_placeholder_that_is_not_written_plainly(world, text):
    with pytest.raises(ValidationError, match="n'existe pas ou est mal écrit"):
        services.notice_template_update(
            etablissement=world.etablissement, user=world.users["cpe"], level=1, subject="x", body=f"Il a {text}."
        )
    assert not NoticeTemplate.objects.filter(body__contains="Il a").exists()


def test_it_refuses_a_lone_brace(world):
    with pytest.raises(ValidationError, match="accolade"):
        services.notice_template_update(
            etablissement=world.etablissement, user=world.users["cpe"], level=1, subject="x", body="Il a {absences"
        )


def test_it_answers_in_french_when_a_stored_text_cannot_be_rendered(world, frozen, case):
    send(world, case, today=TUESDAY)
    # a text saved before the check existed
    NoticeTemplate.objects.filter(etablissement=world.etablissement, level=1).update(body="{absences.real}")
    with pytest.raises(ValidationError, match="avis de niveau 1 contient un champ mal écrit"):
        send(world, case)
    assert not Notification.objects.filter(kind="suivi.notice").exists()


def test_it_writes_plurals_and_the_first_of_the_month_as_french_does(world, frozen):
    registers(world.student, ["absent"])
    figures = {"start": "2026-11-17", "end": "2026-12-01", "sessions": 1, "unexcused": 1, "missing_work": 1}
    template = NoticeTemplate(level=1, subject="{date}", body="Du {periode}, {constat}")
    subject, body = services.notice_render(
        student=world.student, etablissement=world.etablissement, template=template, figures=figures, today=TUESDAY
    )
    assert subject == "1er décembre 2026"
    assert body == (
        "Du 17 novembre au 1er décembre, Léa DURAND a manqué sans justification 1 séance à distance sur 1, "
        "et 1 travail demandé n'a pas été rendu."
    )
    figures.update(unexcused=0, missing_work=3)
    _subject, body = services.notice_render(
        student=world.student, etablissement=world.etablissement, template=template, figures=figures, today=TUESDAY
    )
    assert body.endswith("3 travaux demandés n'ont pas été rendus.")


@pytest.mark.parametrize(
    ("born", "says", "never"),
    [
        (dt.date(2011, 3, 1), "L'instruction est obligatoire jusqu'à 16 ans", "obligation de formation"),
        (dt.date(2009, 3, 1), "Jusqu'à 18 ans, tout jeune doit être en formation", "L'instruction est obligatoire"),
        (dt.date(2008, 3, 1), "L'assiduité fait partie des obligations", "obligatoire"),
    ],
)
def test_it_names_the_rule_that_applies_at_the_students_age_in_the_level_3_letter(world, born, says, never):
    world.student.birth_date = born
    template = services.notice_templates_get(etablissement=world.etablissement)[2]
    figures = {"start": "2026-11-17", "end": "2026-12-04", "sessions": 4, "unexcused": 3, "missing_work": 0}
    _subject, body = services.notice_render(
        student=world.student, etablissement=world.etablissement, template=template, figures=figures, today=TODAY
    )
    assert says in body and never not in body


def test_it_gives_a_printable_letter_and_a_call_task_for_a_guardian_without_email(world, frozen, case):
    world.guardian2.email = ""
    world.guardian2.mobile = "06 11 22 33 44"
    world.guardian2.save()
    notice = warn_then_notify(world, case)
    row = Notification.objects.get(kind="suivi.notice", guardian=world.guardian2)
    assert row.status == "failed" and "Aucune adresse" in row.last_error
    task = CaseAction.objects.get(case=case)
    assert task.what.startswith("Appeler M. Marc DURAND au 06 11 22 33 44 : l'avis de niveau 1 n'a pas pu partir")
    assert task.owner == world.cpe and task.review_on == TODAY
    case.refresh_from_db()
    assert case.review_on == TODAY
    assert notice.told.count("DURAND") == 2


def test_a_notice_the_mail_server_refuses_gives_the_cpe_a_call_task_once(world, frozen, case, monkeypatch):
    import smtplib

    from continuite.notifications import services as outbox

    world.guardian2.mobile = "06 11 22 33 44"
    world.guardian2.save()
    notice = warn_then_notify(world, case)
    row = Notification.objects.get(kind="suivi.notice", guardian=world.guardian2)
    Notification.objects.filter(pk=row.pk).update(status="pending", next_attempt_at=NOW)
    assert not CaseAction.objects.filter(case=case).exists()

    def refuse(message):
        raise smtplib.SMTPRecipientsRefused({row.email: (550, b"5.1.1 No such user")})

    monkeypatch.setattr(outbox, "_send", refuse)
    assert outbox.notification_deliver(notification_id=row.pk) == "failed"
    task = CaseAction.objects.get(case=case)
    assert task.what.startswith(
        f"Appeler M. Marc DURAND au 06 11 22 33 44 : l'avis de niveau {notice.level} envoyé à {row.email} "
        "n'a pas été remis (refusé par le serveur de courriel)."
    )
    assert task.owner == world.cpe and task.review_on == TODAY
    case.refresh_from_db()
    assert case.review_on == TODAY
    # a second worker finding the row already failed adds nothing
    assert outbox.notification_deliver(notification_id=row.pk) == "skipped"
    assert CaseAction.objects.filter(case=case).count() == 1


def test_a_refused_mail_that_is_not_a_formal_notice_gives_no_call_task(world, frozen, case, monkeypatch):
    import smtplib

    from continuite.notifications import services as outbox

    send(world, case, today=TUESDAY)  # the warning to the form tutor
    row = Notification.objects.get(kind="suivi.notice_warning")
    Notification.objects.filter(pk=row.pk).update(status="pending", next_attempt_at=NOW)

    def refuse(message):
        raise smtplib.SMTPRecipientsRefused({row.email: (550, b"No such user")})

    monkeypatch.setattr(outbox, "_send", refuse)
    assert outbox.notification_deliver(notification_id=row.pk) == "failed"
    assert not CaseAction.objects.filter(case=case).exists()


def test_it_leaves_delivery_hours_to_the_outbox_quiet_hours(world, case):
    with time_machine.travel(NOW.replace(hour=21), tick=False):
        warn_then_notify(world, case)
    row = Notification.objects.filter(kind="suivi.notice").first()
    assert row.next_attempt_at.astimezone(NOW.tzinfo).hour == 7


@pytest.mark.django_db(transaction=True)
def test_it_sends_one_step_when_two_clicks_arrive_at_once(world):
    """Two requests at the same moment: the case row is locked, the second one reads the first
    one's step once it commits and sends nothing (PostgreSQL: real concurrent transactions)."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    registers(world.student, ["absent", "absent", "present"], first_day=dt.date.today() - dt.timedelta(days=2))
    case = CaseFactory(student=world.student)
    barrier, outcomes = threading.Barrier(2), []

    def click():
        try:
            barrier.wait()
            services.notice_send(case=case, user=world.users["cpe"], expected_step="avertissement:1")
            outcomes.append("sent")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[1] == "sent" and "double clic" in sorted(outcomes)[0]
    assert Notice.objects.filter(case=case).count() == 1
    assert Notification.objects.filter(kind="suivi.notice_warning").count() == 1
