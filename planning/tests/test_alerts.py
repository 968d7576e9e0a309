"""Overload alerts: told when a rule is newly exceeded or an excess grows, the rule named, never for one hybrid hour."""

import datetime as dt
from email import message_from_bytes, policy

import pytest
import time_machine
from django.core import mail

from continuite.ecole.models import Student
from continuite.ecole.tests.factories import StudentFactory
from continuite.notifications.models import Notification
from planning import services
from planning.alerts import overload_check
from planning.models import HomeworkKind, Modality, OverloadRecord, RemoteMode, SchoolDay
from planning.tests.factories import SessionFactory, SlotFactory
from planning.workload import Thresholds, audience_load, student_loads

MONDAY = dt.date(2026, 11, 30)
TUESDAY = MONDAY + dt.timedelta(days=1)
ASYNC_DAY_RULE = "travail à faire : plus de 120 min par jour"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_morning():
    # 10:00 in Paris: outside the quiet hours, the mail leaves at once.
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def give(w, minutes, *, due=TUESDAY, kind=HomeworkKind.EXERCISE, title="Exercices"):
    return services.homework_create(
        etablissement=w.etablissement,
        title=title,
        given_on=MONDAY,
        due_date=due,
        estimated_minutes=minutes,
        kind=kind,
        by=w.teacher,
        division=w.division,
    )


def received():
    """Deliver the notices written (as the Celery task does), then read the mails as a mail client does."""
    from continuite.notifications.services import notification_deliver

    for pk in Notification.objects.filter(status="pending").order_by("pk").values_list("pk", flat=True):
        notification_deliver(notification_id=pk)
    return [message_from_bytes(m.message().as_bytes(), policy=policy.default) for m in mail.outbox]


def subject(message) -> str:
    return str(message["Subject"]).strip()  # a folded header starts with a space


def test_it_sends_a_second_alert_naming_the_rule_when_the_excess_grows(calendar, django_capture_on_commit_callbacks):
    w = calendar
    give(w, 150, title="Dissertation")
    give(w, 40, title="Fiche de lecture")
    first, second = received()
    assert first["To"] == w.tutor.user.email
    assert subject(first) == (
        f"Charge de travail : la 1G3 dépasse un seuil, semaine du 30 novembre 2026 — {ASYNC_DAY_RULE}"
    )
    assert subject(second) == (
        f"Charge de travail : la 1G3 dépasse encore plus, semaine du 30 novembre 2026 — {ASYNC_DAY_RULE}"
    )
    first_text = first.get_body(("plain",)).get_content()
    second_text = second.get_body(("plain",)).get_content()
    assert f"- mardi 1er décembre : 150 min — {ASYNC_DAY_RULE} (nouveau)" in first_text
    assert f"- mardi 1er décembre : 190 min — {ASYNC_DAY_RULE} (était 150 min)" in second_text
    assert "seuils de l'établissement" in first_text and "l'équipe pédagogique" in second_text
    for message in (first, second):
        assert "&#x27;" not in subject(message) + message.get_body(("plain",)).get_content()
    assert OverloadRecord.objects.get(division=w.division, monday=MONDAY).exceeded == {"2026-12-01:async_minutes": 190}


def test_it_sends_nothing_more_while_the_week_gets_no_worse(calendar):
    w = calendar
    heavy = give(w, 150)
    give(w, 30, due=MONDAY + dt.timedelta(days=3))  # Thursday stays under its threshold
    services.homework_update(homework=heavy, estimated_minutes=140)  # lighter: nothing to say
    services.homework_update(homework=heavy, estimated_minutes=150)  # back to what was told
    assert len(received()) == 1


def test_it_alerts_again_when_a_threshold_is_exceeded_again(calendar):
    w = calendar
    heavy = give(w, 150)
    services.homework_update(homework=heavy, estimated_minutes=60)  # back under: forgotten
    give(w, 40, kind=HomeworkKind.ASSESSMENT)
    give(w, 40, kind=HomeworkKind.ASSESSMENT, title="Contrôle")  # 140 min and two assessments on Tuesday
    subjects = [subject(m) for m in received()]
    assert len(subjects) == 2
    assert subjects[1].endswith("— travail à faire : plus de 120 min par jour ; plus d'une évaluation par jour")


def test_it_sends_nothing_for_one_hybrid_hour(calendar):
    w = calendar
    StudentFactory(division=w.division).groups.set([w.half_b])  # at a distance for that hour: 100 % video
    slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    services.session_plan(
        slot=slot, date=MONDAY, modality=Modality.HYBRIDE, hybrid_room_half="A", hybrid_remote_mode=RemoteMode.LIVE
    )
    assert not Notification.objects.filter(kind="planning.overload").exists()
    assert received() == []
    days = list(SchoolDay.objects.filter(etablissement=w.etablissement).in_week(MONDAY))
    thresholds = Thresholds.of(services.planning_settings_get(etablissement=w.etablissement))
    rows = student_loads(students=Student.objects.filter(division=w.division), days=days)
    load = audience_load(rows, days, thresholds)
    assert load.video_share == 100 and not load.share_applies and load.week_overs == []


def test_it_names_the_video_share_rule_once_the_week_has_enough_remote_time(calendar):
    w = calendar
    for day in range(2):  # 2 × 4 h of classe virtuelle, nothing else at a distance: 100 % video
        SessionFactory(division=w.division, date=MONDAY + dt.timedelta(days=day), start=dt.time(8), end=dt.time(12))
    assert overload_check(etablissement=w.etablissement, division_id=w.division.pk, group_id=None, monday=MONDAY)
    notice = Notification.objects.get(kind="planning.overload")
    assert notice.subject.endswith("— classe virtuelle : plus de 50 % des heures à distance de la semaine")
    assert "- sur la semaine : 100 % — classe virtuelle : plus de 50 % des heures à distance" in notice.body_text
