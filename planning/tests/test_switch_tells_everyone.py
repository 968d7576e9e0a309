"""Switching a division tells the teachers of its lessons, its students and their families (through
the outbox, with the switch), and takes the direction to the week switched; on a Sunday the weeks open
on the coming week."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from continuite.notifications.models import Notification
from planning import services
from planning.models import Modality
from planning.tests.factories import SlotFactory

MONDAY = dt.date(2026, 12, 7)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sunday_before():
    # Sunday 29 November: the week switched is the one after the coming one.
    with time_machine.travel(dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_it_tells_teachers_students_and_families_of_a_switch(calendar):
    w = calendar
    SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    services.division_modality_switch(
        division=w.division, start=MONDAY, end=MONDAY + dt.timedelta(days=4), modality=Modality.VISIO
    )
    notices = Notification.objects.filter(kind="planning.division_switch")
    by_user = {n.user_id: n for n in notices if n.user_id}
    teacher, student = by_user[w.teacher.user.pk], by_user[w.student.user.pk]
    assert teacher.subject == "La 1G3 passe à distance, en classe virtuelle du 7 décembre au 11 décembre"
    assert "toute la 1G3 a cours à distance, en classe virtuelle" in student.body_text
    assert "donnez aux élèves le lien de vos classes virtuelles" in teacher.body_text
    families = {n.guardian_id for n in notices if n.guardian_id}
    assert {w.guardian.pk, w.guardian2.pk} <= families


@pytest.mark.parametrize("allowed", [False, True], ids=["links-for-students-only", "links-for-families"])
def test_it_tells_families_where_the_links_are(calendar, allowed):
    from planning.models import PlanningSettings

    w = calendar
    PlanningSettings.objects.update_or_create(etablissement=w.etablissement, defaults={"links_for_guardians": allowed})
    SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    services.division_modality_switch(
        division=w.division, start=MONDAY, end=MONDAY + dt.timedelta(days=4), modality=Modality.VISIO
    )
    family = Notification.objects.get(kind="planning.division_switch", guardian=w.guardian)
    student = Notification.objects.get(kind="planning.division_switch", user=w.student.user)
    own_space = "les liens des classes virtuelles et les consignes sont dans l'espace élève de votre enfant"
    assert (own_space in family.body_text) is not allowed
    assert ("Les liens des classes virtuelles et les consignes sont dans la semaine" in family.body_text) is allowed
    assert "Les liens des classes virtuelles et les consignes sont dans la semaine" in student.body_text


def test_it_tells_no_one_when_the_switch_fails(calendar):
    w = calendar
    SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    with pytest.raises(Exception, match="La période doit commencer avant de finir"):
        services.division_modality_switch(
            division=w.division, start=MONDAY, end=MONDAY - dt.timedelta(days=1), modality=Modality.VISIO
        )
    assert not Notification.objects.filter(kind="planning.division_switch").exists()


def test_it_takes_the_direction_to_the_switched_week(calendar, client):
    w = calendar
    SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    client.force_login(w.tutor.user)
    url = reverse("planning:division_switch", args=[w.division.pk])
    data = {"start": MONDAY.isoformat(), "end": "2026-12-11", "modality": "visio", "first_half_in_room": "A"}
    response = client.post(url, {**data, "hybrid_remote_mode": "live"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?semaine={MONDAY.isoformat()}")


def test_it_opens_the_coming_week_on_a_sunday(calendar, client):
    w = calendar
    client.force_login(w.student.user)
    page = client.get(reverse("planning:my_week")).text
    assert "30 novembre" in page and "23 novembre" not in page
    client.force_login(w.teacher.user)
    page = client.get(reverse("planning:week")).text
    assert "30 novembre" in page and "23 novembre" not in page


def test_it_tells_the_student_her_whole_class_is_at_a_distance(calendar, client):
    w = calendar
    SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    SlotFactory(
        group=w.spe_group, subject=w.subject, teachers=[w.teacher], weekday=1, start=dt.time(14), end=dt.time(15)
    )
    services.division_modality_switch(
        division=w.division,
        start=MONDAY,
        end=MONDAY + dt.timedelta(days=4),
        modality=Modality.VISIO,
        shared_groups={w.spe_group.pk: services.SHARED_HYBRID},
    )
    client.force_login(w.student.user)
    page = client.get(reverse("planning:my_week") + f"?semaine={MONDAY.isoformat()}").text.replace("&#x27;", "'")
    assert "Cette semaine, toute votre classe est à distance : chaque séance dit comment la suivre." in page
    assert "Vous êtes dans le demi-groupe" not in page
    assert "Lien à venir : votre professeur le donnera." in page


def test_it_labels_a_shared_group_with_one_class_away_as_such(calendar, client):
    w = calendar
    SlotFactory(
        group=w.spe_group, subject=w.subject, teachers=[w.teacher], weekday=1, start=dt.time(14), end=dt.time(15)
    )
    services.division_modality_switch(
        division=w.division,
        start=MONDAY,
        end=MONDAY + dt.timedelta(days=4),
        modality=Modality.VISIO,
        shared_groups={w.spe_group.pk: services.SHARED_HYBRID},
    )
    client.force_login(w.teacher.user)
    page = client.get(reverse("planning:week") + f"?semaine={MONDAY.isoformat()}").text
    assert "Hybride (une classe à distance)" in page and "Hybride (demi-groupes)" not in page
