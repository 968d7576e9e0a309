"""A hybrid session's register lists only the students at a distance: the half in the room is not on it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from continuite.ecole.tests.factories import StudentFactory
from suivi import services
from suivi.models import AttendanceMark

from .conftest import TODAY
from .helpers import remote_session

pytestmark = pytest.mark.django_db


def _remote_student(world):
    student = StudentFactory(division=world.division, last_name="MARTIN", first_name="Tom")
    student.groups.set([world.half_b])
    return student


def test_it_lists_only_the_remote_half_on_a_hybrid_register(world, client, frozen):
    # Half A is in the room: Léa (half A) is not on the register, Tom (half B) is.
    _remote_student(world)
    session = remote_session(world, TODAY, modality="hybride")
    client.force_login(world.teacher.user)
    page = client.get(reverse("suivi:register_take", kwargs={"session_pk": session.pk})).content.decode()
    assert "MARTIN" in page
    assert "DURAND" not in page


def test_it_refuses_an_absence_for_a_student_in_the_room(world, frozen):
    tom = _remote_student(world)
    session = remote_session(world, TODAY, modality="hybride")
    with pytest.raises(ValidationError, match="n'appartient pas à cette séance"):
        services.register_take(session=session, user=world.teacher.user, marks={world.student.pk: "absent"})
    assert not AttendanceMark.objects.exists()
    services.register_take(session=session, user=world.teacher.user, marks={tom.pk: "absent"})
    assert list(AttendanceMark.objects.values_list("student_id", flat=True)) == [tom.pk]
