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


def test_it_seeds_a_1g3_student_on_paper_copies_and_the_readiness_of_1g3_once():
    from continuite.ecole.models import Division
    from continuite.ecole.tests.factories import GroupFactory, SubjectFactory, TeachingAssignmentFactory
    from equipement.models import DigitalReadiness
    from suivi.models import HandIn, HandInStatus

    today = timezone.localdate()
    etablissement = small_demo_school()
    division = Division.objects.get(etablissement=etablissement, code="1G3")
    teacher = StaffFactory(etablissement=etablissement, email="enseignant@demo.continuite.fr", is_teacher=True)
    tutor = StaffFactory(etablissement=etablissement, email="pp@demo.continuite.fr", is_teacher=True)
    division.form_tutors.add(tutor)
    StaffFactory(etablissement=etablissement, email="referent@demo.continuite.fr", is_referent_numerique=True)
    ses = GroupFactory(school_year=division.school_year, code="1SPESES1", divisions=[division])
    ses.students.set(division.students.all())
    TeachingAssignmentFactory(staff=teacher, subject=SubjectFactory(etablissement=etablissement), group=ses)
    from planning.services import school_calendar_build

    school_calendar_build(school_year=division.school_year)

    demo.seed(etablissement=etablissement, today=today)
    paper = Need.objects.get(details=demo.PAPER_DETAILS, decision="papier")
    assert paper.student.division == division and paper.student.last_name != "DURAND"
    statuses = set(HandIn.objects.filter(student=paper.student).values_list("status", flat=True))
    assert statuses == {HandInStatus.PAPER, HandInStatus.MISSING}
    records = DigitalReadiness.objects.filter(student__division=division).count()
    assert records >= 10
    assert DigitalReadiness.objects.filter(ent_codes_given=False).exists()

    demo.seed(etablissement=etablissement, today=today)
    assert Need.objects.filter(details=demo.PAPER_DETAILS).count() == 1
    assert DigitalReadiness.objects.filter(student__division=division).count() == records
    assert HandIn.objects.filter(student=paper.student).count() == 2
