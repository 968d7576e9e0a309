"""The signed-in user, read in one query per request, and the navigation computed once per roles and page:
what another person changes shows on the next page, and nothing of one user reaches another."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from continuite.accounts.models import User
from continuite.ecole.models import Staff
from continuite.ecole.tests.factories import StaffFactory
from continuite.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def _page(client) -> str:
    response = client.get(reverse("audit:accessibility_statement"))
    assert response.status_code == 200
    return response.text


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_role_given_by_the_direction_shows_in_the_menu_of_the_next_page(world):
    teacher = _signed_in(world.teacher.user)
    assert "Suivi des élèves" not in _page(teacher)
    # The direction (another user) makes him CPE too: a queryset update, as an import does.
    Staff.objects.filter(pk=world.teacher.pk).update(is_cpe=True)
    assert "Suivi des élèves" in _page(teacher)
    Staff.objects.filter(pk=world.teacher.pk).update(is_cpe=False, left_on="2020-01-01")
    assert "Mon planning" not in _page(teacher)


def test_two_users_of_the_same_roles_share_the_menu_and_not_their_names(world):
    other = StaffFactory(
        etablissement=world.etablissement, is_teacher=True, user__first_name="Yanis", user__last_name="Bel"
    )
    page_one, page_two = _page(_signed_in(world.teacher.user)), _page(_signed_in(other.user))
    assert "Yanis Bel" in page_two and "Yanis Bel" not in page_one
    assert world.teacher.user.get_full_name() in page_one and world.teacher.user.get_full_name() not in page_two
    assert page_one.count("Mon planning") == page_two.count("Mon planning") > 0


def test_a_notice_sent_by_someone_else_shows_in_the_badge_of_the_next_page(world):
    cpe = _signed_in(world.cpe.user)
    assert "non lues" not in _page(cpe)
    NotificationFactory(etablissement=world.etablissement, user=world.cpe.user, channel_portal=True)
    assert '1<span class="visually-hidden"> non lues' in _page(cpe)


def test_a_renamed_user_reads_his_new_name_on_the_next_page(world):
    parent = _signed_in(world.user("parent"))
    User.objects.filter(pk=world.user("parent").pk).update(first_name="Soraya")
    assert "Soraya" in _page(parent)


def test_a_deactivated_account_is_signed_out_on_the_next_page(world):
    parent = _signed_in(world.user("parent"))
    User.objects.filter(pk=world.user("parent").pk).update(is_active=False)
    assert parent.get(reverse("home")).status_code == 302


def test_a_password_changed_elsewhere_ends_the_other_sessions(world):
    teacher = _signed_in(world.teacher.user)
    assert teacher.get(reverse("home")).status_code == 200
    User.objects.filter(pk=world.teacher.user.pk).update(password=make_password("un-autre-mot-de-passe"))
    assert teacher.get(reverse("home")).status_code == 302


def test_the_signed_in_user_costs_one_query_after_the_session(world, django_assert_num_queries):
    teacher = _signed_in(world.teacher.user)
    _page(teacher)
    with django_assert_num_queries(2):  # the session, the user with his profiles, unread count and versions
        _page(teacher)
