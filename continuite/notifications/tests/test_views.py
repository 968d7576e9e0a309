"""The notification centre, the acknowledgement page and the settings pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from continuite.notifications.models import Notification, NotificationPreference, NotificationSettings
from continuite.notifications.services import acknowledgement_token

from .factories import NotificationFactory


def _parent_notices(world, n, **kwargs):
    return [
        NotificationFactory(
            etablissement=world.etablissement, user=world.users["parent"], guardian=world.guardian, **kwargs
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize("count", [1, 12])
def test_it_lists_the_centre_in_a_fixed_number_of_queries(world, client, django_assert_num_queries, count):
    _parent_notices(world, count)
    NotificationFactory(etablissement=world.etablissement, user=world.cpe.user)  # someone else's
    client.force_login(world.users["parent"])
    with django_assert_num_queries(6):
        # 1 session, 2 user (profiles and the navigation bar's unread count in one query),
        # 3 the notices, 4-6 the session's save (savepoint, update, release)
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert len(response.context["notifications"]) == count
    assert f'{count}<span class="visually-hidden"> non lues' in response.content.decode()


def test_it_marks_a_notice_read(world, client):
    notice = _parent_notices(world, 1)[0]
    client.force_login(world.users["parent"])
    response = client.post(reverse("notifications:read", kwargs={"pk": notice.pk}))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_it_hides_another_users_notice(world, client):
    notice = NotificationFactory(etablissement=world.etablissement, user=world.cpe.user)
    client.force_login(world.users["parent"])
    assert client.post(reverse("notifications:read", kwargs={"pk": notice.pk})).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_it_marks_all_notices_read(world, client):
    _parent_notices(world, 3)
    client.force_login(world.users["parent"])
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.visible_to(world.users["parent"]).unread().exists()


def test_it_acknowledges_without_login_once(world, client, django_assert_num_queries):
    notice = _parent_notices(world, 1, ack_required=True)[0]
    url = reverse("notifications:acknowledge", kwargs={"token": acknowledgement_token(notice)})
    with django_assert_num_queries(1):  # 1 the notice with its school
        page = client.get(url)
    assert "pris connaissance</button>" in page.content.decode()
    client.post(url)
    notice.refresh_from_db()
    first = notice.acknowledged_at
    assert first is not None
    response = client.post(url)
    assert "déjà enregistrée" in response.content.decode()
    notice.refresh_from_db()
    assert notice.acknowledged_at == first


def test_it_refuses_a_forged_acknowledgement_link(world, client):
    notice = _parent_notices(world, 1, ack_required=True)[0]
    token = acknowledgement_token(notice)[:-2] + "xx"
    response = client.post(reverse("notifications:acknowledge", kwargs={"token": token}))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_it_refuses_the_link_of_a_notice_that_asks_no_acknowledgement(world, client):
    notice = _parent_notices(world, 1)[0]
    response = client.get(reverse("notifications:acknowledge", kwargs={"token": acknowledgement_token(notice)}))
    assert response.status_code == 404


def test_it_lets_the_direction_change_the_quiet_hours(world, client):
    client.force_login(world.direction.user)
    response = client.post(
        reverse("notifications:school_settings"),
        {"quiet_start": "21:00", "quiet_end": "06:30", "digest_time": "08:00"},
    )
    assert response.status_code == 302
    saved = NotificationSettings.objects.get(etablissement=world.etablissement)
    assert (saved.quiet_start, saved.quiet_end, saved.digest_time) == (dt.time(21), dt.time(6, 30), dt.time(8))


def test_it_shows_the_default_quiet_hours_without_creating_a_row(world, client):
    client.force_login(world.direction.user)
    response = client.get(reverse("notifications:school_settings"))
    assert 'value="20:00"' in response.content.decode()
    assert not NotificationSettings.objects.exists()


def test_it_lets_the_cpe_choose_the_daily_digest(world, client):
    client.force_login(world.cpe.user)
    client.post(reverse("notifications:preferences"), {"daily_digest": "on"})
    assert NotificationPreference.objects.get(user=world.cpe.user).daily_digest


def test_it_shows_failed_notices_to_the_direction_in_a_fixed_number_of_queries(
    world, client, django_assert_num_queries
):
    NotificationFactory(etablissement=world.etablissement, status="failed", last_error="SMTPRecipientsRefused 550")
    NotificationFactory(etablissement=world.other_etablissement, status="failed", last_error="autre lycée")
    client.force_login(world.direction.user)
    with django_assert_num_queries(6):
        # 1 session, 2 user (profiles, unread count), 3 failed notices, 4-6 the session's save
        response = client.get(reverse("notifications:delivery_report"))
    content = response.content.decode()
    assert "SMTPRecipientsRefused 550" in content
    assert "autre lycée" not in content
    assert timezone.now()


def test_it_names_the_page_notifications_and_links_the_addresses_of_a_notice(world, client):
    _parent_notices(
        world,
        1,
        body_text="Acceptez la convention de prêt en suivant ce lien :\n"
        "https://continuite.example.fr/equipement/convention/abc/\n<b>Merci</b>",
    )
    client.force_login(world.users["parent"])
    page = client.get(reverse("notifications:list")).content.decode()
    assert "<title>Notifications" in page and '<h1 class="h3">Notifications</h1>' in page
    assert "Mes notifications" not in page
    assert (
        '<a href="https://continuite.example.fr/equipement/convention/abc/" rel="nofollow">'
        "https://continuite.example.fr/equipement/convention/abc/</a>" in page
    )
    assert "&lt;b&gt;Merci&lt;/b&gt;" in page and "<b>Merci</b>" not in page
