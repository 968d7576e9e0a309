"""factory_boy factories of the catalogue. The académie's tools themselves come from the migration."""

import factory

from continuite.ecole.tests.factories import EtablissementFactory
from outils.models import Tool, ToolLocalSetting, Tutorial


class ToolFactory(factory.django.DjangoModelFactory):
    """A school's own tool by default; pass ``etablissement=None, shipped=True`` for an académie one."""

    class Meta:
        model = Tool

    etablissement = factory.SubFactory(EtablissementFactory)
    slug = factory.Sequence(lambda n: f"outil-{n}")
    name = factory.Sequence(lambda n: f"Outil {n}")
    summary = "Un outil de l'établissement."
    hosting = "ent"
    access_mode = "ent"
    gdpr_status = "recommande"
    gdpr_reasons = "Outil de l'ENT."
    serves_documents = True
    for_teachers = True
    for_students = True
    allowed_domains = factory.LazyFunction(lambda: ["netocentre.fr"])


class TutorialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tutorial

    tool = factory.SubFactory(ToolFactory)
    etablissement = factory.SelfAttribute("tool.etablissement")
    title = factory.Sequence(lambda n: f"Tutoriel {n}")
    kind = "video"
    url = factory.Sequence(lambda n: f"https://lycees.netocentre.fr/POD/video/{n:04d}-tutoriel/")


class ToolLocalSettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToolLocalSetting

    etablissement = factory.SubFactory(EtablissementFactory)
    slug = "pearltrees"
    unavailable = True
    note = "Indisponible cette année."
