"""The signal rules, pinned on exact cases."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from suivi import services
from suivi.models import Case, CaseEvent, EventKind, Level, SuiviSettings

from .conftest import TODAY
from .factories import CaseFactory, FamilyContactFactory, FlagFactory, JustificationFactory
from .helpers import registers

pytestmark = pytest.mark.django_db


def evaluate(world):
    return services.signals_evaluate_school(etablissement_id=world.etablissement.pk, today=TODAY)


def test_it_does_not_count_justified_or_settled_absences(world, frozen):
    registers(world.student, ["absent", "absent"], absence_status="justifiee")
    registers(world.student, ["absent"], absence_status="reglee")
    registers(world.student, ["present", "present"])
    found = evaluate(world)[world.student.pk]
    assert found.level == ""
    assert found.evidence["sessions"] == 5
    assert "unexcused" not in found.evidence


def test_it_counts_present_at_a_distance_and_late_as_present(world, frozen):
    registers(world.student, ["distance", "distance", "retard", "present"])
    found = evaluate(world)[world.student.pk]
    assert found.level == ""
    assert services.signals_compute(etablissement=world.etablissement, today=TODAY) == []


def test_it_counts_technical_trouble_apart_from_absences(world, frozen):
    registers(world.student, ["technique", "technique", "technique"])
    found = evaluate(world)[world.student.pk]
    assert found.evidence["technical"] == 3
    assert "unexcused" not in found.evidence
    assert found.level == Level.VIGILANCE
    assert any("problèmes techniques" in rule for rule in found.rules)


def test_it_puts_a_student_in_vigilance_from_the_share_of_sessions_missed(world, frozen):
    registers(world.student, ["absent", "absent"] + ["present"] * 6)  # 25 %
    found = evaluate(world)[world.student.pk]
    assert found.level == Level.VIGILANCE
    assert "25 %" in found.rules[0]


def test_it_puts_a_student_at_risk_from_the_share_of_sessions_missed(world, frozen):
    registers(world.student, ["absent"] * 4 + ["present", "present", "distance", "distance"])  # 50 %
    found = evaluate(world)[world.student.pk]
    assert found.level == Level.RISQUE
    assert found.evidence["part_absences"] == 50


def test_it_follows_the_thresholds_of_the_school(world, frozen):
    SuiviSettings.objects.create(etablissement=world.etablissement, vigilance_absence_percent=30)
    registers(world.student, ["absent", "absent"] + ["present"] * 6)  # 25 % < 30 %
    assert evaluate(world)[world.student.pk].level == ""


def test_it_ignores_absences_before_the_window(world, frozen):
    import datetime as dt

    registers(world.student, ["absent", "absent"], first_day=dt.date(2026, 11, 2))
    registers(world.student, ["present"])
    assert evaluate(world)[world.student.pk].level == ""


def test_it_opens_a_case_with_the_evidence_and_the_rule(world, frozen):
    registers(world.student, ["absent"] * 4 + ["present"] * 4)
    opened = services.signals_compute(etablissement=world.etablissement, today=TODAY)
    assert [case.student for case in opened] == [world.student]
    case = opened[0]
    assert case.level == Level.RISQUE
    assert "50 % des séances à distance manquées sans justification (4 sur 8)" in case.rule
    assert case.evidence["unexcused"] == 4
    event = CaseEvent.objects.get(case=case)
    assert event.kind == EventKind.SIGNAL and event.author is None


def test_it_never_opens_a_second_case_while_one_is_open(world, frozen):
    registers(world.student, ["absent"] * 4 + ["present"] * 4)
    services.signals_compute(etablissement=world.etablissement, today=TODAY)
    services.signals_compute(etablissement=world.etablissement, today=TODAY)
    assert Case.objects.filter(student=world.student).count() == 1
    with pytest.raises(ValidationError, match="déjà ouvert"):
        services.case_open(student=world.student, level="vigilance", rule="À la main")


def test_it_refuses_a_second_open_case_in_the_database(world, frozen):
    CaseFactory(student=world.student)
    with pytest.raises(IntegrityError):
        CaseFactory(student=world.student)


def test_it_raises_the_level_of_the_open_case_when_worse(world, frozen):
    case = CaseFactory(student=world.student, level=Level.VIGILANCE, severity=1)
    registers(world.student, ["absent"] * 4 + ["present"] * 2)
    services.signals_compute(etablissement=world.etablissement, today=TODAY)
    case.refresh_from_db()
    assert case.level == Level.RISQUE
    assert case.severity == 4
    assert case.events.filter(kind=EventKind.LEVEL_UP).count() == 1


def test_it_does_not_reopen_a_case_closed_inside_the_window(world, frozen):
    from django.utils import timezone

    CaseFactory(
        student=world.student, status="clos", closed_at=timezone.now(), outcome="resolu", level="risque", severity=4
    )
    registers(world.student, ["absent"] * 4 + ["present"] * 4)
    assert services.signals_compute(etablissement=world.etablissement, today=TODAY) == []


def test_it_puts_a_flagged_student_in_vigilance_and_two_flags_at_risk(world, frozen):
    FlagFactory(student=world.student)
    assert evaluate(world)[world.student.pk].level == Level.VIGILANCE
    FlagFactory(student=world.student)
    assert evaluate(world)[world.student.pk].level == Level.RISQUE


def test_it_counts_work_not_handed_in(world, frozen):
    from .factories import HomeworkFactory

    for _n in range(2):
        homework = HomeworkFactory(division=world.division, due_date=TODAY, hand_in_mode="depot_ent")
        services.handin_mark(homework=homework, user=world.teacher.user, statuses={world.student.pk: "non_rendu"})
    found = evaluate(world)[world.student.pk]
    assert found.evidence["missing_work"] == 2
    assert found.level == Level.VIGILANCE


def test_it_signals_a_family_nobody_could_reach(world, frozen):
    FamilyContactFactory(case=None, student=world.student, etablissement=world.etablissement, outcome="injoignable")
    FamilyContactFactory(case=None, student=world.student, etablissement=world.etablissement, outcome="injoignable")
    found = evaluate(world)[world.student.pk]
    assert found.level == Level.VIGILANCE
    assert "injoignable" in found.rules[0]


def test_it_stops_counting_absences_once_justified(world, frozen):
    registers(world.student, ["absent"] * 4 + ["present"] * 4)
    import datetime as dt

    assert evaluate(world)[world.student.pk].level == Level.RISQUE
    services.absence_justify(
        user=world.cpe.user,
        student=world.student,
        start=dt.date(2026, 11, 23),
        end=dt.date(2026, 11, 27),
        reason="mot_famille",
    )
    assert evaluate(world)[world.student.pk].level == ""


def test_it_marks_a_new_absence_justified_when_a_justification_covers_the_day(world, frozen):
    from .helpers import remote_session

    JustificationFactory(student=world.student, start=TODAY, end=TODAY)
    session = remote_session(world, TODAY)
    register = services.register_take(session=session, user=world.teacher.user, marks={world.student.pk: "absent"})
    mark = register.marks.get(student=world.student)
    assert mark.absence_status == "justifiee"


def test_it_evaluates_the_school_with_the_same_number_of_queries_whatever_its_size(
    world, frozen, django_assert_num_queries
):
    from continuite.ecole.tests.factories import StudentFactory

    registers(world.student, ["absent", "present"])
    services.settings_get(etablissement=world.etablissement)
    for _n in range(5):
        registers(StudentFactory(division=world.division), ["absent", "absent"])
    # 1 settings, 2 school calendar (window), 3 attendance, 4 hand-ins, 5 flags, 6 contacts,
    # 7 half-days (DASEN count), 8 equipment needs
    with django_assert_num_queries(8):
        found = evaluate(world)
    assert len(found) == 6
