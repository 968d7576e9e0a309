"""Demo data of suivi: registers of the past weeks in 1G3, students at vigilance and at risk,
Léa DURAND's open case with a history, absences to process and a family's request waiting for
the vie scolaire. Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from continuite.accounts.models import User
from continuite.ecole.models import Division, Staff, Subject
from planning.models import Session

from . import queries, services
from .models import Case, CaseEvent, EventKind

# Absent sessions (indexes among the last ten) per student rank in 1G3: Léa (rank 0) at risk.
ABSENCES = {0: {1, 4, 6, 8}, 1: {3, 7}, 2: {0, 2, 5, 7, 9}}


def _past_weekdays(today: dt.date, count: int) -> list[dt.date]:
    days, day = [], today - dt.timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def _sessions(etablissement, division, teacher, today) -> list[Session]:
    """Planning's visio/hybride sessions of 1G3 in the last weeks, or ten SES video classes made here."""
    found = list(
        Session.objects.filter(
            division=division, modality__in=("visio", "hybride"), date__range=(today - dt.timedelta(days=20), today)
        ).order_by("date", "start")[:10]
    )
    if len(found) >= 10:
        return found
    subject = Subject.objects.filter(etablissement=etablissement, code="SES").first()
    sessions = []
    for day in _past_weekdays(today, 10):
        session, created = Session.objects.get_or_create(
            etablissement=etablissement,
            division=division,
            date=day,
            start=dt.time(10, 0),
            defaults={"end": dt.time(11, 0), "minutes": 60, "subject": subject, "modality": "visio"},
        )
        if created:
            session.teachers.add(teacher)
        sessions.append(session)
    return [s for s in sessions if s.modality in ("visio", "hybride")]


@transaction.atomic
def seed(*, etablissement, today: dt.date) -> None:
    division = Division.objects.filter(etablissement=etablissement, code="1G3").first()
    teacher = Staff.objects.filter(etablissement=etablissement, email="enseignant@demo.continuite.fr").first()
    cpe = User.objects.filter(email="cpe@demo.continuite.fr").first()
    if division is None or teacher is None or teacher.user is None or cpe is None:
        return
    students = list(division.students.current().order_by("pk"))
    lea = next((s for s in students if s.last_name == "DURAND" and s.first_name == "Léa"), None)
    by_post = _family_without_email(students)
    others = [s for s in students if s not in (lea, by_post)]
    # Léa first (at risk), the family reached by post third (at risk too), then the others.
    ranked = ([lea] if lea else []) + others[:1] + ([by_post] if by_post else []) + others[1:]
    for index, session in enumerate(_sessions(etablissement, division, teacher, today)):
        if hasattr(session, "register"):
            continue
        audience = set(queries.session_students(session).values_list("pk", flat=True))
        marks = {}
        for rank, absent_at in ABSENCES.items():
            if rank < len(ranked) and index in absent_at and ranked[rank].pk in audience:
                marks[ranked[rank].pk] = "absent"
        if len(ranked) > 3 and ranked[3].pk in audience and index % 3 == 0:
            marks[ranked[3].pk] = "distance"
        services.register_take(session=session, user=teacher.user, marks=marks, today=today)
    services.settings_update(
        etablissement=etablissement,
        user=cpe,
        vie_scolaire_phone="02 38 00 00 00",
        vie_scolaire_email="vie-scolaire@demo.continuite.fr",
        postal_address="12 avenue des Trois Rivières\n45000 Orléans",
    )
    services.signals_compute(etablissement=etablissement, today=today)
    case = Case.objects.open().filter(student=lea).first() if lea else None
    if case is not None and not CaseEvent.objects.filter(case=case, kind=EventKind.INTERVIEW).exists():
        _history(case, cpe=cpe, today=today)
    by_post_case = Case.objects.open().filter(student=by_post).first() if by_post else None
    if by_post_case is not None and not by_post_case.notices.exists():
        # Warned three school days ago; today the notice leaves, one guardian only by post.
        _opened_before(by_post_case, _school_days_before(today, 4))
        services.notice_send(case=by_post_case, user=cpe, today=_school_days_before(today, 3))
        services.notice_send(case=by_post_case, user=cpe, today=today)
    warned = Case.objects.open().filter(student=ranked[1]).first() if len(ranked) > 1 else None
    if warned is not None and not warned.notices.exists():
        # The warning stage: the form tutor is told today, the family notice waits for the delay.
        services.notice_send(case=warned, user=cpe, today=today)
    if lea is not None:
        _absences(lea=lea, others=ranked[1:3], cpe=cpe, today=today)


def _absences(*, lea, others, cpe, today: dt.date) -> None:
    """The vie scolaire's week: Léa's mother asked to justify two absences (one refused, the latest
    waiting for a decision); the CPE justified one absence of a classmate and settled another."""
    from .models import AttendanceMark, Justification

    parent = User.objects.filter(email="parent@demo.continuite.fr").first()
    if parent is None or Justification.objects.filter(student=lea).exists():
        return
    lea_days = sorted(
        set(
            AttendanceMark.objects.filter(student=lea, status="absent", absence_status="a_justifier").values_list(
                "register__date", flat=True
            )
        ),
        reverse=True,
    )
    if len(lea_days) >= 2:
        refused = services.justification_request(
            user=parent,
            student=lea,
            start=lea_days[1],
            end=lea_days[1],
            reason="autre",
            explanation="Léa ne s'est pas réveillée à temps pour la classe virtuelle.",
            today=today,
        )
        services.justification_decide(
            user=cpe,
            justification=refused,
            accept=False,
            note="Un réveil manqué n'est pas un motif recevable ; merci d'en parler avec Léa.",
        )
        # The latest: waiting for the vie scolaire, on the current week.
        services.justification_request(
            user=parent,
            student=lea,
            start=lea_days[0],
            end=lea_days[0],
            reason="maladie",
            explanation="Léa avait de la fièvre et est restée couchée ; le certificat du médecin suit.",
            today=today,
        )
    for student, settle in zip(others, (False, True), strict=False):
        mark = (
            AttendanceMark.objects.filter(student=student, status="absent", absence_status="a_justifier")
            .select_related("register")
            .order_by("register__date")
            .first()
        )
        if mark is None:
            continue
        if settle:
            services.absence_settle(user=cpe, mark=mark, reason="Vu avec l'élève : réveil manqué, règlement rappelé.")
        else:
            day = mark.register.date
            services.absence_justify(user=cpe, student=student, start=day, end=day, reason="convocation", today=today)
    services.signals_compute(etablissement=lea.etablissement_id, today=today)


def _family_without_email(students):
    """A student of the class one of whose legal guardians has no email address (the seed has some)."""
    from continuite.ecole.models import GuardianLink

    link = (
        GuardianLink.objects.filter(student__in=students, kind__in=["legal1", "legal2"], guardian__email="")
        .exclude(student__last_name="DURAND", student__first_name="Léa")
        .order_by("student_id")
        .first()
    )
    return link.student if link else None


def _opened_before(case: Case, day: dt.date) -> None:
    """The demo replays a case that the signals opened a few days ago (its warning left since):
    its opening moves to that morning, so that the history reads in order."""
    from django.utils import timezone

    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
    Case.objects.filter(pk=case.pk).update(opened_at=moment)
    CaseEvent.objects.filter(case=case, kind=EventKind.SIGNAL).update(occurred_at=moment)


def _school_days_before(today: dt.date, count: int) -> dt.date:
    day = today
    while count:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _history(case: Case, *, cpe, today: dt.date) -> None:
    from continuite.notifications.models import Notification
    from continuite.notifications.services import acknowledgement_token, notification_acknowledge

    services.family_contact_log(
        student=case.student, case=case, user=cpe, channel="appel", outcome="message", note="Message sur le répondeur."
    )
    services.case_interview_record(
        case=case,
        user=cpe,
        text="Léa dit avoir du mal à suivre les classes virtuelles le matin ; elle s'engage à se connecter.",
        occurred_on=today,
    )
    services.case_action_add(
        case=case,
        user=cpe,
        what="Point hebdomadaire avec le professeur principal",
        owner=cpe.staff_profile,
        review_on=today + dt.timedelta(days=7),
    )
    tutor = Staff.objects.filter(etablissement=case.etablissement, email="pp@demo.continuite.fr").first()
    if tutor is not None:
        # The form tutor's actions: one due today (his reminder), one next week ("Mes actions").
        services.case_action_add(
            case=case,
            user=cpe,
            what="Appeler Léa en fin de semaine pour faire le point sur les classes virtuelles",
            owner=tutor,
            review_on=today,
        )
        services.case_action_add(
            case=case,
            user=cpe,
            what="Organiser un tutorat par un élève de la classe en SES",
            owner=tutor,
            review_on=today + dt.timedelta(days=7),
        )
        services.reviews_due_notify(etablissement=case.etablissement, today=today)
    # The warning to the form tutor three school days ago, then the notice to both guardians today.
    _opened_before(case, _school_days_before(today, 4))
    services.notice_send(case=case, user=cpe, today=_school_days_before(today, 3))
    notice = services.notice_send(case=case, user=cpe, today=today)
    first = Notification.objects.filter(kind="suivi.notice", object_id=notice.pk, guardian__user__isnull=False).first()
    if first is not None:
        notification_acknowledge(token=acknowledgement_token(first))
