"""factory_boy factories of the school directory (and of accounts tied to its people)."""

import datetime as dt

import factory

from continuite.accounts.models import User
from continuite.ecole.models import (
    Division,
    Etablissement,
    Group,
    GroupKind,
    Guardian,
    GuardianLink,
    LinkKind,
    SchoolYear,
    Staff,
    Student,
    Subject,
    TeachingAssignment,
)


class EtablissementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Etablissement
        django_get_or_create = ["uai"]

    uai = factory.Sequence(lambda n: f"{4500000 + n:07d}A")
    name = factory.Sequence(lambda n: f"Lycée {n}")
    city = "Orléans"


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear

    etablissement = factory.SubFactory(EtablissementFactory)
    label = "2026-2027"
    start = dt.date(2026, 9, 1)
    end = dt.date(2027, 7, 4)
    is_current = True


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    etablissement = factory.SubFactory(EtablissementFactory)
    code = factory.Sequence(lambda n: f"MAT{n}")
    label = factory.Sequence(lambda n: f"Matière {n}")
    short_label = factory.LazyAttribute(lambda o: o.label[:40])


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division

    school_year = factory.SubFactory(SchoolYearFactory)
    etablissement = factory.SelfAttribute("school_year.etablissement")
    code = factory.Sequence(lambda n: f"1G{n}")
    level = "1ere"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        skip_postgeneration_save = True

    school_year = factory.SubFactory(SchoolYearFactory)
    etablissement = factory.SelfAttribute("school_year.etablissement")
    code = factory.Sequence(lambda n: f"1SPE{n}")
    kind = GroupKind.SPECIALITE

    @factory.post_generation
    def divisions(self, create, extracted, **kwargs):
        if create and extracted:
            self.divisions.set(extracted)


class HalfGroupFactory(GroupFactory):
    kind = GroupKind.HALF
    division = factory.SubFactory(DivisionFactory)
    school_year = factory.SelfAttribute("division.school_year")
    half = "A"
    code = factory.LazyAttribute(lambda o: f"{o.division.code}-{o.half}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = "Camille"
    last_name = "Test"
    etablissement = factory.SubFactory(EtablissementFactory)
    password = factory.PostGenerationMethodCall("set_password", "motdepasse-test")

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    etablissement = factory.SubFactory(EtablissementFactory)
    last_name = factory.Sequence(lambda n: f"NOM{n}")
    first_name = "Alex"
    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    is_teacher = True
    user = factory.SubFactory(
        UserFactory,
        email=factory.SelfAttribute("..email"),
        etablissement=factory.SelfAttribute("..etablissement"),
    )


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    etablissement = factory.SelfAttribute("division.etablissement")
    division = factory.SubFactory(DivisionFactory)
    ine = factory.Sequence(lambda n: f"{100000000 + n:09d}AB")
    last_name = factory.Sequence(lambda n: f"ELEVE{n}")
    first_name = "Léa"
    birth_date = dt.date(2010, 4, 15)
    user = None


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    etablissement = factory.SubFactory(EtablissementFactory)
    civility = "Mme"
    last_name = factory.Sequence(lambda n: f"PARENT{n}")
    first_name = "Sophie"
    email = factory.Sequence(lambda n: f"parent{n}@example.org")
    user = None


class GuardianLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuardianLink

    guardian = factory.SubFactory(GuardianFactory)
    student = factory.SubFactory(StudentFactory)
    kind = LinkKind.LEGAL_1


class TeachingAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingAssignment

    staff = factory.SubFactory(StaffFactory)
    subject = factory.SubFactory(SubjectFactory, etablissement=factory.SelfAttribute("..staff.etablissement"))
    division = None
    group = None
