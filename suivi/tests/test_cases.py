"""The CPE's case: actions and reviews, contacts, escalation, closure, purge, register rules."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from continuite.notifications.models import Notification
from suivi import retention, services
from suivi.models import AttendanceMark, Case, CaseStatus

from .conftest import TODAY
from .factories import CaseActionFactory, CaseFactory
from .helpers import remote_session

pytestmark = pytest.mark.django_db


def test_it_takes_a_register_with_everyone_present_by_default(world, frozen):
    session = remote_session(world, TODAY)
    register = services.register_take(session=session, user=world.teacher.user, marks={})
    assert list(register.marks.values_list("status", flat=True)) == ["present"]


def test_it_refuses_an_unknown_status_in_french_and_writes_nothing(world, frozen):
    session = remote_session(world, TODAY)
    with pytest.raises(ValidationError, match="État de présence inconnu"):
        services.register_take(session=session, user=world.teacher.user, marks={world.student.pk: "dormeur"})
    assert not AttendanceMark.objects.exists()


def test_it_refuses_a_register_for_a_session_in_class(world, frozen):
    session = remote_session(world, TODAY, modality="presence")
    with pytest.raises(ValidationError, match="classe virtuelle"):
        services.register_take(session=session, user=world.teacher.user, marks={})


def test_it_opens_a_case_after_a_register_with_absences(world, frozen, django_capture_on_commit_callbacks):
    from .helpers import registers

    registers(world.student, ["absent", "absent", "absent", "present", "present"])
    session = remote_session(world, TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.register_take(session=session, user=world.teacher.user, marks={world.student.pk: "absent"})
    case = Case.objects.get(student=world.student)
    assert case.level == "risque"
    assert Notification.objects.filter(kind="suivi.case_opened", user=world.cpe.user).exists()


def test_it_keeps_the_earliest_review_date_of_open_actions(world, frozen):
    case = CaseFactory(student=world.student)
    services.case_action_add(
        case=case, user=world.cpe.user, what="Tutorat", owner=world.tutor, review_on=TODAY + dt.timedelta(days=7)
    )
    first = services.case_action_add(
        case=case, user=world.cpe.user, what="Appel", owner=world.cpe, review_on=TODAY + dt.timedelta(days=2)
    )
    assert case.review_on == TODAY + dt.timedelta(days=2)
    services.case_action_done(action=first, user=world.cpe.user)
    case.refresh_from_db()
    assert case.review_on == TODAY + dt.timedelta(days=7)


def test_it_escalates_to_the_direction_and_tells_it(world, frozen):
    case = CaseFactory(student=world.student)
    services.case_escalate(case=case, user=world.cpe.user, text="Absences persistantes malgré deux avis.")
    assert case.escalated_at is not None
    assert Notification.objects.filter(kind="suivi.case_escalated", user=world.direction.user).count() == 1
    with pytest.raises(ValidationError, match="déjà été transmis"):
        services.case_escalate(case=case, user=world.cpe.user, text="Encore")


def test_it_closes_a_case_with_a_hand_over_and_then_refuses_changes(world, frozen):
    case = CaseFactory(student=world.student)
    services.case_close(case=case, user=world.cpe.user, outcome="mlds", text="Relais pris par la MLDS.")
    assert case.status == CaseStatus.CLOSED
    with pytest.raises(ValidationError, match="clos"):
        services.case_interview_record(case=case, user=world.cpe.user, text="Trop tard")


def test_it_logs_a_family_contact_only_with_a_guardian_of_the_student(world, frozen):
    case = CaseFactory(student=world.student)
    contact = services.family_contact_log(
        student=world.student, case=case, user=world.cpe.user, channel="appel", outcome="joint", guardian=world.guardian
    )
    assert contact.case == case
    from continuite.ecole.tests.factories import GuardianFactory

    stranger = GuardianFactory(etablissement=world.etablissement)
    with pytest.raises(ValidationError, match="rattaché"):
        services.family_contact_log(
            student=world.student, case=case, user=world.cpe.user, channel="appel", outcome="joint", guardian=stranger
        )


def test_it_tells_the_cpe_once_a_day_about_reviews_due(world, frozen):
    CaseActionFactory(case__student=world.student, review_on=TODAY)
    Case.objects.update(review_on=TODAY)
    assert services.reviews_due_notify(etablissement=world.etablissement, today=TODAY) == 1
    services.reviews_due_notify(etablissement=world.etablissement, today=TODAY)
    rows = Notification.objects.filter(kind="suivi.reviews_due")
    assert rows.count() == 1 and rows[0].user == world.cpe.user


def test_the_cpes_review_mail_names_the_student_his_class_the_lateness_and_links_each_case(world, frozen, settings):
    import email

    from django.core import mail

    from continuite.notifications.services import notification_deliver

    late = CaseFactory(student=world.student, etablissement=world.etablissement, level="risque")
    Case.objects.filter(pk=late.pk).update(review_on=TODAY - dt.timedelta(days=3))
    services.reviews_due_notify(etablissement=world.etablissement, today=TODAY)
    row = Notification.objects.get(kind="suivi.reviews_due")
    assert row.subject == "1 point de suivi à faire aujourd'hui, dont 1 en retard"
    notification_deliver(notification_id=row.pk)
    message = email.message_from_bytes(mail.outbox[-1].message().as_bytes(), policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"- Léa DURAND ({world.student.division}), niveau risque — en retard : point prévu le " in text
    assert f"{settings.SITE_URL}{late.get_absolute_url()}" in text
    assert f"{settings.SITE_URL}/suivi/" in text and "GPDS" in text
    assert "&#x27;" not in text and "&#x27;" not in message["Subject"]


def test_it_purges_closed_cases_after_the_following_school_year(world):
    closed_on = timezone.make_aware(dt.datetime(2027, 3, 1, 12))
    case = CaseFactory(student=world.student, status="clos", closed_at=closed_on, outcome="resolu")
    during_next_year = timezone.make_aware(dt.datetime(2028, 6, 1))
    after_it = timezone.make_aware(dt.datetime(2028, 9, 2))
    assert retention.purge_closed_cases(during_next_year, False) == 0
    assert retention.purge_closed_cases(after_it, True) == 1
    assert Case.objects.filter(pk=case.pk).exists()
    assert retention.purge_closed_cases(after_it, False) == 1
    assert not Case.objects.filter(pk=case.pk).exists()
