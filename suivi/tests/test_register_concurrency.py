"""A teacher and the CPE saving the same register at the same moment: no absence is lost.

Each page sends what it showed (``seen<id>``); only what its reader changed is written, and a mark
changed by the other meanwhile is kept and named to the second person.
"""

import re

from django.urls import reverse

from continuite.ecole.tests.factories import StudentFactory
from suivi.models import AttendanceMark

from .conftest import TODAY
from .helpers import remote_session


def _form(client, url) -> dict:
    page = client.get(url).content.decode()
    fields = dict(re.findall(r'name="(seen\d+|csrfmiddlewaretoken)" value="([^"]*)"', page))
    return fields


def _status(student) -> str:
    return AttendanceMark.objects.get(student=student).status


def test_it_keeps_both_absences_when_teacher_and_cpe_save_the_same_register(world, client, frozen):
    hugo = StudentFactory(etablissement=world.etablissement, division=world.division, last_name="PETIT")
    session = remote_session(world, TODAY)
    url = reverse("suivi:register_take", kwargs={"session_pk": session.pk})
    client.force_login(world.teacher.user)
    teacher_form = _form(client, url)
    client.force_login(world.cpe.user)
    cpe_form = _form(client, url)  # both pages open, everyone present

    client.force_login(world.teacher.user)
    client.post(url, {**teacher_form, f"s{world.student.pk}": "absent"})
    client.force_login(world.cpe.user)
    page = client.post(url, {**cpe_form, f"s{hugo.pk}": "absent"}, follow=True).content.decode()

    assert _status(world.student) == "absent"  # the teacher's absence survived the CPE's save
    assert _status(hugo) == "absent"
    assert "Appel enregistré." in page


def test_it_tells_the_second_person_whose_mark_was_changed_meanwhile(world, client, frozen):
    session = remote_session(world, TODAY)
    url = reverse("suivi:register_take", kwargs={"session_pk": session.pk})
    client.force_login(world.teacher.user)
    teacher_form = _form(client, url)
    client.force_login(world.cpe.user)
    cpe_form = _form(client, url)

    client.force_login(world.teacher.user)
    client.post(url, {**teacher_form, f"s{world.student.pk}": "absent"})
    client.force_login(world.cpe.user)
    page = client.post(url, {**cpe_form, f"s{world.student.pk}": "distance"}, follow=True).content.decode()

    assert _status(world.student) == "absent"  # not silently overwritten
    assert f"Appel enregistré, sauf pour {world.student.full_name} (absent)" in page.replace("&#x27;", "'")
    assert "quelqu'un d'autre a modifié leur présence" in page.replace("&#x27;", "'")
    # The page now shows what is recorded, so the CPE can decide with the facts in front of him.
    assert f'id="s{world.student.pk}-absent" value="absent" checked' in page


def test_it_lets_a_person_correct_his_own_marks(world, client, frozen):
    session = remote_session(world, TODAY)
    url = reverse("suivi:register_take", kwargs={"session_pk": session.pk})
    client.force_login(world.teacher.user)
    client.post(url, {**_form(client, url), f"s{world.student.pk}": "absent"})
    client.post(url, {**_form(client, url), f"s{world.student.pk}": "present"})
    assert _status(world.student) == "present"
