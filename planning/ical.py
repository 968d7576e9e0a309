"""iCalendar feeds: stable UIDs, Europe/Paris times, cancelled as cancelled, holidays as all-day events.

An occurrence of a slot has the UID ``slot-<pk>-<date>`` whether or not it has an override, so that a
calendar updates the event in place when the teacher changes its modality.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from icalendar import Calendar, Event

from continuite.ecole.models import Student

from .models import Modality, SchoolDay, Session, TimetableSlot
from .queries import audience_q_for_student, audience_q_for_students, monday_of, taught_by_q
from .selectors import Occurrence, occurrences

PARIS = ZoneInfo("Europe/Paris")
WEEKS_BEFORE = 1
WEEKS_AFTER = 5
NO_RECORDING = "Ne pas enregistrer la classe virtuelle."


def _window(today: dt.date) -> tuple[dt.date, dt.date]:
    start = monday_of(today) - dt.timedelta(days=7 * WEEKS_BEFORE)
    return start, start + dt.timedelta(days=7 * (WEEKS_BEFORE + WEEKS_AFTER) - 1)


def _build(name: str, etablissement_id: int, slots_q: Q, sessions_q, today: dt.date) -> bytes:
    """``sessions_q``: a Q, or a function of (slots, start, end) giving it."""
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
        Session.objects.filter(sessions_q, date__range=(start, end), etablissement_id=etablissement_id).select_related(
            "subject", "division", "group", "hybrid_remote_division"
        )
    )
    cal = Calendar()
    cal.add("prodid", "-//Continuité//planning//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    stamp = dt.datetime.now(tz=dt.UTC)
    for occ in occurrences(slots, sessions, days):
        cal.add_component(_event(occ, stamp))
    for event in _holiday_events(days, etablissement_id, stamp):
        cal.add_component(event)
    return cal.to_ical()


def _event(occ: Occurrence, stamp: dt.datetime) -> Event:
    event = Event()
    host = settings.SITE_URL.split("//")[-1]
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
        if session.link:
            lines.append(f"Lien : {session.link}")
        if session.modality in (Modality.VISIO, Modality.HYBRIDE):
            lines.append(NO_RECORDING)
        if session.notes:
            lines.append(session.notes)
    event.add("description", "\n".join(lines))
    room = (session.room if session else "") or (occ.slot.room if occ.slot else "")
    if room:
        event.add("location", room)
    event.add("status", "CANCELLED" if occ.is_cancelled else "CONFIRMED")
    return event


def _holiday_events(days: list[SchoolDay], etablissement_id: int, stamp: dt.datetime) -> list[Event]:
    """Consecutive holidays of the same name become one all-day event."""
    events = []
    run: list[SchoolDay] = []
    for day in [d for d in days if d.is_holiday] + [None]:
        if run and (day is None or day.holiday_name != run[-1].holiday_name or (day.date - run[-1].date).days > 3):
            event = Event()
            event.add("uid", f"holiday-{etablissement_id}-{run[0].date.isoformat()}@continuite")
            event.add("dtstamp", stamp)
            event.add("dtstart", run[0].date)
            event.add("dtend", run[-1].date + dt.timedelta(days=1))
            event.add("summary", run[0].holiday_name or "Jour non travaillé")
            event.add("transp", "TRANSPARENT")
            events.append(event)
            run = []
        if day is not None:
            run.append(day)
    return events


def feed_for_user(user, today: dt.date) -> bytes:
    """A teacher's sessions, a student's, or a guardian's children's."""
    staff, student, guardian = user.staff_profile, user.student_profile, user.guardian_profile
    if staff is not None:
        return _build(
            f"Planning — {staff.full_name}",
            user.etablissement_id,
            Q(teachers=staff),
            lambda slots, start, end: taught_by_q(staff, start=start, end=end, slot_ids=[s.pk for s in slots]),
            today,
        )
    if student is not None:
        q = audience_q_for_student(student)
        return _build(f"Planning — {student.full_name}", user.etablissement_id, q, q, today)
    if guardian is not None:
        children = Student.objects.filter(guardian_links__guardian=guardian)
        q = audience_q_for_students(children)
        return _build("Planning de mes enfants", user.etablissement_id, q, q, today)
    return _build("Planning", user.etablissement_id or 0, Q(pk__in=[]), Q(pk__in=[]), today)


def feed_for_division(division, today: dt.date) -> bytes:
    """The division's own slots and those of its half-groups."""
    q = Q(division=division) | Q(group__division=division)
    return _build(f"Planning — {division.code}", division.etablissement_id, q, q, today)
