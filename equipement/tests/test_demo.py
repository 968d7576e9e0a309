"""The demo's equipment data: built once, then left as it is."""

import pytest
from django.utils import timezone

from continuite.ecole.tests.factories import (
    DivisionFactory,
    GuardianFactory,
    GuardianLinkFactory,
    StaffFactory,
    StudentFactory,
    UserFactory,
)
from equipement import demo
from equipement.models import Device, Loan, Need

pytestmark = pytest.mark.django_db


def small_demo_school():
    """A few people with the demo's addresses (the full demo directory takes minutes to build)."""
    division = DivisionFactory(code="1G3")
    etablissement = division.etablissement
    for email, flags in [
        ("direction@demo.continuite.fr", {"is_direction": True}),
        ("gestion@demo.continuite.fr", {"is_gestionnaire": True}),
        ("cpe@demo.continuite.fr", {"is_cpe": True}),
    ]:
        StaffFactory(etablissement=etablissement, email=email, is_teacher=False, **flags)
    lea = StudentFactory(division=division, last_name="DURAND", first_name="Léa")
    lea.user = UserFactory(email="eleve@demo.continuite.fr", etablissement=etablissement)
    lea.save()
    for student in [lea] + [StudentFactory(division=division) for _ in range(13)]:
        GuardianLinkFactory(guardian=GuardianFactory(etablissement=etablissement), student=student, kind="legal1")
    return etablissement


def test_it_seeds_an_inventory_needs_and_loans_once():
    today = timezone.localdate()
    etablissement = small_demo_school()
    demo.seed(etablissement=etablissement, today=today)
    counts = (Device.objects.count(), Need.objects.count(), Loan.objects.count())
    assert counts[0] == 40
    assert counts[1] >= 12
    assert Loan.objects.out().count() >= 3
    assert Loan.objects.overdue(today).count() == 1
    assert Need.objects.waiting().count() >= 2
    assert Loan.objects.filter(need__student__user__email="eleve@demo.continuite.fr").exists()
    demo.seed(etablissement=etablissement, today=today)
    assert (Device.objects.count(), Need.objects.count(), Loan.objects.count()) == counts
