"""Accounts: no open sign-up, invitations with a one-time link, MFA for CPE and direction."""

import re

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from continuite.accounts.models import User
from continuite.accounts.roles import Role
from continuite.ecole.models import Staff

# A school day at 10:00 in Paris: outside any quiet hours of the notifications.
SCHOOL_HOURS = time_machine.travel("2026-11-24 10:00 +01:00", tick=False)


@pytest.mark.django_db
def test_it_has_no_open_sign_up(client):
    response = client.post(reverse("account_signup"), {"email": "intrus@example.org", "password1": "Un-mot-de-passe-1"})
    assert not User.objects.filter(email="intrus@example.org").exists()
    assert response.status_code == 200


@pytest.mark.django_db
def test_it_gives_roles_from_the_staff_flags_and_the_tutored_divisions(world):
    assert world.user("tutor").roles == {Role.ENSEIGNANT, Role.PROF_PRINCIPAL}
    assert world.user("teacher").roles == {Role.ENSEIGNANT}
    assert world.user("parent").roles == {Role.PARENT}
    assert world.user("student").roles == {Role.ELEVE}


@pytest.mark.django_db
def test_it_drops_the_roles_of_a_staff_member_who_left(world):
    Staff.objects.filter(pk=world.cpe.pk).update(left_on="2026-10-01")
    user = User.objects.get(pk=world.cpe.user_id)
    assert user.roles == frozenset()


@pytest.mark.django_db(transaction=True)
@SCHOOL_HOURS
def test_it_invites_a_staff_member_with_a_one_time_link(world, client):
    member = Staff.objects.create(
        etablissement=world.etablissement,
        last_name="NOUVEAU",
        first_name="Paul",
        email="paul@lycee.fr",
        is_teacher=True,
    )
    client.force_login(world.user("direction"))
    response = client.post(reverse("ecole:staff_invite", kwargs={"pk": member.pk}))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.user.email == "paul@lycee.fr"
    assert not member.user.has_usable_password() or not member.user.check_password("")
    [message] = [m for m in mail.outbox if "paul@lycee.fr" in m.to]
    link = re.search(r"https?://\S+/comptes/password/reset/key/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()

    page = client.get("/" + path, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else "/" + path
    done = client.post(form_url, {"password1": "Nouveau-mot-de-passe-42", "password2": "Nouveau-mot-de-passe-42"})
    assert done.status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password("Nouveau-mot-de-passe-42")

    again = client.get("/" + path, follow=True)
    assert "invalide" in again.text.lower() or "invalid" in again.text.lower()


@pytest.mark.django_db
def test_it_refuses_to_invite_someone_without_email(world, client):
    member = Staff.objects.create(etablissement=world.etablissement, last_name="SANS", first_name="Mail")
    client.force_login(world.user("direction"))
    response = client.post(reverse("ecole:staff_invite", kwargs={"pk": member.pk}), follow=True)
    assert "adresse de courriel est nécessaire" in response.text
    member.refresh_from_db()
    assert member.user is None


@pytest.mark.django_db
@override_settings(MFA_REQUIRED_FOR_SENSITIVE_ROLES=True)
@pytest.mark.parametrize("role", ["cpe", "direction"])
def test_it_sends_cpe_and_direction_to_mfa_setup_when_required(world, client, role):
    client.force_login(world.user(role))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.django_db
@override_settings(MFA_REQUIRED_FOR_SENSITIVE_ROLES=True)
def test_it_lets_a_teacher_in_without_mfa(world, client):
    client.force_login(world.user("teacher"))
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_it_says_on_the_demo_login_page_that_mfa_is_relaxed(client):
    response = client.get(reverse("account_login"))
    assert "n'exige pas la double authentification" in response.text
