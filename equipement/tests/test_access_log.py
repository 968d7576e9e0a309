"""What the privacy page promises of equipment files: a student's need or loan read by the staff is
written to the access log; a staff member's own need is not a student's file."""

import pytest
from django.urls import reverse

from continuite.audit.models import AuditEntry
from equipement.tests.factories import LoanFactory, NeedFactory

pytestmark = pytest.mark.django_db


def test_it_writes_the_reading_of_a_students_equipment_need_to_the_access_log(world, client):
    need = NeedFactory(student=world.student)
    client.force_login(world.teacher.user)
    response = client.get(reverse("equipement:need_detail", kwargs={"pk": need.pk}))
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action, entry.student, entry.object_id) == (
        world.teacher.user,
        "view",
        world.student,
        str(need.pk),
    )
    assert entry.path == reverse("equipement:need_detail", kwargs={"pk": need.pk})


def test_it_writes_the_reading_of_a_loan_to_the_access_log(world, client):
    loan = LoanFactory(need__student=world.student)
    client.force_login(world.direction.user)
    assert client.get(reverse("equipement:loan_detail", kwargs={"pk": loan.pk})).status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.student, entry.object_label) == ("view", world.student, str(loan))


def test_it_does_not_log_a_staff_members_own_need_as_a_students_file(world, client):
    need = NeedFactory(student=None, staff=world.teacher, etablissement=world.etablissement)
    client.force_login(world.teacher.user)
    assert client.get(reverse("equipement:need_detail", kwargs={"pk": need.pk})).status_code == 200
    assert not AuditEntry.objects.exists()
