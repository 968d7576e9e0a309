"""Every URL of the planning, for every role (see continuite/tests/matrix.py)."""

from continuite.tests.matrix import MATRIX_ROLES, Entry, only
from planning.models import CalendarFeed
from planning.tests.factories import HomeworkFactory, SessionFactory, SlotFactory

TEACHERS = ("teacher", "tutor")
PLANNERS = ("teacher", "tutor", "direction")
EVERYONE = ("teacher", "tutor", "cpe", "direction", "gestionnaire", "referent", "parent", "student")
# Changed by its teacher and the direction; seen (403) by the school's staff and the audience's family.
OWN_OBJECT = {**only(("teacher", "direction"), others=403), "other": 404}


def slot(w):
    return SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)


def session(w):
    return SessionFactory(division=w.division, subject=w.subject, teachers=[w.teacher])


def homework(w):
    return HomeworkFactory(division=w.division, created_by=w.teacher)


def marked_session(w):
    """Deletable by its author, but its register has a mark: every allowed role is refused (302) and it stays."""
    from suivi.tests.factories import MarkFactory, RegisterFactory

    session = SessionFactory(division=w.division, subject=w.subject, teachers=[w.teacher], created_by=w.teacher)
    MarkFactory(register=RegisterFactory(session=session), student=w.student)
    return session


def handed_in_homework(w):
    """Deletable by its author, but a hand-in is recorded: refused (302) and kept, so each role meets it."""
    from django.utils import timezone

    from suivi.models import HandIn

    work = homework(w)
    HandIn.objects.create(
        etablissement=w.etablissement,
        homework=work,
        student=w.student,
        due_date=work.due_date,
        marked_at=timezone.now(),
    )
    return work


def feed(w, role):
    return CalendarFeed.objects.create(user=w.user(role)).token


ENTRIES = [
    Entry("planning:week", expect=only(TEACHERS)),
    Entry("planning:week_copy", method="post", data=lambda w: {"weeks": 1}, expect=only(TEACHERS, ok=302)),
    Entry("planning:slot_new", expect=only(("direction",))),
    Entry("planning:slot_list", expect=only(("direction",))),
    # Changed or removed by the direction only (as slots are entered); another school's slot: 404.
    Entry(
        "planning:slot_edit",
        kwargs=lambda w: {"pk": slot(w).pk},
        expect={**only(("direction",)), "other": 404},
    ),
    Entry(
        "planning:slot_delete",
        kwargs=lambda w: {"pk": slot(w).pk},
        expect={**only(("direction",)), "other": 404},
    ),
    Entry(
        "planning:slot_occurrence",
        kwargs=lambda w: {"pk": slot(w).pk, "date": "2026-11-30"},
        expect={**only(("teacher", "direction")), "other": 404},
    ),
    Entry("planning:session_new", expect=only(PLANNERS)),
    Entry("planning:session_edit", kwargs=lambda w: {"pk": session(w).pk}, expect=OWN_OBJECT),
    Entry(
        "planning:session_delete",
        method="post",
        kwargs=lambda w: {"pk": marked_session(w).pk},
        expect={**OWN_OBJECT, "teacher": 302, "direction": 302},
    ),
    Entry("planning:homework_new", expect=only(PLANNERS)),
    Entry("planning:homework_edit", kwargs=lambda w: {"pk": homework(w).pk}, expect=OWN_OBJECT),
    Entry(
        "planning:homework_delete",
        method="post",
        kwargs=lambda w: {"pk": handed_in_homework(w).pk},
        expect={**OWN_OBJECT, "teacher": 302, "direction": 302},
    ),
    Entry(
        "planning:homework_done",
        method="post",
        kwargs=lambda w: {"pk": homework(w).pk},
        expect={**only(("student",), ok=302), "other": 404},
    ),
    Entry("planning:gauge", expect=only(PLANNERS)),
    Entry("planning:my_week", expect=only(("parent", "student"))),
    Entry("planning:my_division_load", expect=only(("tutor",), ok=302)),
    Entry(
        "planning:division_load",
        kwargs=lambda w: {"pk": w.division.pk},
        expect={**only(("tutor", "direction")), "other": 404},
    ),
    Entry(
        "planning:division_week_csv",
        kwargs=lambda w: {"pk": w.division.pk},
        expect={**only(("tutor", "direction")), "other": 404},
    ),
    Entry(
        "planning:division_switch",
        kwargs=lambda w: {"pk": w.division.pk},
        expect={**only(("tutor", "direction")), "other": 404},
    ),
    # Timetables: the audience's teachers and form tutors, the CPE, the direction; the family reads
    # its own pages (visible to it, so 403); another school's direction: 404.
    Entry(
        "planning:division_timetable",
        kwargs=lambda w: {"pk": w.division.pk},
        expect={**only(("teacher", "tutor", "cpe", "direction")), "other": 404},
    ),
    Entry(
        "planning:group_timetable",
        kwargs=lambda w: {"pk": w.spe_group.pk},
        expect={**only(("teacher", "tutor", "cpe", "direction")), "other": 404},
    ),
    # A student's week: his form tutors, the CPE, the direction; the référent sees no student (404).
    Entry(
        "planning:student_timetable",
        kwargs=lambda w: {"pk": w.student.pk},
        expect={**only(("tutor", "cpe", "direction")), "referent": 404, "other": 404},
    ),
    Entry("planning:school_load", expect=only(("direction",))),
    Entry("planning:school_load_csv", expect=only(("direction",))),
    Entry("planning:thresholds", expect=only(("direction",))),
    Entry("planning:calendar_links", expect=only(EVERYONE)),
    Entry("planning:calendar_renew", method="post", expect=only(EVERYONE, ok=302)),
    # A secret link: whoever holds it reads the feed, without logging in.
    Entry(
        "planning:ical_feed",
        kwargs=lambda w: {"token": feed(w, "student")},
        expect=dict.fromkeys(MATRIX_ROLES, 200),
    ),
    Entry(
        "planning:ical_division",
        kwargs=lambda w: {"token": feed(w, "teacher"), "pk": w.division.pk},
        expect=dict.fromkeys(MATRIX_ROLES, 200),
    ),
]
