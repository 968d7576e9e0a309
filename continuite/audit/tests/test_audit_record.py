import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from continuite.audit.models import AuditEntry
from continuite.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_it_writes_one_entry_with_who_what_and_the_role(world):
    user = world.cpe.user

    entry = audit_record(user=user, action="view", obj=world.student, detail="historique")

    assert AuditEntry.objects.count() == 1
    assert entry.user == user
    assert entry.user_label.endswith("<cpe@lycee.fr>") or entry.user_label == "cpe@lycee.fr"
    assert entry.roles == "CPE"
    assert entry.student == world.student
    assert entry.etablissement == world.etablissement
    assert entry.object_label == "Léa DURAND"
    assert entry.content_type.model == "student"
    assert entry.object_id == str(world.student.pk)
    assert entry.detail == "historique"


def test_it_takes_the_school_from_the_student_and_the_page_from_the_request(world):
    request = RequestFactory().get("/suivi/dossiers/3/?x=1")

    entry = audit_record(
        user=world.direction.user, action="change", obj=world.guardian, student=world.student, request=request
    )

    assert entry.etablissement_id == world.etablissement.pk
    assert entry.path == "/suivi/dossiers/3/"
    assert entry.object_label == str(world.guardian)


def test_it_refuses_an_unknown_action_without_writing(world):
    with pytest.raises(ValidationError):
        audit_record(user=world.cpe.user, action="peek", obj=world.student)

    assert AuditEntry.objects.count() == 0


def test_it_refuses_to_change_or_delete_an_entry(world):
    entry = audit_record(user=world.cpe.user, action="view", obj=world.student)
    entry.detail = "falsifié"

    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()

    assert AuditEntry.objects.get().detail == ""


def test_it_keeps_the_entry_when_the_account_is_deleted(world):
    audit_record(user=world.teacher.user, action="view", obj=world.student)

    world.teacher.user.delete()

    entry = AuditEntry.objects.get()
    assert entry.user is None
    assert "prof@lycee.fr" in entry.user_label


def test_it_gives_no_add_change_or_delete_in_the_admin(world, rf):
    request = rf.get("/admin/")
    request.user = world.direction.user
    model_admin = site._registry[AuditEntry]

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
