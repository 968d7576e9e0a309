"""A parent's home: his children's absences still to justify and the notices to acknowledge."""

import datetime as dt

import pytest
from django.urls import reverse

from continuite.notifications.models import Notification
from continuite.notifications.services import notify

from .factories import MarkFactory, RegisterFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_parent_what_to_justify_and_the_notice_to_acknowledge(world, client, frozen):
    for day in (dt.date(2026, 11, 30), dt.date(2026, 12, 1)):
        MarkFactory(
            register=RegisterFactory(session__division=world.division, session__date=day),
            student=world.student,
            status="absent",
        )
    notice = notify(
        etablissement=world.etablissement,
        kind="suivi.notice",
        template="suivi/notifications/notice",
        context={"subject": "Suivi de la scolarité de Léa DURAND", "body": "Madame,\n\nLéa a manqué deux séances."},
        guardian=world.guardian,
        ack_required=True,
        idempotency_key="test:notice",
    )
    client.force_login(world.users["parent"])
    page = client.get(reverse("home")).content.decode()
    assert "Léa : <strong>2 absences à justifier</strong>" in page
    assert "Suivi de la scolarité de Léa DURAND" in page
    assert "J'ai pris connaissance" in page
    assert "Spécialité SES" in page and "1SPESES" not in page  # the group's label, not its code
    listing = client.get(reverse("notifications:list")).content.decode()
    assert "J'ai pris connaissance" in listing

    client.post(reverse("notifications:acknowledge", args=[page.split("/notifications/accuse/")[1].split("/")[0]]))
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None and notice.read_at is not None
    page = client.get(reverse("home")).content.decode()
    assert "J'ai pris connaissance" not in page
    listing = client.get(reverse("notifications:list")).content.decode()
    assert "Pris connaissance" in listing and "J'ai pris connaissance" not in listing
    assert Notification.objects.filter(read_at__isnull=True, user=world.users["parent"]).count() == 0
