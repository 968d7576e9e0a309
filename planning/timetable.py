"""Writes of the recurring timetable: enter a slot, change it or remove it from a date.

A change from a date D never rewrites the past: the slot's version in force ends the day before D
and a new version starts at D (a slot that has not started yet is simply changed). The sessions
planned on its occurrences from D on (overrides: a classe virtuelle, a cancelled hour...) are
never dropped silently: those that still fall on an occurrence of the new version follow it; the
others wait for a decision, "keep" (moved to the new version's occurrence of the same week, or,
when the slot is removed, kept on their date outside the timetable) or "cancel". Their teachers
are told in the portal and by mail.

Conflicts (see ``planning.conflicts``) refuse the write unless it is confirmed explicitly.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from continuite.ecole.models import Division, Etablissement, Group, SchoolYear, Staff, Subject
from continuite.ecole.services import save_validated
from continuite.french import long_date

from .conflicts import Conflict, SlotSpec, slot_conflicts, slot_label
from .models import WEEKDAY_NAMES, Modality, SchoolDay, Session, TimetableSlot, WeekPattern
from .queries import monday_of

KEEP = "keep"
CANCEL = "cancel"
SLOT_CHANGE_KIND = "planning.slot_change"
SLOT_CHANGE_TEMPLATE = "planning/notifications/slot_change"


class SlotDecisionNeeded(ValidationError):
    """The write waits for the person: conflicts to confirm, planned sessions to keep or cancel.

    ``conflicts`` (with ``candidate_label``, the slot as it would be) and ``overrides`` (the
    planned sessions; those with ``fits`` follow without a decision) are listed on the page.
    """

    def __init__(self, *, conflicts: list[Conflict], candidate_label: str = "", overrides: list[PlannedOverride] = ()):
        self.conflicts = conflicts
        self.candidate_label = candidate_label
        self.overrides = list(overrides)
        self.undecided = [o for o in self.overrides if not o.fits]
        self.conflict_messages = [conflict_message(c, candidate_label) for c in conflicts]
        self.override_message = ""
        if self.undecided:
            self.override_message = (
                _("Décidez, pour chaque séance planifiée listée, si elle est gardée ou annulée.")
                if len(self.undecided) > 1
                else _("Décidez si la séance planifiée listée est gardée ou annulée.")
            )
        super().__init__([*self.conflict_messages, *([self.override_message] if self.override_message else [])])


def conflict_message(conflict: Conflict, candidate_label: str) -> str:
    return _("Conflit : le créneau « %(first)s » et le créneau « %(second)s » ont lieu en même temps avec %(why)s.") % {
        "first": candidate_label,
        "second": slot_label(conflict.second),
        "why": conflict.reasons,
    }


@dataclass
class PlannedOverride:
    """A session planned on an occurrence of the slot from the date of the change, and its fate."""

    session: Session
    fits: bool  # the new version has an occurrence on its date: it follows without a decision
    target: dt.date | None  # where "keep" puts it (None: nowhere in that week)

    @property
    def label(self) -> str:
        session = self.session
        return _("%(date)s %(start)s–%(end)s, %(audience)s, %(subject)s : %(modality)s") % {
            "date": long_date(session.date, year=False),
            "start": f"{session.start:%H:%M}",
            "end": f"{session.end:%H:%M}",
            "audience": getattr(session.audience, "code", session.audience),
            "subject": session.subject.label,
            "modality": session.get_modality_display(),
        }


def _check_fields(
    *, etablissement: Etablissement, division, group, weekday: int, start: dt.time, end: dt.time, week_pattern: str
) -> None:
    from .services import _check_audience, planning_settings_get

    _check_audience(etablissement, division, group)
    weekdays = planning_settings_get(etablissement=etablissement).weekdays
    if weekday not in weekdays:
        raise ValidationError(
            _("Le %(day)s n'est pas un jour de classe de l'établissement (jours de classe : %(days)s).")
            % {"day": WEEKDAY_NAMES[weekday], "days": ", ".join(str(WEEKDAY_NAMES[d]) for d in weekdays)}
        )
    if start >= end:
        raise ValidationError(_("Le créneau doit commencer avant de finir."))
    if week_pattern not in WeekPattern.values:
        raise ValidationError(_("Semaines inconnues."))


def _candidate_label(*, weekday, start, end, week_pattern, division, group, subject, teachers, room) -> str:
    parts = [f"{WEEKDAY_NAMES[weekday]} {start:%H:%M}–{end:%H:%M}"]
    if week_pattern != WeekPattern.ALL:
        parts[0] += f" ({WeekPattern(week_pattern).label.lower()})"
    parts.append((division or group).code)
    parts.append(subject.label)
    names = [str(t) for t in teachers]
    parts.append(", ".join(names) if names else _("sans enseignant"))
    parts.append(_("salle %(room)s") % {"room": room} if room else _("sans salle"))
    return ", ".join(parts)


def _unconfirmed_conflicts(spec: SlotSpec, *, exclude_ids, confirm: bool) -> list[Conflict]:
    conflicts = slot_conflicts(spec, exclude_ids=exclude_ids)
    return [] if confirm else conflicts


@transaction.atomic
def slot_create(
    *,
    etablissement: Etablissement,
    school_year: SchoolYear,
    subject: Subject,
    teachers: Iterable[Staff],
    weekday: int,
    start: dt.time,
    end: dt.time,
    division: Division | None = None,
    group: Group | None = None,
    week_pattern: str = WeekPattern.ALL,
    room: str = "",
    valid_from: dt.date | None = None,
    confirm_conflicts: bool = False,
) -> TimetableSlot:
    """Add a recurring slot to a division's or a group's timetable (refused on conflict unless confirmed)."""
    teachers = list(teachers)
    room = room.strip()
    _check_fields(
        etablissement=etablissement,
        division=division,
        group=group,
        weekday=weekday,
        start=start,
        end=end,
        week_pattern=week_pattern,
    )
    spec = SlotSpec(
        etablissement_id=etablissement.pk,
        school_year_id=school_year.pk,
        weekday=weekday,
        start=start,
        end=end,
        teacher_ids=[t.pk for t in teachers],
        division_id=division.pk if division else None,
        group_id=group.pk if group else None,
        week_pattern=week_pattern,
        room=room,
        valid_from=valid_from,
    )
    label = _candidate_label(
        weekday=weekday,
        start=start,
        end=end,
        week_pattern=week_pattern,
        division=division,
        group=group,
        subject=subject,
        teachers=teachers,
        room=room,
    )
    conflicts = _unconfirmed_conflicts(spec, exclude_ids=(), confirm=confirm_conflicts)
    if conflicts:
        raise SlotDecisionNeeded(conflicts=conflicts, candidate_label=label)
    slot = save_validated(
        TimetableSlot(
            etablissement=etablissement,
            school_year=school_year,
            subject=subject,
            weekday=weekday,
            start=start,
            end=end,
            division=division,
            group=group,
            week_pattern=week_pattern,
            room=room,
            valid_from=valid_from,
        )
    )
    slot.teachers.set(teachers)
    return slot


def _check_from_date(slot: TimetableSlot, from_date: dt.date, today: dt.date) -> None:
    if from_date < today:
        raise ValidationError(
            _("Un changement prend effet aujourd'hui ou plus tard : les semaines passées gardent ce qui a eu lieu.")
        )
    if slot.valid_until is not None and from_date > slot.valid_until:
        raise ValidationError(
            _("Ce créneau s'arrête le %(date)s : choisissez une date avant.") % {"date": long_date(slot.valid_until)}
        )
    if from_date > slot.school_year.end:
        raise ValidationError(_("Cette date est après la fin de l'année scolaire."))


def slot_overrides_from(
    *,
    slot: TimetableSlot,
    from_date: dt.date,
    weekday: int | None = None,
    week_pattern: str | None = None,
    today: dt.date | None = None,
) -> list[PlannedOverride]:
    """The sessions planned on the slot from ``from_date``, and where each goes in the new version.

    ``weekday``/``week_pattern`` describe the new version (None: the slot is removed, nothing
    fits). Two queries: the sessions, then the school days of their weeks.
    """
    today = today or timezone.localdate()
    sessions = list(
        Session.objects.filter(slot=slot, date__gte=from_date)
        .select_related("subject", "division", "group")
        .prefetch_related("teachers")
        .order_by("date", "start")
    )
    if not sessions:
        return []
    if weekday is None:
        return [PlannedOverride(session=s, fits=False, target=s.date) for s in sessions]
    targets = {s.pk: monday_of(s.date) + dt.timedelta(days=weekday) for s in sessions}
    days = {
        d.date: d
        for d in SchoolDay.objects.filter(
            etablissement_id=slot.etablissement_id, date__in=sorted(set(targets.values()))
        )
    }
    result = []
    for session in sessions:
        target = targets[session.pk]
        day = days.get(target)
        runs = (
            day is not None
            and not day.is_holiday
            and (week_pattern == WeekPattern.ALL or week_pattern == day.week_parity)
            and target >= max(from_date, today)
        )
        fits = runs and target == session.date
        result.append(PlannedOverride(session=session, fits=fits, target=target if runs else None))
    return result


def _undecided(overrides: list[PlannedOverride], decisions: dict[int, str]) -> bool:
    for override in overrides:
        if override.fits:
            continue
        decision = decisions.get(override.session.pk)
        if decision not in (KEEP, CANCEL) or (decision == KEEP and override.target is None):
            return True
    return False


def _cancel(session: Session) -> None:
    """A cancelled planned session goes; one whose register was already taken stays, marked cancelled."""
    from suivi.models import AttendanceRegister

    if AttendanceRegister.objects.filter(session=session).exists():
        session.modality = Modality.CANCELLED
        session.slot = None
        save_validated(session)
    else:
        session.delete()


@transaction.atomic
def slot_change(
    *,
    slot: TimetableSlot,
    from_date: dt.date,
    subject: Subject,
    teachers: Iterable[Staff],
    weekday: int,
    start: dt.time,
    end: dt.time,
    division: Division | None = None,
    group: Group | None = None,
    week_pattern: str = WeekPattern.ALL,
    room: str = "",
    decisions: dict[int, str] | None = None,
    confirm_conflicts: bool = False,
    by: Staff | None = None,
    today: dt.date | None = None,
) -> TimetableSlot:
    """Change a slot from ``from_date`` on; returns the version in force from that date.

    Raises ``SlotDecisionNeeded`` while there are conflicts (unless ``confirm_conflicts``) or a
    planned session that does not fit has no decision in ``decisions`` (session id → "keep" or
    "cancel").
    """
    today = today or timezone.localdate()
    decisions = decisions or {}
    teachers = list(teachers)
    room = room.strip()
    etablissement = slot.etablissement
    _check_from_date(slot, from_date, today)
    _check_fields(
        etablissement=etablissement,
        division=division,
        group=group,
        weekday=weekday,
        start=start,
        end=end,
        week_pattern=week_pattern,
    )
    starts = slot.valid_from or slot.school_year.start
    in_place = from_date <= starts
    spec = SlotSpec(
        etablissement_id=etablissement.pk,
        school_year_id=slot.school_year_id,
        weekday=weekday,
        start=start,
        end=end,
        teacher_ids=[t.pk for t in teachers],
        division_id=division.pk if division else None,
        group_id=group.pk if group else None,
        week_pattern=week_pattern,
        room=room,
        valid_from=slot.valid_from if in_place else from_date,
        valid_until=slot.valid_until,
    )
    label = _candidate_label(
        weekday=weekday,
        start=start,
        end=end,
        week_pattern=week_pattern,
        division=division,
        group=group,
        subject=subject,
        teachers=teachers,
        room=room,
    )
    conflicts = _unconfirmed_conflicts(spec, exclude_ids=[slot.pk], confirm=confirm_conflicts)
    overrides = slot_overrides_from(
        slot=slot, from_date=from_date, weekday=weekday, week_pattern=week_pattern, today=today
    )
    if conflicts or _undecided(overrides, decisions):
        raise SlotDecisionNeeded(conflicts=conflicts, candidate_label=label, overrides=overrides)
    weeks = _weeks_touched(overrides)
    old_label = slot_label(slot)
    old_teachers = list(slot.teachers.all())
    fields = {
        "subject": subject,
        "weekday": weekday,
        "start": start,
        "end": end,
        "division": division,
        "group": group,
        "week_pattern": week_pattern,
        "room": room,
    }
    if in_place:
        new = slot
        for name, value in fields.items():
            setattr(new, name, value)
        save_validated(new)
    else:
        new = save_validated(
            TimetableSlot(
                etablissement=etablissement,
                school_year=slot.school_year,
                valid_from=from_date,
                valid_until=slot.valid_until,
                **fields,
            )
        )
        slot.valid_until = from_date - dt.timedelta(days=1)
        save_validated(slot)
    new.teachers.set(teachers)
    fates = []
    for override in overrides:
        session = override.session
        session_teachers = list(session.teachers.all())
        before = override.label
        if override.fits or decisions[session.pk] == KEEP:
            _move(session, new, override.target, teachers)
            fates.append((session_teachers, before, _("gardée : %(date)s %(start)s–%(end)s") % _when(session)))
        else:
            _cancel(session)
            fates.append((session_teachers, before, _("annulée")))
    _tell_teachers(
        etablissement=etablissement,
        slot=new,
        teachers=[*old_teachers, *teachers],
        fates=fates,
        by=by,
        summary=_("Le créneau « %(old)s » devient « %(new)s » à partir du %(date)s.")
        % {"old": old_label, "new": slot_label(new), "date": long_date(from_date)},
    )
    weeks |= {(new.division_id, new.group_id, monday_of(o.target)) for o in overrides if o.target}
    _after_changes(etablissement, weeks)
    return new


def _when(session: Session) -> dict:
    return {
        "date": long_date(session.date, year=False),
        "start": f"{session.start:%H:%M}",
        "end": f"{session.end:%H:%M}",
    }


def _move(session: Session, slot: TimetableSlot, date: dt.date, teachers: list[Staff]) -> None:
    """The override follows the new version of its slot: its date, hours, audience, subject and room."""
    from .services import _minutes

    session.slot = slot
    session.date = date
    session.start, session.end = slot.start, slot.end
    session.minutes = _minutes(slot.start, slot.end)
    session.subject = slot.subject
    session.division, session.group = slot.division, slot.group
    session.room = slot.room
    save_validated(session)
    session.teachers.set(teachers)


@transaction.atomic
def slot_delete(
    *,
    slot: TimetableSlot,
    from_date: dt.date,
    decisions: dict[int, str] | None = None,
    by: Staff | None = None,
    today: dt.date | None = None,
) -> None:
    """Remove a slot from ``from_date`` on (it stays in the weeks before).

    Each session planned on it from that date is kept on its date, outside the timetable, or
    cancelled, as decided (``SlotDecisionNeeded`` until every one has a decision).
    """
    today = today or timezone.localdate()
    decisions = decisions or {}
    _check_from_date(slot, from_date, today)
    overrides = slot_overrides_from(slot=slot, from_date=from_date, today=today)
    if _undecided(overrides, decisions):
        raise SlotDecisionNeeded(conflicts=[], overrides=overrides)
    weeks = _weeks_touched(overrides)
    label = slot_label(slot)
    teachers = list(slot.teachers.all())
    etablissement = slot.etablissement
    fates = []
    for override in overrides:
        session = override.session
        before = override.label
        session_teachers = list(session.teachers.all())
        if decisions[session.pk] == KEEP:
            session.slot = None
            save_validated(session)
            fates.append((session_teachers, before, _("gardée à sa date, hors emploi du temps")))
        else:
            _cancel(session)
            fates.append((session_teachers, before, _("annulée")))
    starts = slot.valid_from or slot.school_year.start
    if from_date <= starts:
        # Never in force: nothing was taught on it, it can go entirely.
        slot.delete()
    else:
        slot.valid_until = from_date - dt.timedelta(days=1)
        save_validated(slot)
    _tell_teachers(
        etablissement=etablissement,
        slot=None,
        teachers=teachers,
        fates=fates,
        by=by,
        summary=_("Le créneau « %(old)s » est retiré de l'emploi du temps à partir du %(date)s.")
        % {"old": label, "date": long_date(from_date)},
    )
    _after_changes(etablissement, weeks)


def _tell_teachers(*, etablissement, slot, teachers: list[Staff], fates, summary: str, by: Staff | None) -> None:
    """One notice per teacher concerned: the change, and what became of his planned sessions."""
    from continuite.notifications.services import notify

    recipients: dict[int, Staff] = {t.pk: t for t in teachers}
    for session_teachers, _before, _fate in fates:
        recipients.update({t.pk: t for t in session_teachers})
    batch = uuid.uuid4().hex
    url = settings.SITE_URL + reverse("planning:week")
    reply_to = (by.email or (by.user.email if by.user_id else "")) if by is not None else ""
    reply_to = reply_to or etablissement.contact_email
    for staff in recipients.values():
        user = getattr(staff, "user", None)
        if user is None:
            continue
        own = [
            {"session": before, "fate": fate}
            for session_teachers, before, fate in fates
            if staff.pk in {t.pk for t in session_teachers}
        ]
        notify(
            etablissement=etablissement,
            kind=SLOT_CHANGE_KIND,
            template=SLOT_CHANGE_TEMPLATE,
            context={"summary": summary, "sessions": own, "url": url},
            user=user,
            idempotency_key=f"planning:slot-change:{batch}:{user.pk}",
            related=slot,
            # A teacher's question about the change goes to whoever made it.
            reply_to=reply_to,
        )


def _weeks_touched(overrides: list[PlannedOverride]) -> set[tuple[int | None, int | None, dt.date]]:
    """(division, group, monday) of the planned sessions, read before they move or go."""
    return {(o.session.division_id, o.session.group_id, monday_of(o.session.date)) for o in overrides}


def _after_changes(etablissement, weeks: set[tuple[int | None, int | None, dt.date]]) -> None:
    """The load of the weeks whose planned sessions moved or went (the form tutors' alerts)."""
    from .services import _after_change

    for division_id, group_id, monday in sorted(weeks, key=str):
        _after_change(etablissement, division_id, group_id, monday)
