"""factory_boy factories of suivi (rows built directly; the services are tested on their own)."""

import datetime as dt

import factory
from django.utils import timezone

from continuite.ecole.tests.factories import StudentFactory
from planning.tests.factories import HomeworkFactory, SessionFactory
from suivi.models import (
    AttendanceMark,
    AttendanceRegister,
    Case,
    CaseAction,
    CaseEvent,
    FamilyContact,
    Flag,
    Justification,
    Level,
    Notice,
)

__all__ = ["HomeworkFactory", "SessionFactory"]


class RegisterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceRegister

    session = factory.SubFactory(SessionFactory)
    etablissement = factory.SelfAttribute("session.etablissement")
    date = factory.SelfAttribute("session.date")
    taken_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class MarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttendanceMark

    register = factory.SubFactory(RegisterFactory)
    student = factory.SubFactory(StudentFactory)
    status = "present"
    absence_status = factory.LazyAttribute(lambda o: "a_justifier" if o.status == "absent" else "")


class JustificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Justification

    student = factory.SubFactory(StudentFactory)
    etablissement = factory.SelfAttribute("student.etablissement")
    start = dt.date(2026, 11, 30)
    end = dt.date(2026, 12, 4)
    reason = "mot_famille"
    given_at = factory.LazyFunction(timezone.now)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    student = factory.SubFactory(StudentFactory)
    etablissement = factory.SelfAttribute("student.etablissement")
    level = Level.VIGILANCE
    rule = "Vigilance : fiche de repérage d'un personnel"
    evidence = factory.LazyFunction(lambda: {"sessions": 4, "unexcused": 2})
    severity = 2
    opened_at = factory.LazyFunction(timezone.now)


class CaseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseEvent

    case = factory.SubFactory(CaseFactory)
    kind = "entretien"
    occurred_at = factory.LazyFunction(timezone.now)
    text = "Entretien avec l'élève."


class CaseActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseAction

    case = factory.SubFactory(CaseFactory)
    what = "Tutorat par le professeur principal"
    review_on = factory.LazyFunction(timezone.localdate)
    created_at = factory.LazyFunction(timezone.now)


class FamilyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyContact

    case = factory.SubFactory(CaseFactory)
    student = factory.SelfAttribute("case.student")
    etablissement = factory.SelfAttribute("student.etablissement")
    channel = "appel"
    outcome = "joint"
    occurred_at = factory.LazyFunction(timezone.now)


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    student = factory.SubFactory(StudentFactory)
    etablissement = factory.SelfAttribute("student.etablissement")
    kind = "decrochage"
    observed = "Ne se connecte plus aux classes virtuelles."
    since = dt.date(2026, 11, 23)
    raised_at = factory.LazyFunction(timezone.now)


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    case = factory.SubFactory(CaseFactory)
    stage = "avis"
    level = 1
    severity = 2
    figures = factory.LazyFunction(
        lambda: {"start": "2026-11-17", "end": "2026-12-04", "sessions": 4, "unexcused": 2, "missing_work": 0}
    )
    subject = "Suivi de la scolarité de Léa DURAND"
    body = "Madame, Monsieur,\n\nLéa DURAND a manqué sans justification 2 séances à distance sur 4."
    sent_at = factory.LazyFunction(timezone.now)
