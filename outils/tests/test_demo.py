import datetime as dt

import pytest

from continuite.ecole.tests.factories import EtablissementFactory
from outils import demo
from outils.models import Tool, ToolLocalSetting
from outils.queries import tools_for_modality

pytestmark = pytest.mark.django_db


def test_it_marks_one_tool_unavailable_for_the_demo_school_idempotently():
    school = EtablissementFactory()
    demo.seed(etablissement=school, today=dt.date(2026, 11, 30))
    demo.seed(etablissement=school, today=dt.date(2026, 11, 30))
    setting = ToolLocalSetting.objects.get(etablissement=school)
    assert (setting.slug, setting.unavailable) == ("pearltrees", True)
    assert Tool.objects.filter(etablissement__isnull=True).count() == 19
    offered = [tool.slug for tool in tools_for_modality(etablissement=school, modality="async_distance")]
    assert "pearltrees" not in offered
