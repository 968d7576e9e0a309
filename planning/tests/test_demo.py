import datetime as dt

import pytest

from continuite.ecole.demo import seed_directory
from planning import demo
from planning.models import Modality, SchoolDay, Session, TimetableSlot
from planning.selectors import school_overview
from planning.services import planning_settings_get
from planning.workload import Thresholds

TODAY = dt.date(2026, 11, 30)


@pytest.mark.django_db
def test_it_seeds_a_timetable_a_hybrid_rota_and_an_overloaded_week_once():
    etablissement = seed_directory(today=TODAY)
    demo.seed(etablissement=etablissement, today=TODAY)
    slots = TimetableSlot.objects.filter(etablissement=etablissement).count()
    sessions = Session.objects.count()
    assert slots > 300
    hybrid = Session.objects.filter(division__code="1G3", modality=Modality.HYBRIDE)
    assert {s.hybrid_room_half for s in hybrid} == {"A", "B"}
    # the half at a distance follows live with its link (Monday to Wednesday), or works on its own
    live = [s for s in hybrid if s.hybrid_remote_mode == "live"]
    assert live and all(s.link.startswith("https://visio.netocentre.fr/b/1g3-") and s.tool_id for s in live)
    assert {s.date.weekday() for s in live} <= {0, 1, 2}
    assert any(s.hybrid_remote_mode == "autonomie" for s in hybrid)
    assert SchoolDay.objects.filter(etablissement=etablissement, is_holiday=True).exists()
    thresholds = Thresholds.of(planning_settings_get(etablissement=etablissement))
    next_week = school_overview(etablissement.pk, [TODAY + dt.timedelta(days=7)], thresholds)[0]
    assert "1G3" in [d.code for d, _load in next_week["over"]]

    demo.seed(etablissement=etablissement, today=TODAY)
    assert TimetableSlot.objects.filter(etablissement=etablissement).count() == slots
    assert Session.objects.count() == sessions


@pytest.mark.django_db
def test_it_seeds_a_timetable_without_conflict_and_with_saturday_morning():
    import time_machine
    from django.core.management import call_command

    from continuite.ecole.models import Etablissement, SchoolYear
    from planning.conflicts import school_conflicts

    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo", verbosity=0)
    etablissement = Etablissement.objects.get(uai="0459999Z")
    year = SchoolYear.objects.get(etablissement=etablissement, is_current=True)
    slots = TimetableSlot.objects.filter(etablissement=etablissement)
    assert slots.count() > 300
    assert school_conflicts(etablissement_id=etablissement.pk, school_year_id=year.pk, today=year.start) == []
    saturday = slots.filter(weekday=5)
    assert saturday.exists() and {(s.start.hour, s.end.hour) for s in saturday} <= {(8, 10), (10, 12)}
