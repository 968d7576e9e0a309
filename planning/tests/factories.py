"""factory_boy factories of the planning (rows built directly; services are tested on their own)."""

import datetime as dt

import factory

from continuite.ecole.tests.factories import SubjectFactory
from planning.models import Homework, HomeworkKind, Modality, Session, TimetableSlot


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimetableSlot
        skip_postgeneration_save = True

    division = None
    group = None
    etablissement = factory.LazyAttribute(lambda o: (o.division or o.group).etablissement)
    school_year = factory.LazyAttribute(lambda o: (o.division or o.group).school_year)
    subject = factory.SubFactory(SubjectFactory, etablissement=factory.SelfAttribute("..etablissement"))
    weekday = 0
    start = dt.time(8, 0)
    end = dt.time(9, 0)

    @factory.post_generation
    def teachers(self, create, extracted, **kwargs):
        if create and extracted:
            self.teachers.set(extracted)


def _minutes(o):
    return (o.end.hour * 60 + o.end.minute) - (o.start.hour * 60 + o.start.minute)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    division = None
    group = None
    slot = None
    etablissement = factory.LazyAttribute(lambda o: (o.division or o.group).etablissement)
    subject = factory.SubFactory(SubjectFactory, etablissement=factory.SelfAttribute("..etablissement"))
    date = dt.date(2026, 11, 30)
    start = dt.time(8, 0)
    end = dt.time(9, 0)
    minutes = factory.LazyAttribute(_minutes)
    modality = Modality.VISIO

    @factory.post_generation
    def teachers(self, create, extracted, **kwargs):
        if create and extracted:
            self.teachers.set(extracted)


class HomeworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Homework

    division = None
    group = None
    etablissement = factory.LazyAttribute(lambda o: (o.division or o.group).etablissement)
    title = factory.Sequence(lambda n: f"Travail {n}")
    given_on = dt.date(2026, 11, 30)
    due_date = dt.date(2026, 12, 1)
    estimated_minutes = 30
    kind = HomeworkKind.EXERCISE
    created_by = None
