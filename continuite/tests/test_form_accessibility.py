"""Forms read by a screen reader: a field in error says so itself, wherever its form is drawn.

Crispy's fields (Django marks them aria-invalid and names their message in aria-describedby), the
fields drawn by hand in templates (the login form, the filters of the vie scolaire's lists), and a
button in a row of a list whose confirmation is said in that row, where the page opens after it.
"""

import pytest
from django.urls import reverse

from continuite.notifications.tests.factories import NotificationFactory
from continuite.tests.html_reader import read_html

pytestmark = pytest.mark.django_db


def test_it_says_on_the_email_field_of_the_login_form_that_it_is_missing(world, client):
    response = client.post(reverse("account_login"), {"login": "", "password": "motdepasse"})
    page = read_html(response.content)
    assert page.attrs("id_login")["aria-invalid"] == "true"
    assert page.description("id_login") == "Ce champ est obligatoire."
    assert "aria-invalid" not in page.attrs("id_password")


def test_it_says_on_a_filter_of_the_absence_list_that_its_date_is_wrong(world, client):
    client.force_login(world.cpe.user)
    response = client.get(reverse("suivi:absence_list"), {"day": "lundi"})
    page = read_html(response.content)
    assert page.attrs("id_day")["aria-invalid"] == "true"
    assert page.description("id_day") == "Saisissez une date valide."


def test_it_says_on_a_crispy_field_what_is_wrong_with_it(world, client):
    client.force_login(world.user("direction"))
    data = {"quiet_start": "", "quiet_end": "07:00", "digest_time": "17:00"}
    page = read_html(client.post(reverse("notifications:school_settings"), data).content)
    assert page.attrs("id_quiet_start")["aria-invalid"] == "true"
    assert page.description("id_quiet_start") == "Ce champ est obligatoire."


def test_it_says_a_notice_was_marked_read_in_its_own_row(world, client):
    parent = world.users["parent"]
    notices = [
        NotificationFactory(etablissement=world.etablissement, user=parent, guardian=world.guardian) for _ in range(3)
    ]
    client.force_login(parent)
    response = client.post(reverse("notifications:read", kwargs={"pk": notices[0].pk}))
    assert response.url == reverse("notifications:list") + f"#notification-{notices[0].pk}"
    html = client.get(reverse("notifications:list")).content.decode()
    page = read_html(html)
    assert page.text(f"notification-{notices[0].pk}").endswith("Notification marquée comme lue. Lue")
    assert html.count("Notification marquée comme lue.") == 1
    assert 'role="status">Notification marquée comme lue.</div>' in html
