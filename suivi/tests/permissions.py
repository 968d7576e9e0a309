"""Every URL of suivi, for every role (see continuite/tests/matrix.py)."""

import datetime as dt

from django.utils import timezone

from continuite.tests.matrix import Entry, only
from planning.tests.factories import HomeworkFactory, SessionFactory

from .factories import (
    CaseActionFactory,
    CaseFactory,
    JustificationFactory,
    MarkFactory,
    NoticeFactory,
    RegisterFactory,
)


def _session(w):
    session = SessionFactory(division=w.division, subject=w.subject, date=timezone.localdate(), teachers=[w.teacher])
    return {"session_pk": session.pk}


def _homework(w):
    homework = HomeworkFactory(
        division=w.division,
        subject=w.subject,
        created_by=w.teacher,
        hand_in_mode="depot_ent",
        given_on=timezone.localdate(),
        due_date=timezone.localdate(),
    )
    return {"homework_pk": homework.pk}


def _case(w):
    return {"pk": CaseFactory(student=w.student).pk}


def _escalated_case(w):
    return {"pk": CaseFactory(student=w.student, escalated_at=timezone.now()).pk}


def _action(w):
    action = CaseActionFactory(case__student=w.student, case__escalated_at=timezone.now(), owner=w.cpe)
    return {"pk": action.case_id, "action_pk": action.pk}


def _letter(w):
    case = CaseFactory(student=w.student, escalated_at=timezone.now())
    notice = NoticeFactory(case=case)
    return {"pk": case.pk, "notice_pk": notice.pk}


def _own_action(w):
    # the form tutor's action (the others get a 404: not theirs)
    return {"action_pk": CaseActionFactory(case__student=w.student, owner=w.tutor).pk}


def _absence(w):
    register = RegisterFactory(session__division=w.division, session__date=timezone.localdate())
    return {"pk": MarkFactory(register=register, student=w.student, status="absent").pk}


def _request(w):
    today = timezone.localdate()
    request = JustificationFactory(
        student=w.student, start=today, end=today, status="en_attente", given_by=w.users["parent"]
    )
    return {"pk": request.pk}


def _today(days=0):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


CASE_WRITE = only(("cpe",), ok=302, others=404)
CASE_WRITE["direction"] = 403  # sees the escalated case, may not change it
FLAG_ROLES = ("teacher", "tutor", "cpe", "direction")

ENTRIES = [
    Entry("suivi:register_list", expect=only(("teacher", "tutor"))),
    Entry("suivi:register_take", kwargs=_session, expect=only(("teacher", "cpe", "direction"), others=404)),
    Entry(
        "suivi:register_take",
        method="post",
        kwargs=_session,
        data=lambda w: {f"s{w.student.pk}": "absent"},
        expect={**only(("teacher", "cpe"), ok=302, others=404), "direction": 403},
    ),
    Entry("suivi:handin_mark", kwargs=_homework, expect=only(("teacher", "tutor", "cpe"), others=404)),
    Entry(
        "suivi:handin_mark",
        method="post",
        kwargs=_homework,
        data=lambda w: {f"s{w.student.pk}": "non_rendu"},
        expect={**only(("teacher", "tutor"), ok=302, others=404), "cpe": 403},
    ),
    Entry("suivi:flag_create", expect=only(FLAG_ROLES)),
    Entry(
        "suivi:flag_create",
        method="post",
        data=lambda w: {
            "student": w.student.pk,
            "kind": "decrochage",
            "observed": "Absent des visios.",
            "since": _today(-3),
        },
        # the direction of another school cannot pick this student: the form comes back with an error
        expect=only(FLAG_ROLES, ok=302, other=200),
    ),
    Entry("suivi:flag_list", expect=only(FLAG_ROLES)),
    Entry("suivi:case_list", expect=only(("cpe", "direction"))),
    Entry("suivi:case_open", kwargs=lambda w: {"student_pk": w.student.pk}, expect=only(("cpe",), other=403)),
    Entry(
        "suivi:case_open",
        method="post",
        kwargs=lambda w: {"student_pk": w.student2.pk},
        data=lambda w: {"level": "vigilance", "rule": "Appel de la famille : décrochage depuis deux semaines."},
        expect=only(("cpe",), ok=302, other=403),
    ),
    Entry("suivi:case_detail", kwargs=_case, expect=only(("cpe",), others=404)),
    Entry("suivi:case_detail", kwargs=_escalated_case, expect=only(("cpe", "direction"), others=404)),
    Entry(
        "suivi:case_interview",
        method="post",
        kwargs=_escalated_case,
        data=lambda w: {"entretien-text": "Entretien.", "entretien-occurred_on": _today()},
        expect=CASE_WRITE,
    ),
    Entry(
        "suivi:case_action",
        method="post",
        kwargs=_escalated_case,
        data=lambda w: {"action-what": "Tutorat", "action-owner": w.tutor.pk, "action-review_on": _today(7)},
        expect=CASE_WRITE,
    ),
    Entry("suivi:case_action_done", method="post", kwargs=_action, expect=CASE_WRITE),
    Entry(
        "suivi:case_contact",
        method="post",
        kwargs=_escalated_case,
        data=lambda w: {"contact-channel": "appel", "contact-outcome": "joint", "contact-guardian": w.guardian.pk},
        expect=CASE_WRITE,
    ),
    Entry("suivi:case_notice", method="post", kwargs=_escalated_case, expect=CASE_WRITE),
    Entry(
        "suivi:case_justify",
        method="post",
        kwargs=_escalated_case,
        data=lambda w: {"justif-start": _today(-2), "justif-end": _today(), "justif-reason": "mot_famille"},
        expect=CASE_WRITE,
    ),
    Entry(
        "suivi:case_escalate",
        method="post",
        kwargs=_escalated_case,
        data=lambda w: {"direction-text": "x"},
        # The case is already escalated: the CPE reads the refusal on the page, its form kept (200).
        expect={**CASE_WRITE, "cpe": 200},
    ),
    Entry(
        "suivi:case_close",
        method="post",
        kwargs=_escalated_case,
        data=lambda w: {"cloture-outcome": "cio"},
        expect=CASE_WRITE,
    ),
    Entry("suivi:notice_letter", kwargs=_letter, expect=only(("cpe", "direction"), others=404)),
    Entry("suivi:tutor_summary", expect=only(("tutor",))),
    Entry("suivi:my_actions", expect=only(("teacher", "tutor", "cpe", "direction", "gestionnaire", "referent"))),
    Entry(
        "suivi:my_action_done",
        method="post",
        kwargs=_own_action,
        expect={**only(("tutor",), ok=302, others=404), "parent": 403, "student": 403},
    ),
    Entry("suivi:gpds", expect=only(("cpe", "direction"))),
    Entry("suivi:export_csv", expect=only(("cpe", "direction"))),
    Entry("suivi:settings", expect=only(("cpe", "direction"))),
    Entry(
        "suivi:settings",
        method="post",
        data=lambda w: {
            "form": "notice1",
            "notice1-subject": "Suivi de {eleve}",
            "notice1-body": "Bonjour, {eleve} a manqué {absences} séances.",
        },
        expect=only(("cpe", "direction"), ok=302),
    ),
    Entry("suivi:family_absences", expect=only(("parent",))),
    Entry(
        "suivi:family_absences",
        method="post",
        data=lambda w: {
            "student": w.student.pk,
            f"c{w.student.pk}-start": _today(-1),
            f"c{w.student.pk}-end": _today(),
            f"c{w.student.pk}-reason": "transport",
        },
        expect=only(("parent",), ok=302),
    ),
    # The vie scolaire's absence pages: the CPE only (no other role sees another family's absences).
    Entry("suivi:absence_list", expect=only(("cpe",))),
    Entry("suivi:absence_list", query="?state=toutes&division=&student=DURAND", expect=only(("cpe",))),
    Entry(
        "suivi:absence_justify",
        method="post",
        kwargs=_absence,
        data=lambda w: {"reason": "transport"},
        expect=only(("cpe",), ok=302),
    ),
    Entry(
        "suivi:absence_settle",
        method="post",
        kwargs=_absence,
        data=lambda w: {"reason": "Appel erroné : présente en salle."},
        expect=only(("cpe",), ok=302),
    ),
    Entry(
        "suivi:absence_correct",
        method="post",
        kwargs=_absence,
        data=lambda w: {"status": "distance"},
        expect=only(("cpe",), ok=302),
    ),
    Entry(
        "suivi:justification_decide",
        method="post",
        kwargs=_request,
        data=lambda w: {"decision": "refuser", "note": "Motif non recevable."},
        expect=only(("cpe",), ok=302),
    ),
    Entry("suivi:student_followup", kwargs=lambda w: {"pk": w.student.pk}, expect=only(("cpe",))),
    Entry(
        "suivi:student_justify",
        method="post",
        kwargs=lambda w: {"pk": w.student.pk},
        data=lambda w: {"justif-start": _today(-2), "justif-end": _today(), "justif-reason": "mot_famille"},
        expect=only(("cpe",), ok=302),
    ),
]
