"""factory_boy factories of the equipment app; rows built directly (tests only), services elsewhere."""

import datetime as dt

import factory
from django.utils import timezone

from continuite.ecole.tests.factories import EtablissementFactory, StudentFactory
from equipement.models import Decision, Device, DeviceKind, Loan, LoanStatus, Need, NeedContext, NeedStatus


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    etablissement = factory.SubFactory(EtablissementFactory)
    kind = DeviceKind.LAPTOP
    model = "Lenovo ThinkPad L13"
    asset_tag = factory.Sequence(lambda n: f"INV-{n:04d}")
    serial_number = factory.Sequence(lambda n: f"SN{n:06d}")
    location = "Salle des serveurs"
    kit = "chargeur, housse"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    student = factory.SubFactory(StudentFactory)
    etablissement = factory.LazyAttribute(lambda o: (o.student or o.staff).etablissement)
    staff = None
    declared_at = factory.LazyFunction(timezone.now)
    lacks_computer = True
    context = NeedContext.SHARED_DEVICE


class DecidedNeedFactory(NeedFactory):
    status = NeedStatus.DECIDED
    decision = Decision.SCHOOL_LOAN
    decided_at = factory.LazyFunction(timezone.now)


class LoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Loan

    need = factory.SubFactory(DecidedNeedFactory)
    etablissement = factory.SelfAttribute("need.etablissement")
    device = factory.SubFactory(DeviceFactory, etablissement=factory.SelfAttribute("..need.etablissement"))
    status = LoanStatus.APPROVED
    expected_return = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    approved_at = factory.LazyFunction(timezone.now)
    agreement_required = factory.LazyAttribute(lambda o: o.need.student_id is not None)
