"""Sessions outside the timetable replace nothing of another teacher's; homework has a subject, a link, an end.

World: Claire MARTIN teaches SES to the 1G3 and to the spécialité SES group; Thomas GARNIER teaches
it histoire-géographie. Here a maths teacher, Paul ROUX, has the 1G3 on Mondays at 10:00.
"""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from continuite.ecole.tests.factories import StaffFactory, SubjectFactory, TeachingAssignmentFactory
from outils.tests.factories import ToolFactory
from planning import services
from planning.models import Homework, Modality, Session
from planning.tests.factories import HomeworkFactory, SessionFactory, SlotFactory
from suivi.models import AttendanceRegister
from suivi.tests.factories import MarkFactory, RegisterFactory

MONDAY = dt.date(2026, 11, 30)

pytestmark = pytest.mark.django_db


@pytest.fixture
def maths(calendar):
    """Paul ROUX's maths hour with the 1G3 (Monday 10:00), held as a video class with its register taken."""
    w = calendar
    w.maths = SubjectFactory(etablissement=w.etablissement, code="MATHS", label="Mathématiques")
    w.maths_teacher = StaffFactory(etablissement=w.etablissement, is_teacher=True, first_name="Paul", last_name="ROUX")
    TeachingAssignmentFactory(staff=w.maths_teacher, subject=w.maths, division=w.division)
    w.maths_slot = SlotFactory(
        division=w.division,
        subject=w.maths,
        teachers=[w.maths_teacher],
        weekday=0,
        start=dt.time(10),
        end=dt.time(11),
    )
    w.maths_session = services.session_plan(
        slot=w.maths_slot,
        date=MONDAY,
        modality=Modality.VISIO,
        by=w.maths_teacher,
        link="https://classe.netocentre.fr/maths",
    )
    MarkFactory(register=RegisterFactory(session=w.maths_session, taken_by=w.maths_teacher), student=w.student)
    return w


def plan_off_timetable(w, **overrides):
    values = {
        "etablissement": w.etablissement,
        "date": MONDAY,
        "start": dt.time(10),
        "end": dt.time(11),
        "subject": w.subject,
        "teachers": [w.teacher],
        "by": w.teacher,
        "modality": Modality.VISIO,
        "division": w.division,
        "link": "https://classe.netocentre.fr/ses",
    }
    values.update(overrides)
    return services.session_create(**values)


# --- Sessions outside the timetable ---------------------------------------------------------------


def test_it_leaves_another_teachers_hour_and_register_untouched(maths):
    """The bug: an SES session "outside the timetable" at 10:00 became Paul's maths hour in visio."""
    w = maths
    with pytest.raises(ValidationError, match=r"déjà cours à ce moment-là : Mathématiques \(1G3\), lundi 30 novembre"):
        plan_off_timetable(w, modality=Modality.ASYNC_DISTANCE, link="")
    session = Session.objects.get(pk=w.maths_session.pk)
    assert (session.subject, session.modality, session.link) == (
        w.maths,
        Modality.VISIO,
        "https://classe.netocentre.fr/maths",
    )
    assert list(session.teachers.all()) == [w.maths_teacher]
    assert AttendanceRegister.objects.get(session=session).marks.count() == 1
    assert Session.objects.count() == 1


def test_it_refuses_an_hour_that_overlaps_another_lesson_of_the_students(maths):
    w = maths
    with pytest.raises(ValidationError, match="Mathématiques"):
        plan_off_timetable(w, start=dt.time(10, 30), end=dt.time(11, 30))
    # The spécialité group's students include Léa, who is in maths then.
    with pytest.raises(ValidationError, match="Mathématiques"):
        plan_off_timetable(w, division=None, group=w.spe_group)
    assert Session.objects.count() == 1


def test_it_plans_at_a_free_time_outside_the_timetable(maths):
    session = plan_off_timetable(maths, start=dt.time(15), end=dt.time(16))
    assert session.is_outside_timetable and session.subject == maths.subject
    assert list(session.teachers.all()) == [maths.teacher] and session.created_by == maths.teacher


def test_it_takes_the_time_of_a_cancelled_lesson(maths):
    w = maths
    other = SlotFactory(
        division=w.division, subject=w.maths, teachers=[w.maths_teacher], weekday=0, start=dt.time(14), end=dt.time(15)
    )
    services.session_plan(slot=other, date=MONDAY, modality=Modality.CANCELLED)
    session = plan_off_timetable(w, start=dt.time(14), end=dt.time(15))
    assert session.is_outside_timetable


def test_it_replaces_the_teachers_own_slot_when_it_is_that_slot(maths):
    w = maths
    own = SlotFactory(
        division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0, start=dt.time(8), end=dt.time(9)
    )
    session = plan_off_timetable(w, start=dt.time(8), end=dt.time(9))
    assert session.slot == own and not session.is_outside_timetable


def test_it_refuses_a_subject_the_teacher_does_not_teach_that_audience(maths):
    w = maths
    with pytest.raises(ValidationError, match="Vous n'enseignez pas « Mathématiques » à 1G3"):
        plan_off_timetable(w, subject=w.maths, start=dt.time(15), end=dt.time(16))
    # SES to the 1G4: Claire teaches it the spécialité group, not the class.
    with pytest.raises(ValidationError, match="Vous n'enseignez pas"):
        plan_off_timetable(w, division=w.division2, start=dt.time(15), end=dt.time(16))
    assert Session.objects.count() == 1


def test_it_lets_a_teacher_plan_for_a_half_group_of_his_class(maths):
    session = plan_off_timetable(maths, division=None, group=maths.half_a, start=dt.time(15), end=dt.time(16))
    assert session.group == maths.half_a


def test_it_deletes_an_off_timetable_session_with_its_empty_register(maths):
    w = maths
    session = plan_off_timetable(w, start=dt.time(15), end=dt.time(16))
    RegisterFactory(session=session, taken_by=w.teacher)
    services.session_delete(session=session, by=w.teacher)
    assert not Session.objects.filter(pk=session.pk).exists()
    assert not AttendanceRegister.objects.filter(session_id=session.pk).exists()


def test_it_refuses_to_delete_a_session_whose_register_has_marks(maths):
    w = maths
    session = plan_off_timetable(w, start=dt.time(15), end=dt.time(16))
    MarkFactory(register=RegisterFactory(session=session, taken_by=w.teacher), student=w.student)
    with pytest.raises(ValidationError, match="L'appel de cette séance a déjà été fait"):
        services.session_delete(session=session, by=w.teacher)
    assert Session.objects.filter(pk=session.pk).exists()


def test_it_lets_only_the_author_delete_and_never_a_slot_occurrence(maths):
    w = maths
    session = plan_off_timetable(w, start=dt.time(15), end=dt.time(16))
    with pytest.raises(ValidationError, match="Seul l'enseignant qui a créé cette séance"):
        services.session_delete(session=session, by=w.tutor)
    with pytest.raises(ValidationError, match="Seule une séance hors emploi du temps se supprime"):
        services.session_delete(session=w.maths_session, by=w.maths_teacher)
    assert Session.objects.count() == 2


def test_it_keeps_a_session_with_a_register_when_set_back_in_class(maths):
    w = maths
    kept = services.session_plan(slot=w.maths_slot, date=MONDAY, modality=Modality.PRESENCE)
    assert kept.pk == w.maths_session.pk and kept.modality == Modality.PRESENCE
    assert AttendanceRegister.objects.get(session=kept).marks.count() == 1


# --- Homework -------------------------------------------------------------------------------------


def give(w, **overrides):
    values = {
        "etablissement": w.etablissement,
        "title": "QCM chapitre 3",
        "given_on": MONDAY,
        "due_date": MONDAY + dt.timedelta(days=1),
        "estimated_minutes": 30,
        "by": w.teacher,
        "division": w.division,
        "kind": "evaluation",
    }
    values.update(overrides)
    return services.homework_create(**values)


def test_it_gives_work_the_subject_the_teacher_teaches_that_audience(maths):
    homework = give(maths)
    assert homework.subject == maths.subject
    assert homework.heading == "Sciences économiques et sociales — Évaluation : QCM chapitre 3"
    assert give(maths, by=maths.maths_teacher).heading == "Mathématiques — Évaluation : QCM chapitre 3"
    # A half-group is taught by its division's teachers.
    assert give(maths, division=None, group=maths.half_b).subject == maths.subject


def test_it_asks_for_the_subject_when_the_teacher_teaches_several(maths):
    w = maths
    TeachingAssignmentFactory(staff=w.teacher, subject=w.maths, division=w.division)
    with pytest.raises(ValidationError, match="Choisissez la matière de ce travail."):
        give(w)
    assert give(w, subject=w.maths).subject == w.maths
    assert Homework.objects.count() == 1


def test_it_refuses_work_in_a_subject_the_teacher_does_not_teach_there(maths):
    with pytest.raises(ValidationError, match="Vous n'enseignez pas « Mathématiques » à 1G3"):
        give(maths, subject=maths.maths)
    assert not Homework.objects.exists()


def test_it_checks_the_link_of_work_as_a_sessions_link(maths):
    w = maths
    tool = ToolFactory(etablissement=w.etablissement, name="Moodle", allowed_domains=["netocentre.fr"])
    with pytest.raises(ValidationError, match="Le lien d'un outil « Moodle » doit pointer vers netocentre.fr"):
        give(w, tool=tool, link="https://evil.example.org/qcm")
    ruled_out = ToolFactory(etablissement=w.etablissement, gdpr_status="a_proscrire", allowed_domains=["discord.com"])
    with pytest.raises(ValidationError, match="n.est pas proposé pour un travail en autonomie"):
        give(w, tool=ruled_out, link="https://discord.com/qcm")
    assert not Homework.objects.exists()
    homework = give(w, tool=tool, link="https://lycees.netocentre.fr/moodle/qcm3", instructions="Vingt questions.")
    assert (homework.link, homework.instructions) == ("https://lycees.netocentre.fr/moodle/qcm3", "Vingt questions.")


def test_it_edits_work_and_checks_the_new_link(maths):
    w = maths
    homework = give(w)
    tool = ToolFactory(etablissement=w.etablissement, name="Moodle")
    with pytest.raises(ValidationError, match="doit pointer vers"):
        services.homework_update(homework=homework, by=w.teacher, tool=tool, link="https://evil.example.org/x")
    homework.refresh_from_db()
    assert homework.link == ""
    services.homework_update(homework=homework, by=w.teacher, estimated_minutes=45, title="QCM chapitre 4")
    homework.refresh_from_db()
    assert (homework.title, homework.estimated_minutes) == ("QCM chapitre 4", 45)


def test_it_deletes_work_by_its_author_only(maths):
    w = maths
    homework = give(w)
    with pytest.raises(ValidationError, match="Seul l'enseignant qui a donné ce travail"):
        services.homework_delete(homework=homework, by=w.tutor)
    assert Homework.objects.filter(pk=homework.pk).exists()
    services.homework_delete(homework=homework, by=w.teacher)
    assert not Homework.objects.filter(pk=homework.pk).exists()


def test_it_refuses_to_delete_work_with_hand_ins(maths):
    from django.utils import timezone

    from suivi.models import HandIn

    w = maths
    homework = give(w, hand_in_mode="depot_ent")
    HandIn.objects.create(
        etablissement=w.etablissement,
        homework=homework,
        student=w.student,
        due_date=homework.due_date,
        marked_at=timezone.now(),
    )
    with pytest.raises(ValidationError, match="Des rendus sont déjà saisis"):
        services.homework_delete(homework=homework, by=w.teacher)
    assert Homework.objects.filter(pk=homework.pk).exists()


def test_it_fills_the_subject_of_existing_work_where_unambiguous(maths):
    w = maths
    TeachingAssignmentFactory(staff=w.tutor, subject=w.maths, division=w.division)  # Thomas: HG and maths
    clear = HomeworkFactory(division=w.division, created_by=w.teacher)
    half = HomeworkFactory(group=w.half_a, created_by=w.maths_teacher)
    ambiguous = HomeworkFactory(division=w.division, created_by=w.tutor)
    in_session = HomeworkFactory(
        division=w.division, created_by=w.tutor, session=SessionFactory(division=w.division, subject=w.maths)
    )
    migration = importlib.import_module("planning.migrations.0003_homework_link_tool_subject_from_teaching")
    migration.fill_subjects(apps, None)
    subjects = dict(Homework.objects.values_list("pk", "subject__label"))
    assert subjects == {
        clear.pk: "Sciences économiques et sociales",
        half.pk: "Mathématiques",
        ambiguous.pk: None,
        in_session.pk: "Mathématiques",
    }


def test_it_takes_the_time_of_a_lesson_removed_from_the_timetable(maths):
    w = maths
    SlotFactory(
        division=w.division,
        subject=w.maths,
        teachers=[w.maths_teacher],
        weekday=0,
        start=dt.time(14),
        end=dt.time(15),
        valid_until=MONDAY - dt.timedelta(days=7),
    )
    assert plan_off_timetable(w, start=dt.time(14), end=dt.time(15)).is_outside_timetable
