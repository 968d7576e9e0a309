"""What the vie scolaire reads on the list of absences: who justified and why, a day in session order."""

import datetime as dt

import pytest
from django.urls import reverse

from suivi import services

from .factories import MarkFactory, RegisterFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)


def absence(student, start):
    register = RegisterFactory(
        session__division=student.division,
        session__date=MONDAY,
        session__start=start,
        session__end=dt.time(start.hour + 1),
        session__minutes=60,
        half_day="matin" if start.hour < 12 else "apres_midi",
    )
    return MarkFactory(register=register, student=student, status="absent")


def test_it_shows_who_justified_an_absence_and_why(world, client, frozen):
    absence(world.student, dt.time(9))
    world.cpe.first_name, world.cpe.last_name = "Anne", "MOREL"
    world.cpe.save()
    services.absence_justify(user=world.cpe.user, student=world.student, start=MONDAY, end=MONDAY, reason="maladie")
    client.force_login(world.cpe.user)
    for url in (
        reverse("suivi:absence_list") + "?state=toutes",
        reverse("suivi:student_followup", kwargs={"pk": world.student.pk}),
    ):
        page = client.get(url).content.decode()
        assert "Maladie — par " in page and " le 04/12/2026" in page


def test_it_lists_a_days_absences_in_the_order_of_the_sessions(world, client, frozen):
    marks = [absence(world.student, dt.time(hour)) for hour in (10, 8, 9)]
    client.force_login(world.cpe.user)
    response = client.get(reverse("suivi:absence_list"), {"state": "toutes"})
    assert [mark.pk for mark in response.context["rows"]] == [marks[1].pk, marks[2].pk, marks[0].pk]


def test_it_groups_the_flag_forms_students_by_class(world, client, frozen):
    from continuite.ecole.tests.factories import StudentFactory

    twin = StudentFactory(division=world.division2, last_name="DURAND", first_name="Léa")
    twin.groups.set([world.spe_group])  # taught by the teacher in his SES group
    client.force_login(world.teacher.user)
    page = client.get(reverse("suivi:flag_create")).content.decode()
    first = page.index(f'<optgroup label="{world.division.code}">')
    second = page.index(f'<optgroup label="{world.division2.code}">')
    assert first < page.index(f'<option value="{world.student.pk}">Léa DURAND</option>') < second
    assert second < page.index(f'<option value="{twin.pk}">Léa DURAND</option>')
