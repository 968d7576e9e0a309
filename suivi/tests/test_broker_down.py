"""With the broker down, a teacher's flag is saved and he reads that it was sent — never an error page
that would make him send it again; the signals catch up at the next periodic run."""

import datetime as dt
import logging

import pytest
from django.urls import reverse

from suivi.models import Flag


@pytest.fixture
def broker_down(settings):
    from continuite.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.task_always_eager, app.conf.broker_url = saved
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_it_saves_a_flag_and_says_so_while_the_broker_is_down(world, client, broker_down, caplog):
    client.force_login(world.teacher.user)
    data = {
        "student": world.student.pk,
        "kind": "decrochage",
        "observed": "Ne se connecte plus.",
        "since": dt.date.today().isoformat(),
    }
    with caplog.at_level(logging.WARNING, logger="suivi.services.common"):
        page = client.post(reverse("suivi:flag_create"), data, follow=True)
    assert page.status_code == 200
    assert "Fiche de repérage transmise au CPE." in page.content.decode()
    assert Flag.objects.filter(student=world.student).count() == 1
    assert any("Courtier injoignable" in r.getMessage() for r in caplog.records)
