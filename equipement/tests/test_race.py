"""Two members of the direction approve the same device at the same moment: one loan only."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from equipement import services
from equipement.models import Loan

from .factories import DecidedNeedFactory, DeviceFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the row lock needs PostgreSQL"),
]


def test_it_ends_two_simultaneous_approvals_with_one_loan(world):
    device = DeviceFactory(etablissement=world.etablissement)
    needs = [DecidedNeedFactory(student=world.student), DecidedNeedFactory(student=world.student2)]
    users = [world.direction.user, world.gestionnaire.user]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(need, user):
        try:
            barrier.wait(timeout=10)
            services.loan_approve(user=user, need=need, device=device)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=pair) for pair in zip(needs, users, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["Ce matériel est déjà prêté.", "ok"]
    assert Loan.objects.filter(device=device).count() == 1
