"""Each role's home page: its content, and a number of queries that does not grow with the data."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from continuite.accounts.roles import Role
from continuite.ecole.tests.factories import DivisionFactory, StudentFactory, TeachingAssignmentFactory


def more_data(world):
    """Double the school: more divisions, students and assignments must not cost more queries."""
    for n in range(3):
        division = DivisionFactory(school_year=world.division.school_year, code=f"2{n:02d}")
        TeachingAssignmentFactory(staff=world.teacher, subject=world.subject, division=division)
        for _ in range(3):
            StudentFactory(division=division).groups.set([world.spe_group])
    for _ in range(3):
        StudentFactory(division=world.division).groups.set([world.spe_group, world.half_b])


# A home read again, its panels and sections from the cache: the session, the user and what no cache
# keeps (a parent's notices to acknowledge: the outbox's rows; the direction's imports waiting).
CACHED = {"teacher": 2, "tutor": 2, "direction": 3, "cpe": 2, "parent": 3, "student": 2}


@pytest.mark.django_db
@pytest.mark.parametrize("grow", [False, True], ids=["small", "bigger"])
@pytest.mark.parametrize(
    "role,expected",
    [
        # Without a school calendar nor work here, the planning panels skip their slots, sessions and
        # marks; planning/tests/test_home.py pins them with a full week.
        # session, user (+ établissement, profiles, "is he a form tutor", unread notifications: one
        # query, see accounts.backends), planning panel: school days, his slots, his assignments, the
        # work due in his classes, the registers still to take (one count); home: his assignments
        ("teacher", 8),
        # the teacher's seven (his tutored divisions come with the user), planning: thresholds, his
        # divisions, the week's days, the loads; home: the tutored division, its students, their groups
        ("tutor", 15),
        # session, user, needs waiting and loans (equipment panel: 2), imports waiting (imports panel), the
        # school's divisions with their counts
        ("direction", 6),
        # session, user, absences to process and families' requests (suivi panel, one query), reviews
        # due and new cases to examine (suivi panel), the school's divisions
        ("cpe", 5),
        # session, user, planning panel: his children, their groups, school days, work due; agreements
        # to accept (equipment panel), home: his children, their groups; suivi panel: his children's
        # absences to justify, the notices to acknowledge; the school's planning settings (may guardians
        # see the video links?)
        ("parent", 12),
        # session, user, his division and its form tutors (2), planning panel: his groups, school days,
        # work due; his groups (home)
        ("student", 8),
    ],
)
def test_it_renders_each_home_with_a_fixed_number_of_queries(
    world, client, django_assert_num_queries, role, expected, grow
):
    if grow:
        more_data(world)
    # A weekday: on a weekend the tutor's panel also reads the coming week.
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(world.user(role))
        client.get(reverse("home"))  # the first page after login refreshes the session's expiry
        cache.clear()  # the panels and sections the first page kept: read them from the database
        with django_assert_num_queries(expected):
            response = client.get(reverse("home"))
        with django_assert_num_queries(CACHED[role]):  # from the cache: what is never kept (see CACHED)
            again = client.get(reverse("home"))
    assert again.status_code == 200
    assert response.status_code == 200


@pytest.mark.django_db
def test_it_shows_the_tutor_his_division(world, client):
    client.force_login(world.user("tutor"))
    response = client.get(reverse("home"))
    assert "Ma classe : 1G3" in response.text
    assert "DURAND" in response.text


@pytest.mark.django_db
def test_it_shows_a_parent_his_children_only(world, client):
    client.force_login(world.user("parent"))
    response = client.get(reverse("home"))
    assert "Léa DURAND" in response.text
    assert "PETIT" not in response.text


@pytest.mark.django_db
def test_it_shows_the_student_his_class_and_groups(world, client):
    client.force_login(world.user("student"))
    response = client.get(reverse("home"))
    assert "Classe : 1G3" in response.text
    assert "Spécialité SES" in response.text


def test_the_signed_in_user_carries_his_tutor_flag_and_unread_count(world):
    from continuite.accounts.backends import portal_user_queryset
    from continuite.notifications.tests.factories import NotificationFactory

    NotificationFactory(etablissement=world.etablissement, user=world.tutor.user, channel_portal=True)
    NotificationFactory(etablissement=world.etablissement, user=world.tutor.user, channel_portal=False)
    tutor = portal_user_queryset().get(pk=world.tutor.user.pk)
    teacher = portal_user_queryset().get(pk=world.teacher.user.pk)
    assert (tutor.is_form_tutor, tutor.unread_notification_count) == (True, 1)
    assert (teacher.is_form_tutor, teacher.unread_notification_count) == (False, 0)
    assert Role.PROF_PRINCIPAL in tutor.roles and Role.PROF_PRINCIPAL not in teacher.roles


@pytest.mark.parametrize("role", ["teacher", "tutor", "parent", "student", "cpe", "direction"])
def test_the_user_of_one_query_is_the_user_of_the_orm(world, role):
    """The signed-in user read in one plain query has the same fields, profiles and roles as the ORM's."""
    from django.db.models import Model

    from continuite.accounts.backends import portal_user, portal_user_queryset

    account = world.user(role)
    expected = portal_user_queryset().get(pk=account.pk)
    got = portal_user(account.pk)

    def values(obj):
        return None if obj is None else {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}

    assert values(got) == values(expected)
    for name in ("etablissement", "staff_profile", "guardian_profile", "student_profile"):
        assert values(getattr(got, name)) == values(getattr(expected, name)), name
        assert isinstance(getattr(got, name), Model | None)
    if expected.student_profile:
        assert values(got.student_profile.division) == values(expected.student_profile.division)
    assert (got.is_form_tutor, got.unread_notification_count, got.roles) == (
        expected.is_form_tutor,
        expected.unread_notification_count,
        expected.roles,
    )
    assert got.last_login == expected.last_login and got.date_joined.tzinfo is not None


def test_the_divisions_a_tutor_tutors_come_with_him_in_the_models_order(world):
    from continuite.accounts.backends import portal_user
    from continuite.ecole.models import Staff

    second = DivisionFactory(etablissement=world.etablissement, school_year=world.division.school_year, code="1G1")
    second.form_tutors.add(world.tutor)
    orm = list(Staff.objects.get(pk=world.tutor.pk).tutored_divisions.values_list("pk", flat=True))
    assert portal_user(world.tutor.user.pk).tutored_division_ids == orm and len(orm) == 2
    assert portal_user(world.teacher.user.pk).tutored_division_ids == []
