"""Notices to families: a warning to the form tutor first, both legal guardians, only when worse,
never while a justification covers the absences."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from continuite.notifications.models import Notification
from suivi import services
from suivi.models import Notice, NoticeStage

from .conftest import TODAY
from .factories import CaseFactory, JustificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return CaseFactory(student=world.student, severity=2, evidence={"sessions": 4, "unexcused": 2})


def send(world, case):
    return services.notice_send(case=case, user=world.users["cpe"], today=TODAY)


def test_it_warns_the_form_tutor_before_the_first_notice(world, frozen, case):
    notice = send(world, case)
    assert (notice.stage, notice.level) == (NoticeStage.WARNING, 1)
    rows = list(Notification.objects.filter(kind="suivi.notice_warning"))
    assert [row.user for row in rows] == [world.tutor.user]
    assert not Notification.objects.filter(kind="suivi.notice").exists()


def test_it_sends_the_notice_to_both_legal_guardians_asking_each_to_acknowledge(world, frozen, case):
    send(world, case)
    notice = send(world, case)
    assert (notice.stage, notice.level) == (NoticeStage.NOTICE, 1)
    rows = Notification.objects.filter(kind="suivi.notice").order_by("pk")
    assert {row.guardian for row in rows} == {world.guardian, world.guardian2}
    assert all(row.ack_required for row in rows)
    assert "Léa DURAND" in rows[0].body_text and "2 des 4 séances" in rows[0].body_text
    case.refresh_from_db()
    assert case.notice_level == 1


def test_it_refuses_a_new_notice_when_the_situation_did_not_get_worse(world, frozen, case):
    send(world, case)
    send(world, case)
    with pytest.raises(ValidationError, match="pas aggravée"):
        send(world, case)
    assert Notice.objects.filter(case=case).count() == 2


def test_it_sends_the_next_level_once_the_situation_got_worse(world, frozen, case):
    send(world, case)
    send(world, case)
    type(case).objects.filter(pk=case.pk).update(severity=3)  # the signals found one more absence
    warning = send(world, case)
    notice = send(world, case)
    assert (warning.stage, warning.level, notice.stage, notice.level) == ("avertissement", 2, "avis", 2)


def test_it_refuses_any_notice_while_a_justification_covers_the_absences(world, frozen, case):
    JustificationFactory(student=world.student, start=TODAY - dt.timedelta(days=3), end=TODAY + dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="justification valable"):
        send(world, case)
    assert not Notice.objects.exists() and not Notification.objects.exists()


def test_it_sends_the_text_edited_by_the_school_and_keeps_it(world, frozen, case):
    services.notice_template_update(
        etablissement=world.etablissement,
        user=world.users["cpe"],
        level=1,
        subject="Au sujet de {eleve}",
        body="Bonjour, {eleve} a manqué {absences} séances.",
    )
    send(world, case)
    notice = send(world, case)
    assert notice.subject == "Au sujet de Léa DURAND"
    assert notice.body == "Bonjour, Léa DURAND a manqué 2 séances."
    assert Notification.objects.filter(kind="suivi.notice").first().subject == "Au sujet de Léa DURAND"


def test_it_refuses_a_template_with_an_unknown_field(world):
    with pytest.raises(ValidationError, match="champ inconnu"):
        services.notice_template_update(
            etablissement=world.etablissement, user=world.users["cpe"], level=1, subject="x", body="{inconnu}"
        )


def test_it_leaves_delivery_hours_to_the_outbox_quiet_hours(world, case):
    import time_machine

    from .conftest import NOW

    with time_machine.travel(NOW.replace(hour=21), tick=False):
        send(world, case)
        send(world, case)
    row = Notification.objects.filter(kind="suivi.notice").first()
    assert row.next_attempt_at.astimezone(NOW.tzinfo).hour == 7
