import factory

from continuite.ecole.tests.factories import EtablissementFactory
from continuite.imports.models import ImportJob, ImportKind


class ImportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportJob

    etablissement = factory.SubFactory(EtablissementFactory)
    kind = ImportKind.STS
    filename = "sts_emp_0450001A_2026.xml"
    content = b"<STS_EDT/>"
