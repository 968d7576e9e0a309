"""iCalendar feeds that every client reads the same: stable UIDs, Europe/Paris times with their
VTIMEZONE, cancelled as cancelled, work due as all-day events, holidays as one event over their span.

An occurrence of a slot has the UID ``slot-<pk>-<date>`` whether or not it has an override, so that a
calendar updates the event in place when the teacher changes its modality.

A session's link and notes (and a piece of work's link) reach only those who may open them: its
teachers, its students, and its students' guardians if the school allows it. A class feed of a staff
member who does not teach the session carries the session without them. A link the link policy
refuses now (a domain taken off the school's list, a tool ruled out since it was saved) is not in any
feed: a short note stands in its place (``planning.shown_links``).

DTSTAMP is the start of the day (UTC), not the instant of the request: the same data gives the same
bytes, so the ETag of the response (and its Last-Modified, the first time the portal served those
bytes) lets a client poll without downloading the feed again.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vDuration

from continuite.ecole.models import Student
from outils.policy import LinkChecker

from .models import Homework, Modality, SchoolDay, Session, TimetableSlot
from .queries import audience_q_for_student, audience_q_for_students, monday_of, taught_by_q
from .selectors import Occurrence, occurrences
from .shown_links import WITHDRAWN_FOR_GUARDIANS, WITHDRAWN_FOR_STUDENTS, check_links

PARIS = ZoneInfo("Europe/Paris")
WEEKS_BEFORE = 1
WEEKS_AFTER = 5
# A teacher is told not to film; a family reads that the class is neither filmed nor recorded.
NO_RECORDING = "La classe virtuelle n'est ni filmée ni enregistrée."
NO_RECORDING_FOR_TEACHERS = "Ne pas filmer ni enregistrer la classe virtuelle (droit à l'image)."
REFRESH = dt.timedelta(hours=1)
# The rules of Europe/Paris since 1996, as Thunderbird and Google write them. The ``icalendar``
# package's generated VTIMEZONE lists every change as an RDATE, which ical.js reads one hour off.
PARIS_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def _all(_row) -> bool:
    return True


def _none(_row) -> bool:
    return False


def _for_students(_row) -> str:
    return str(WITHDRAWN_FOR_STUDENTS)


def _for_guardians(_row) -> str:
    return str(WITHDRAWN_FOR_GUARDIANS)


def _for_teachers(row) -> str:
    """His own feed says why, as his week page does."""
    return _("Lien retiré, les élèves ne le voient plus : %(why)s Changez-le dans le portail.") % {
        "why": row.link_refusal
    }


def uid_domain() -> str:
    """The right-hand side of every UID: SITE_URL's host name, without its port, the same on every request."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _window(today: dt.date) -> tuple[dt.date, dt.date]:
    start = monday_of(today) - dt.timedelta(days=7 * WEEKS_BEFORE)
    return start, start + dt.timedelta(days=7 * (WEEKS_BEFORE + WEEKS_AFTER) - 1)


def _build(
    name: str,
    etablissement_id: int,
    slots_q: Q,
    sessions_q,
    today: dt.date,
    *,
    homework_q: Q | None = None,
    may_see_link=_all,
    withdrawn=_for_students,
    audience_note=None,
) -> bytes:
    """``sessions_q``: a Q, or a function of (slots, start, end) giving it; ``may_see_link(session or
    homework)`` says whether the feed's reader may get its link and notes; ``withdrawn(row)`` what the
    reader reads in place of a link the policy now refuses.

    The link policy is read once for the feed (one query), on its first link."""
    start, end = _window(today)
    days = list(SchoolDay.objects.filter(etablissement_id=etablissement_id, date__range=(start, end)))
    slots = list(
        TimetableSlot.objects.current()
        .filter(slots_q, etablissement_id=etablissement_id)
        .select_related("subject", "division", "group")
    )
    if callable(sessions_q):
        sessions_q = sessions_q(slots, start, end)
    sessions = list(
        Session.objects.filter(sessions_q, date__range=(start, end), etablissement_id=etablissement_id)
        .select_related("subject", "division", "group", "hybrid_remote_division")
        .prefetch_related("teachers")
    )
    cal = Calendar()
    cal.add("prodid", "-//Continuité//planning//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    # How often a client should poll (RFC 7986, and the older Outlook property).
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    stamp = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    checker = LinkChecker(etablissement_id)
    for occ in occurrences(slots, sessions, days):
        with_link = may_see_link(occ.session) if occ.session else False
        if with_link:
            check_links([occ.session], checker)
        event = _event(occ, stamp, with_link, withdrawn)
        note = audience_note(occ) if audience_note else ""
        if note:
            event.add("description", f"{event.pop('description')}\n{note}")
        cal.add_component(event)
    if homework_q is not None:
        work = (
            Homework.objects.filter(homework_q, etablissement_id=etablissement_id, due_date__range=(start, end))
            .select_related("subject")
            .order_by("due_date", "pk")
        )
        for homework in work:
            with_link = may_see_link(homework)
            if with_link:
                check_links([homework], checker)
            cal.add_component(_homework_event(homework, stamp, with_link, withdrawn))
    for event in _holiday_events(etablissement_id, start, end, stamp):
        cal.add_component(event)
    cal.subcomponents.insert(0, Timezone.from_ical(PARIS_VTIMEZONE.replace("\n", "\r\n")))
    return cal.to_ical()


def _link_line(row, withdrawn) -> str:
    return f"Lien : {row.link_shown}" if row.link_shown else withdrawn(row)


def _event(occ: Occurrence, stamp: dt.datetime, with_link: bool, withdrawn=_for_students) -> Event:
    event = Event()
    host = uid_domain()
    uid = f"slot-{occ.slot.pk}-{occ.date.isoformat()}" if occ.slot else f"session-{occ.session.pk}"
    event.add("uid", f"{uid}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", dt.datetime.combine(occ.date, occ.start, tzinfo=PARIS))
    event.add("dtend", dt.datetime.combine(occ.date, occ.end, tzinfo=PARIS))
    summary = f"{occ.subject} — {occ.audience}"
    if occ.is_outside_timetable:
        summary += " (hors emploi du temps)"
    event.add("summary", summary)
    lines = [f"Modalité : {occ.modality_label}"]
    session = occ.session
    if session is not None:
        if session.modality == Modality.HYBRIDE:
            label = session.hybrid_label
            lines.append(f"{label[:1].upper()}{label[1:]} ({session.get_hybrid_remote_mode_display()}).")
        if session.link and with_link:
            lines.append(_link_line(session, withdrawn))
        if session.modality in (Modality.VISIO, Modality.HYBRIDE):
            lines.append(NO_RECORDING_FOR_TEACHERS if withdrawn is _for_teachers else NO_RECORDING)
        if session.notes and with_link:
            lines.append(session.notes)
    event.add("description", "\n".join(lines))
    room = (session.room if session else "") or (occ.slot.room if occ.slot else "")
    if room:
        event.add("location", room)
    event.add("status", "CANCELLED" if occ.is_cancelled else "CONFIRMED")
    return event


def _homework_event(homework: Homework, stamp: dt.datetime, with_link: bool, withdrawn=_for_students) -> Event:
    """Work due: an all-day event on its due date, with its subject and minutes, free time (TRANSP)."""
    event = Event()
    host = uid_domain()
    event.add("uid", f"homework-{homework.pk}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", homework.due_date)
    event.add("dtend", homework.due_date + dt.timedelta(days=1))
    subject = homework.subject.label if homework.subject_id else ""
    summary = f"À rendre : {subject} — {homework.title} ({homework.estimated_minutes} min)"
    event.add("summary", summary.replace(" :  — ", " : "))
    lines = [f"{homework.get_kind_display()}, environ {homework.estimated_minutes} min."]
    if homework.instructions:
        lines.append(homework.instructions)
    if homework.link and with_link:
        lines.append(_link_line(homework, withdrawn))
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT")
    return event


def _holiday_events(etablissement_id: int, start: dt.date, end: dt.date, stamp: dt.datetime) -> list[Event]:
    """Each holiday as one all-day event over its whole span, weekends included.

    The days with classes are read a month around the window, so a holiday at its edge is whole. A
    run of days without classes is one event, named after the holidays most of its days belong to
    (Christmas and New Year's Day inside the Christmas holidays do not split them); a run of more
    than one day starts the day after the last class and ends the day before the next one.
    """
    margin = dt.timedelta(days=31)
    days = list(
        SchoolDay.objects.filter(etablissement_id=etablissement_id, date__range=(start - margin, end + margin))
        .order_by("date")
        .only("date", "is_holiday", "holiday_name")
    )
    runs: list[tuple[SchoolDay | None, list[SchoolDay], SchoolDay | None]] = []
    previous, run = None, []
    for day in days:
        if day.is_holiday:
            run.append(day)
            continue
        if run:
            runs.append((previous, run, day))
            run = []
        previous = day
    if run:
        runs.append((previous, run, None))
    events = []
    for before, run, after in runs:
        if len(run) == 1:
            first, last_exclusive = run[0].date, run[0].date + dt.timedelta(days=1)
        else:
            first = before.date + dt.timedelta(days=1) if before else run[0].date
            last_exclusive = after.date if after else run[-1].date + dt.timedelta(days=1)
        if last_exclusive <= start or first > end:
            continue
        names = [d.holiday_name for d in run if d.holiday_name]
        name = max(set(names), key=names.count) if names else "Jour non travaillé"
        event = Event()
        event.add("uid", f"holiday-{etablissement_id}-{first.isoformat()}@{uid_domain()}")
        event.add("dtstamp", stamp)
        event.add("dtstart", first)
        event.add("dtend", last_exclusive)
        event.add("summary", name)
        event.add("transp", "TRANSPARENT")
        events.append(event)
    return events


def feed_for_user(user, today: dt.date) -> bytes:
    """A teacher's sessions and the work he gave, a student's, or a guardian's children's."""
    staff, student, guardian = user.staff_profile, user.student_profile, user.guardian_profile
    if staff is not None:
        return _build(
            f"Planning — {staff.full_name}",
            user.etablissement_id,
            Q(teachers=staff),
            lambda slots, start, end: taught_by_q(staff, start=start, end=end, slot_ids=[s.pk for s in slots]),
            today,
            homework_q=Q(created_by=staff),
            withdrawn=_for_teachers,
        )
    if student is not None:
        q = audience_q_for_student(student)
        return _build(f"Planning — {student.full_name}", user.etablissement_id, q, q, today, homework_q=q)
    if guardian is not None:
        children = Student.objects.filter(guardian_links__guardian=guardian)
        q = audience_q_for_students(children)
        from .services import links_for_guardians

        allowed = links_for_guardians(etablissement_id=user.etablissement_id)
        return _build(
            "Planning de mes enfants",
            user.etablissement_id,
            q,
            q,
            today,
            homework_q=q,
            may_see_link=_all if allowed else _none,
            withdrawn=_for_guardians,
        )
    return _build("Planning", user.etablissement_id or 0, Q(pk__in=[]), Q(pk__in=[]), today)


def division_groups(division) -> dict[int, tuple[int, int]]:
    """The groups a division's students attend, ``{group id: (its students from the division, all its students)}``.

    Its half-groups, and every spécialité or option one of its current students is in, or that the
    timetable declares for it: a CPE following the 1G3 follows its students wherever they are. One query.
    """
    from continuite.ecole.models import Group

    current = Q(students__exit_date__isnull=True)
    rows = (
        Group.objects.filter(school_year_id=division.school_year_id)
        .annotate(
            ours=Count("students", filter=current & Q(students__division=division), distinct=True),
            total=Count("students", filter=current, distinct=True),
            declared=Count("divisions", filter=Q(divisions=division), distinct=True),
        )
        .filter(Q(division=division) | Q(ours__gt=0) | Q(declared__gt=0))
        .values_list("pk", "ours", "total")
    )
    return {pk: (ours, total) for pk, ours, total in rows}


def feed_for_division(division, today: dt.date, *, reader=None) -> bytes:
    """The week of a division's students: the division's slots and sessions, those of its half-groups and
    of every group its students attend (``division_groups``), and their work. A group mixing divisions
    says how many of its students are of this one.

    A session's link and notes, a work's link, only for the staff member who teaches it (gave it).
    """
    groups = division_groups(division)
    q = Q(division=division) | Q(group_id__in=sorted(groups))

    def audience_note(occ) -> str:
        row = occ.session or occ.slot
        ours, total = groups.get(row.group_id, (0, 0)) if row.group_id else (0, 0)
        if not ours or ours == total:
            return ""
        return _("Élèves de la %(code)s dans ce groupe : %(ours)s sur %(total)s.") % {
            "code": division.code,
            "ours": ours,
            "total": total,
        }

    staff = getattr(reader, "staff_profile", None)

    def teaches(row) -> bool:
        if staff is None:
            return False
        if isinstance(row, Homework):
            return row.created_by_id == staff.pk
        return any(t.pk == staff.pk for t in row.teachers.all())

    return _build(
        f"Planning — {division.code}",
        division.etablissement_id,
        q,
        q,
        today,
        homework_q=q,
        may_see_link=teaches,
        withdrawn=_for_teachers,
        audience_note=audience_note,
    )
