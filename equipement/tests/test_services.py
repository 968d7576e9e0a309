"""The equipment services: needs, decisions, loans, agreements, returns and reminders."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from continuite.notifications.models import Notification
from equipement import services
from equipement.models import (
    AgreementChannel,
    Decision,
    DeviceState,
    Loan,
    LoanStatus,
    Need,
    NeedContext,
    NeedStatus,
)
from equipement.queries import paper_student_ids

from .factories import DecidedNeedFactory, DeviceFactory, LoanFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)


def declare(world, **overrides):
    kwargs = {
        "user": world.teacher.user,
        "student": world.student,
        "missing": ["ordinateur"],
        "context": NeedContext.SHARED_DEVICE,
    }
    kwargs.update(overrides)
    return services.need_declare(**kwargs)


def notices(prefix):
    return list(Notification.objects.filter(idempotency_key__startswith=prefix).order_by("idempotency_key"))


def test_it_lets_a_teacher_declare_a_need_for_his_student(world):
    need = declare(world, missing=["ordinateur", "connexion"], ent_codes_ok=False, needs_training=True)
    assert need.status == NeedStatus.WAITING
    assert need.missing == ["ordinateur", "connexion"]
    assert need.declared_by == world.teacher.user
    readiness = need.student.digital_readiness
    assert (readiness.ent_codes_given, readiness.knows_tools, readiness.needs_training) == (False, None, True)


def test_it_refuses_a_need_for_a_student_of_another_school(world):
    with pytest.raises(ValidationError, match="cet élève"):
        declare(world, student=world.other_student)
    assert not Need.objects.exists()


def test_it_lets_a_parent_declare_for_his_child_only(world):
    need = declare(world, user=world.guardian.user)
    assert need.student == world.student
    with pytest.raises(ValidationError):
        declare(world, user=world.guardian.user, student=world.student2)


def test_it_lets_a_staff_member_declare_for_himself_only(world):
    need = declare(world, user=world.referent.user, student=None, staff=world.referent)
    assert need.staff == world.referent
    with pytest.raises(ValidationError, match="lui-même"):
        declare(world, user=world.referent.user, student=None, staff=world.teacher)


def test_it_refuses_a_need_without_anything_missing(world):
    with pytest.raises(ValidationError, match="au moins un"):
        declare(world, missing=[])
    assert not Need.objects.exists()


def test_it_refuses_a_second_waiting_need_for_the_same_student(world):
    declare(world)
    with pytest.raises(ValidationError, match="déjà en attente"):
        declare(world, user=world.cpe.user)
    assert Need.objects.count() == 1


def test_it_notifies_the_declarer_the_student_and_both_guardians_of_a_decision(world):
    need = declare(world)
    services.need_decide(user=world.direction.user, need=need, decision=Decision.PAPER)
    sent = notices(f"need-{need.pk}-decision")
    assert len(sent) == 4
    assert {n.user_id for n in sent if n.guardian_id is None} == {world.teacher.user.pk, world.student.user.pk}
    assert {n.guardian_id for n in sent if n.guardian_id} == {world.guardian.pk, world.guardian2.pk}
    assert "Copies papier" in sent[0].body_text


def test_it_lists_students_on_paper_until_their_need_is_closed(world):
    need = declare(world)
    services.need_decide(user=world.direction.user, need=need, decision=Decision.PAPER)
    DecidedNeedFactory(student=world.student2, decision=Decision.SCHOOL_ACCESS)
    assert list(paper_student_ids(etablissement=world.etablissement)) == [world.student.pk]
    services.need_close(user=world.direction.user, need=need)
    assert list(paper_student_ids(etablissement=world.etablissement)) == []


def test_it_requires_a_reason_to_refuse(world):
    need = declare(world)
    with pytest.raises(ValidationError, match="motif"):
        services.need_decide(user=world.direction.user, need=need, decision=Decision.REFUSED)
    need.refresh_from_db()
    assert need.status == NeedStatus.WAITING
    assert not Notification.objects.exists()


def test_it_requires_a_reference_for_a_region_loan(world):
    need = declare(world)
    with pytest.raises(ValidationError, match="référence"):
        services.need_decide(user=world.direction.user, need=need, decision=Decision.REGION_LOAN)
    services.need_decide(user=world.direction.user, need=need, decision=Decision.REGION_LOAN, reference="REG-2026-17")
    need.refresh_from_db()
    assert need.decision_reference == "REG-2026-17"


def test_it_refuses_a_decision_by_a_teacher(world):
    need = declare(world)
    with pytest.raises(ValidationError, match="direction"):
        services.need_decide(user=world.teacher.user, need=need, decision=Decision.PAPER)


def test_it_approves_a_school_loan_and_sends_the_agreement_link_to_both_guardians(world):
    need = declare(world)
    device = DeviceFactory(etablissement=world.etablissement)
    services.need_decide(user=world.direction.user, need=need, decision=Decision.SCHOOL_LOAN, device=device)
    loan = Loan.objects.get()
    assert loan.status == LoanStatus.APPROVED and loan.device == device and loan.agreement_required
    links = notices(f"loan-{loan.pk}-agreement")
    assert {n.guardian_id for n in links} == {world.guardian.pk, world.guardian2.pk}
    assert "/equipement/convention/" in links[0].body_text


def test_it_refuses_to_lend_a_device_already_lent(world):
    device = DeviceFactory(etablissement=world.etablissement)
    LoanFactory(need__student=world.student2, device=device)
    need = declare(world)
    with pytest.raises(ValidationError, match="déjà prêté"):
        services.need_decide(user=world.direction.user, need=need, decision=Decision.SCHOOL_LOAN, device=device)
    need.refresh_from_db()
    assert need.status == NeedStatus.WAITING
    assert Loan.objects.count() == 1


def test_it_refuses_a_second_active_loan_by_the_constraint_alone(world):
    device = DeviceFactory(etablissement=world.etablissement)
    LoanFactory(need__student=world.student2, device=device)
    second = LoanFactory.build(need=DecidedNeedFactory(student=world.student), device=device)
    with pytest.raises(ValidationError, match="déjà prêté"):
        second.validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_it_lends_a_device_again_once_returned(world):
    device = DeviceFactory(etablissement=world.etablissement)
    LoanFactory(need__student=world.student2, device=device, status=LoanStatus.RETURNED)
    need = declare(world)
    services.need_decide(user=world.direction.user, need=need, decision=Decision.SCHOOL_LOAN, device=device)
    assert Loan.objects.active().get().need == need


def test_it_keeps_the_accepted_agreement_text_after_the_school_edits_its_template(world):
    loan = LoanFactory(need__student=world.student)
    original = services.settings_for(world.etablissement).agreement_text
    services.agreement_accept(loan=loan, guardian=world.guardian)
    services.equipment_settings_update(
        user=world.direction.user, agreement_text="Nouveau texte 2027", default_loan_days=60, reminder_days_before=3
    )
    loan.refresh_from_db()
    assert loan.agreement_text == original
    assert loan.agreement_accepted_by == world.guardian
    assert loan.agreement_channel == AgreementChannel.ONLINE
    assert "Nouveau texte 2027" not in loan.agreement_text


def test_it_refuses_an_agreement_from_a_guardian_who_is_not_legal(world):
    loan = LoanFactory(need__student=world.student2)
    with pytest.raises(ValidationError, match="responsable légal"):
        services.agreement_accept(loan=loan, guardian=world.guardian)
    loan.refresh_from_db()
    assert loan.agreement_accepted_at is None


def test_it_refuses_an_agreement_whose_text_changed_while_it_was_read(world):
    loan = LoanFactory(need__student=world.student)
    shown = services.text_digest(services.settings_for(world.etablissement).agreement_text)
    services.equipment_settings_update(
        user=world.gestionnaire.user, agreement_text="Autre texte", default_loan_days=60, reminder_days_before=3
    )
    with pytest.raises(ValidationError, match="relisez"):
        services.agreement_accept(loan=loan, guardian=world.guardian, shown_digest=shown)


def test_it_reads_a_signed_link_and_refuses_a_forged_one(world):
    loan = LoanFactory(need__student=world.student)
    token = services.agreement_token(loan=loan, guardian=world.guardian2)
    assert services.agreement_from_token(token) == (loan, world.guardian2)
    with pytest.raises(ValidationError, match="pas valide"):
        services.agreement_from_token(token[:-2] + "xx")


def test_it_refuses_to_hand_over_before_the_agreement(world):
    loan = services.loan_prepare(user=world.gestionnaire.user, loan=LoanFactory(need__student=world.student))
    with pytest.raises(ValidationError, match="convention"):
        services.loan_hand_over(user=world.gestionnaire.user, loan=loan)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.PREPARED


def test_it_records_the_agreement_signed_at_the_hand_over(world):
    loan = services.loan_prepare(user=world.gestionnaire.user, loan=LoanFactory(need__student=world.student))
    loan = services.loan_hand_over(user=world.gestionnaire.user, loan=loan, signed_by=world.guardian2)
    assert loan.status == LoanStatus.HANDED_OVER
    assert loan.agreement_channel == AgreementChannel.HAND_OVER
    assert loan.agreement_accepted_by == world.guardian2
    assert loan.agreement_text


def test_it_refuses_to_hand_over_an_unprepared_device(world):
    loan = LoanFactory(need__student=world.student)
    with pytest.raises(ValidationError, match="préparé"):
        services.loan_hand_over(user=world.gestionnaire.user, loan=loan, signed_by=world.guardian)


def test_it_returns_a_device_with_its_condition(world):
    loan = LoanFactory(need__student=world.student, status=LoanStatus.HANDED_OVER)
    loan = services.loan_return(user=world.direction.user, loan=loan, condition=DeviceState.WORN, notes="Rayure")
    loan.device.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED and loan.return_notes == "Rayure"
    assert loan.device.state == DeviceState.WORN


def test_it_marks_a_lost_device_as_lost(world):
    loan = LoanFactory(need__student=world.student, status=LoanStatus.HANDED_OVER)
    services.loan_return(user=world.direction.user, loan=loan, outcome=LoanStatus.LOST)
    loan.device.refresh_from_db()
    assert loan.device.state == DeviceState.LOST


def test_it_refuses_a_return_without_condition(world):
    loan = LoanFactory(need__student=world.student, status=LoanStatus.HANDED_OVER)
    with pytest.raises(ValidationError, match="état du matériel"):
        services.loan_return(user=world.direction.user, loan=loan)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.HANDED_OVER


def test_it_sends_each_reminder_once(world):
    with time_machine.travel(TODAY, tick=False):
        loan = LoanFactory(
            need__student=world.student, status=LoanStatus.HANDED_OVER, expected_return=dt.date(2026, 11, 18)
        )
        # Léa (account) + two legal guardians.
        assert services.loan_reminders_send(today=dt.date(2026, 11, 16)) == 3
        services.loan_reminders_send(today=dt.date(2026, 11, 17))
    assert len(notices(f"loan-{loan.pk}-reminder-before")) == 3
    assert not notices(f"loan-{loan.pk}-reminder-after")
    services.loan_reminders_send(today=dt.date(2026, 11, 19))
    services.loan_reminders_send(today=dt.date(2026, 11, 25))
    assert len(notices(f"loan-{loan.pk}-reminder-after")) == 3
    assert len(notices(f"loan-{loan.pk}-reminder")) == 6


def test_it_sends_no_reminder_far_from_the_return_date(world):
    LoanFactory(need__student=world.student, status=LoanStatus.HANDED_OVER, expected_return=dt.date(2026, 12, 30))
    assert services.loan_reminders_send(today=dt.date(2026, 11, 16)) == 0
    assert not Notification.objects.exists()


CSV = (
    "numero_inventaire;type;modele;numero_serie;proprietaire;etat;emplacement;kit;remarques\n"
    "PC-001;portable;Dell Latitude 3440;SN1;etablissement;bon;CDI;chargeur;\n"
    "TAB-001;Tablette;iPad 9;SN2;Région;Usé;Salle 12;housse;écran rayé\n"
)


def test_it_imports_devices_from_a_csv(world):
    created, updated = services.devices_import_csv(user=world.gestionnaire.user, content=CSV)
    assert (created, updated) == (2, 0)
    tablet = world.etablissement.devices.get(asset_tag="TAB-001")
    assert (tablet.kind, tablet.owner, tablet.state) == ("tablette", "region", "use")
    assert services.devices_import_csv(user=world.gestionnaire.user, content=CSV) == (0, 2)


def test_it_refuses_a_whole_csv_with_one_bad_line(world):
    bad = CSV + "PC-002;frigo;X;;;;;;\n"
    with pytest.raises(ValidationError) as exc:
        services.devices_import_csv(user=world.gestionnaire.user, content=bad)
    assert "Ligne 4" in exc.value.messages[0]
    assert not world.etablissement.devices.exists()


def test_it_refuses_a_duplicate_asset_tag(world):
    services.device_create(user=world.gestionnaire.user, kind="portable", model="X", asset_tag="PC-1")
    with pytest.raises(ValidationError):
        services.device_create(user=world.gestionnaire.user, kind="portable", model="Y", asset_tag="PC-1")


def test_it_runs_the_daily_reminder_task_twice_without_sending_twice(world):
    from equipement.tasks import send_loan_reminders

    with time_machine.travel(TODAY, tick=False):
        LoanFactory(need__student=world.student, status=LoanStatus.HANDED_OVER, expected_return=dt.date(2026, 11, 10))
        send_loan_reminders()
        send_loan_reminders()
    assert Notification.objects.filter(kind="equipement.reminder_after").count() == 3


def test_it_resends_a_fresh_agreement_link_to_both_guardians(world):
    loan = LoanFactory(need__student=world.student)
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), tick=False):
        assert services.loan_agreement_resend(user=world.direction.user, loan=loan) == 2
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC), tick=False):
        services.loan_agreement_resend(user=world.gestionnaire.user, loan=loan)  # a second time: new mails
    links = notices(f"loan-{loan.pk}-agreement")
    assert len(links) == 4 and {n.guardian_id for n in links} == {world.guardian.pk, world.guardian2.pk}
    loan_found, guardian = services.agreement_from_token(
        links[-1].body_text.split("/equipement/convention/")[1].split("/")[0]
    )
    assert loan_found == loan and guardian.pk in {world.guardian.pk, world.guardian2.pk}


@pytest.mark.parametrize(
    "change,message",
    [
        ({"agreement_accepted_at": dt.datetime(2026, 11, 2, tzinfo=dt.UTC)}, "n'attend pas"),
        ({"status": LoanStatus.RETURNED}, "terminé"),
    ],
)
def test_it_refuses_to_resend_an_agreement_that_waits_for_nothing(world, change, message):
    loan = LoanFactory(need__student=world.student, **change)
    with pytest.raises(ValidationError, match=message):
        services.loan_agreement_resend(user=world.direction.user, loan=loan)
    with pytest.raises(ValidationError, match="direction et la gestion"):
        services.loan_agreement_resend(user=world.teacher.user, loan=LoanFactory(need__student=world.student2))
    assert not Notification.objects.exists()
