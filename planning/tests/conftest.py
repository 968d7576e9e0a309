import pytest

from continuite.ecole.models import SchoolYear
from planning.services import school_calendar_build


@pytest.fixture
def calendar(world):
    """The school days of the world's school year (2026-2027, zone B)."""
    school_calendar_build(school_year=SchoolYear.objects.get(etablissement=world.etablissement))
    return world
