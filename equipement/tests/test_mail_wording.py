"""The equipment mails as their recipients read them: « d'Arthur » (elided as French writes it), the
person who actually answered a need, and how long the loan agreement's link lives."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from continuite.notifications.models import Notification
from equipement import services
from equipement.models import Decision, Loan, NeedContext
from equipement.tests.factories import DeviceFactory
from suivi import services as suivi_services
from suivi.models import NoticeTemplate

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def arthur(world):
    world.student.first_name, world.student.last_name = "Arthur", "ROGER"
    world.student.save()
    return world


def declared(w):
    return services.need_declare(
        user=w.cpe.user, student=w.student, missing=["ordinateur"], context=NeedContext.SHARED_DEVICE
    )


def test_it_writes_d_arthur_and_names_the_gestionnaire_who_decided_in_the_cpe_mail(arthur):
    w = arthur
    gestionnaire = w.gestionnaire.user
    with time_machine.travel(TODAY, tick=False):
        services.need_decide(user=gestionnaire, need=declared(w), decision=Decision.PAPER)
    mail = Notification.objects.get(kind="equipement.decision", user=w.cpe.user)
    assert mail.subject == "Besoin d'équipement d'Arthur ROGER : décision"
    name = gestionnaire.get_full_name()
    assert f"{name} (gestionnaire) a répondu au besoin d'équipement d'Arthur ROGER (Ordinateur)." in mail.body_text
    assert "La direction a répondu" not in mail.body_text
    assert "d&#x27;Arthur" in mail.body_html and "(gestionnaire) a répondu" in mail.body_html


def test_it_names_the_direction_when_the_direction_decided(arthur):
    w = arthur
    with time_machine.travel(TODAY, tick=False):
        services.need_decide(user=w.direction.user, need=declared(w), decision=Decision.PAPER)
    mail = Notification.objects.get(kind="equipement.decision", user=w.cpe.user)
    assert f"{w.direction.user.get_full_name()} (direction) a répondu" in mail.body_text


def test_it_says_how_long_the_agreement_link_lives_and_the_link_lives_that_long(arthur):
    w = arthur
    device = DeviceFactory(etablissement=w.etablissement)
    with time_machine.travel(TODAY, tick=False):
        services.need_decide(user=w.gestionnaire.user, need=declared(w), decision=Decision.SCHOOL_LOAN, device=device)
    loan = Loan.objects.get()
    mail = Notification.objects.get(kind="equipement.agreement", guardian=w.guardian)
    assert mail.subject == "Prêt de matériel pour Arthur ROGER : convention à accepter"
    said = (
        "Ce lien est valable 60 jours, jusqu'au vendredi 15 janvier 2027 à 11h00 ; ensuite, demandez-en un nouveau à "
        "l'établissement."
    )
    assert said in mail.body_text
    assert said in mail.body_html
    url = next(line for line in mail.body_text.splitlines() if "/equipement/convention/" in line).strip()
    token = url.rstrip("/").rsplit("/", 1)[-1]
    with time_machine.travel(dt.datetime(2027, 1, 15, 9, 0, tzinfo=dt.UTC), tick=False):
        assert services.agreement_from_token(token) == (loan, w.guardian)
    with time_machine.travel(dt.datetime(2027, 1, 15, 11, 0, tzinfo=dt.UTC), tick=False):
        with pytest.raises(ValidationError, match="expiré"):
            services.agreement_from_token(token)


def test_it_elides_the_default_notice_subject_before_a_vowel(arthur):
    w = arthur
    template = NoticeTemplate(level=2, subject="Absences de {eleve} : nous avons besoin de vous", body="De {eleve}.")
    figures = {"start": "2026-11-17", "end": "2026-12-01", "sessions": 1, "unexcused": 1, "missing_work": 0}
    subject, body = suivi_services.notice_render(
        student=w.student, etablissement=w.etablissement, template=template, figures=figures, today=TODAY.date()
    )
    assert subject == "Absences d'Arthur ROGER : nous avons besoin de vous"
    assert body == "D'Arthur ROGER."
