"""Writes of the planning. Views, the demo and tasks call these; they never ``save()`` a model themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from continuite.ecole.models import Division, Etablissement, Group, GroupKind, SchoolYear, Staff, Student, Subject
from continuite.ecole.services import save_validated
from continuite.french import long_date

from .models import (
    WEEKDAY_NAMES,
    CalendarFeed,
    HalfGroup,
    HandInMode,
    Homework,
    HomeworkDone,
    HomeworkKind,
    Modality,
    PlanningSettings,
    RemoteMode,
    SchoolDay,
    Session,
    TimetableSlot,
    WeekParity,
    new_feed_token,
)
from .queries import monday_of


def _minutes(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


# --- Settings -------------------------------------------------------------------------------------


def planning_settings_get(*, etablissement: Etablissement) -> PlanningSettings:
    """The school's thresholds, created with the defaults the first time they are asked for."""
    settings, _created = PlanningSettings.objects.get_or_create(etablissement=etablissement)
    return settings


@transaction.atomic
def planning_settings_update(*, etablissement: Etablissement, **values) -> PlanningSettings:
    """Change the thresholds and the days with classes (the school calendar follows those days).

    ``class_weekdays``: the weekdays with classes (0 = lundi … 5 = samedi). A day that still holds
    slots, or planned sessions from today on, cannot be removed.
    """
    settings = planning_settings_get(etablissement=etablissement)
    weekdays = values.pop("class_weekdays", None)
    for name, value in values.items():
        setattr(settings, name, value)
    if weekdays is not None:
        weekdays = sorted({int(d) for d in weekdays})
        if not weekdays or not all(0 <= d <= 5 for d in weekdays):
            raise ValidationError(_("Choisissez au moins un jour de classe, du lundi au samedi."))
        removed = sorted(set(settings.weekdays) - set(weekdays))
        _check_weekdays_removable(etablissement, removed)
        settings.class_weekdays = "".join(str(d) for d in weekdays)
    save_validated(settings)
    if weekdays is not None:
        today = timezone.localdate()
        SchoolDay.objects.filter(etablissement=etablissement, weekday__in=removed, date__gte=today).delete()
        for year in SchoolYear.objects.filter(etablissement=etablissement, end__gte=today):
            school_calendar_build(school_year=year)
    return settings


def _check_weekdays_removable(etablissement: Etablissement, removed: list[int]) -> None:
    if not removed:
        return
    today = timezone.localdate()
    names = ", ".join(str(WEEKDAY_NAMES[d]) for d in removed)
    slots = (
        TimetableSlot.objects.filter(etablissement=etablissement, weekday__in=removed, school_year__end__gte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .count()
    )
    if slots:
        raise ValidationError(
            _("Des créneaux ont encore lieu le %(days)s (%(count)s) : modifiez-les ou retirez-les d'abord.")
            % {"days": names, "count": slots}
        )
    dates = SchoolDay.objects.filter(etablissement=etablissement, weekday__in=removed, date__gte=today).values("date")
    if (
        Session.objects.filter(etablissement=etablissement, date__in=dates).exists()
        or Homework.objects.filter(etablissement=etablissement, due_date__in=dates).exists()
    ):
        raise ValidationError(
            _("Des séances ou des travaux sont prévus un %(days)s à venir : déplacez-les d'abord.") % {"days": names}
        )


def links_for_guardians(*, etablissement_id: int) -> bool:
    """Whether the school lets guardians see their children's session links and notes (one query)."""
    return PlanningSettings.objects.filter(etablissement_id=etablissement_id, links_for_guardians=True).exists()


# --- School calendar ------------------------------------------------------------------------------


def _holiday_names(etablissement: Etablissement, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Public holidays (``holidays.France``) and school holidays of the school's zone (offline data)."""
    import holidays
    from vacances_scolaires_france import SchoolHolidayDates, UnsupportedYearException

    names: dict[dt.date, str] = {}
    school = SchoolHolidayDates()
    for year in range(start.year, end.year + 1):
        try:
            for day, info in school.holidays_for_year_and_zone(year, etablissement.holiday_zone).items():
                names[day] = info["nom_vacances"]
        except UnsupportedYearException:
            continue
    for day, name in holidays.France(years=range(start.year, end.year + 1), language="fr").items():
        names[day] = name
    return names


@transaction.atomic
def school_calendar_build(*, school_year: SchoolYear) -> int:
    """Fill ``SchoolDay`` (the school's days with classes) for the school year; idempotent, returns the days created.

    Parity: the first week of the year is semaine A; it alternates at each week that has at least
    one school day (a week of holidays does not count).
    """
    etablissement = school_year.etablissement
    weekdays = planning_settings_get(etablissement=etablissement).weekdays
    names = _holiday_names(etablissement, school_year.start, school_year.end)
    existing = set(
        SchoolDay.objects.filter(
            etablissement=etablissement, date__range=(school_year.start, school_year.end)
        ).values_list("date", flat=True)
    )
    rows = []
    parity = WeekParity.B  # flipped to A on the first week with a school day
    monday = monday_of(school_year.start)
    while monday <= school_year.end:
        days = [monday + dt.timedelta(days=i) for i in weekdays]
        days = [d for d in days if school_year.start <= d <= school_year.end]
        if any(d not in names for d in days):
            parity = WeekParity.A if parity == WeekParity.B else WeekParity.B
        for day in days:
            if day in existing:
                continue
            iso = day.isocalendar()
            rows.append(
                SchoolDay(
                    etablissement=etablissement,
                    date=day,
                    weekday=day.weekday(),
                    iso_year=iso[0],
                    iso_week=iso[1],
                    week_parity=parity,
                    is_holiday=day in names,
                    holiday_name=names.get(day, "")[:80],
                )
            )
        monday += dt.timedelta(days=7)
    SchoolDay.objects.bulk_create(rows)
    return len(rows)


class Refusals:
    """The refusals of several independent checks, raised together as one ``ValidationError`` whose
    ``error_list`` keeps each (its code, a ``LinkRefused`` with its tools to use instead)."""

    def __init__(self):
        self.errors: list[ValidationError] = []

    def add(self, error: ValidationError) -> None:
        self.errors.extend(error.error_list)

    def check(self, check, *args, **kwargs):
        """``check(*args, **kwargs)``'s result, or None with its refusal kept."""
        try:
            return check(*args, **kwargs)
        except ValidationError as error:
            self.add(error)
            return None

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ValidationError(self.errors)


def _school_day(etablissement: Etablissement, date: dt.date) -> SchoolDay:
    day = SchoolDay.objects.filter(etablissement=etablissement, date=date).first()
    if day is None:
        raise ValidationError(
            _("Le %(date)s n'est pas un jour de l'année scolaire.") % {"date": _fmt(date)}, code="not_school_day"
        )
    if day.is_holiday:
        raise ValidationError(
            _("Le %(date)s est un jour de vacances ou férié (%(name)s) : rien n'y est planifié.")
            % {"date": _fmt(date), "name": day.holiday_name},
            code="holiday",
        )
    return day


def _fmt(date: dt.date) -> str:
    return date_format(date, "l j F Y")


# --- Timetable ------------------------------------------------------------------------------------


def _check_audience(etablissement: Etablissement, division: Division | None, group: Group | None) -> None:
    if (division is None) == (group is None):
        raise ValidationError(_("Choisissez une division ou un groupe, et un seul."))
    audience = division or group
    if audience.etablissement_id != etablissement.pk:
        raise ValidationError(_("Cette classe ou ce groupe n'appartient pas à l'établissement."))


# --- Sessions -------------------------------------------------------------------------------------


def _validate_modality(
    *,
    etablissement: Etablissement,
    modality: str,
    division,
    group,
    hybrid_room_half: str,
    hybrid_remote_mode: str,
    link: str,
    tool,
    hybrid_remote_division=None,
) -> None:
    if modality not in Modality.values:
        raise ValidationError(_("Modalité inconnue."))
    if modality == Modality.HYBRIDE:
        _validate_hybrid(division, group, hybrid_room_half, hybrid_remote_mode, hybrid_remote_division)
    _check_link(
        etablissement=etablissement, modality=modality, link=link, tool=tool, hybrid_remote_mode=hybrid_remote_mode
    )


def _hybrid_incomplete() -> str:
    return _("Dites quel demi-groupe est en classe et si l'autre suit en direct ou travaille en autonomie.")


def _validate_hybrid(division, group, room_half: str, remote_mode: str, remote_division) -> None:
    """Hybrid for any audience whose students have half-groups, or a shared group with one division away."""
    # The codes name the field a form shows the refusal on (``ModalityForm.service_error_fields``): the
    # half in the room first, as the form asks it first.
    if room_half not in ("", *HalfGroup.values) or (remote_division is None and not room_half):
        raise ValidationError(_hybrid_incomplete(), code="hybrid_room_half")
    if remote_mode not in RemoteMode.values:
        raise ValidationError(_hybrid_incomplete(), code="hybrid_remote_mode")
    if remote_division is not None:
        if group is None or group.kind == GroupKind.HALF:
            raise ValidationError(
                _("Seul un groupe partagé par plusieurs classes peut mettre une seule classe à distance.")
            )
        if not Student.objects.current().filter(groups=group, division=remote_division).exists():
            raise ValidationError(
                _("Aucun élève de la %(division)s n'est dans ce groupe.") % {"division": remote_division.code}
            )
    if room_half and not audience_has_halves(division=division, group=group):
        raise ValidationError(
            _("Une séance hybride par demi-groupes demande des demi-groupes A et B : ce public n'en a pas."),
            code="no_half_groups",
        )


def audience_has_halves(*, division: Division | None, group: Group | None) -> bool:
    """A division with half-groups, or a group (spécialité, option) whose students belong to half-groups."""
    if division is not None:
        return Group.objects.filter(kind=GroupKind.HALF, division=division).exists()
    if group is None or group.kind == GroupKind.HALF:
        return False
    return Student.groups.through.objects.filter(
        student__groups=group, student__exit_date__isnull=True, group__kind=GroupKind.HALF
    ).exists()


def _check_link(*, etablissement: Etablissement, modality: str, link: str, tool, hybrid_remote_mode: str = "") -> None:
    """The one check of a link given to students, for sessions and work alike (``outils.policy``).

    A link must be one of a catalogue tool offered for the modality, or of a domain the référent
    numérique allowed; a chosen tool must be offered for the modality, and the link on its domains. A
    hybrid session follows its remote half: by video, the video tools; in autonomy, the tools for work
    in autonomy. A refusal is raised as ``LinkRefused`` (its form shows the tools instead as links).
    """
    if modality not in LINK_MODALITIES:
        return
    from outils.policy import LinkRefused, link_refusal, link_use

    refusal = link_refusal(etablissement=etablissement, use=link_use(modality, hybrid_remote_mode), url=link, tool=tool)
    if refusal is not None:
        raise LinkRefused(refusal)


# The modalities whose students get a link (and a tool); any other keeps none.
LINK_MODALITIES = (Modality.VISIO, Modality.HYBRIDE, Modality.ASYNC_DISTANCE)


def dropped_link_reason(modality: str) -> str:
    """Why a link typed for a session of ``modality`` is not kept (empty when it is kept)."""
    if modality in LINK_MODALITIES:
        return ""
    if modality == Modality.CANCELLED:
        return _("une séance annulée n'en a pas besoin")
    if modality == Modality.ASYNC_PRESENCE:
        return _("une séance en autonomie dans l'établissement n'en a pas ; donnez-le avec le travail à faire")
    return _("une séance en classe n'en a pas besoin")


def _session_fields(
    modality: str,
    hybrid_room_half: str,
    hybrid_remote_mode: str,
    link: str,
    async_place: str,
    paper_version: bool,
    notes: str,
    tool,
    hybrid_remote_division=None,
) -> dict:
    is_hybrid = modality == Modality.HYBRIDE
    fields = {
        "modality": modality,
        "hybrid_room_half": hybrid_room_half if is_hybrid else "",
        "hybrid_remote_division": hybrid_remote_division if is_hybrid else None,
        "hybrid_remote_mode": hybrid_remote_mode if is_hybrid else "",
        "link": link if modality in LINK_MODALITIES else "",
        "async_place": async_place if modality == Modality.ASYNC_PRESENCE else "",
        "paper_version": paper_version if modality == Modality.ASYNC_DISTANCE else False,
        "notes": notes,
    }
    if _HAS_TOOL_FIELD:
        fields["tool"] = tool if modality in LINK_MODALITIES else None
    return fields


_HAS_TOOL_FIELD = any(f.name == "tool" for f in Session._meta.get_fields())


@transaction.atomic
def session_plan(
    *,
    slot: TimetableSlot,
    date: dt.date,
    modality: str,
    by: Staff | None = None,
    hybrid_room_half: str = "",
    hybrid_remote_mode: str = "",
    link: str = "",
    tool=None,
    async_place: str = "",
    paper_version: bool = False,
    notes: str = "",
    hybrid_remote_division: Division | None = None,
) -> Session | None:
    """Set the modality of one occurrence of a slot (a week override).

    Only what differs from the recurring slot is stored: back to "en présence" with nothing else
    to say, the override is removed (unless something, such as a register, points at it).
    ``hybrid_remote_division``: a shared group in hybrid, that division's students at a distance
    (by half-groups too with ``hybrid_room_half``), the others in the room.
    """
    day = _school_day(slot.etablissement, date)
    if not slot.runs_on(day):
        raise ValidationError(_("Ce créneau n'a pas lieu le %(date)s.") % {"date": _fmt(date)})
    _validate_modality(
        etablissement=slot.etablissement,
        modality=modality,
        division=slot.division,
        group=slot.group,
        hybrid_room_half=hybrid_room_half,
        hybrid_remote_mode=hybrid_remote_mode,
        link=link,
        tool=tool,
        hybrid_remote_division=hybrid_remote_division,
    )
    fields = _session_fields(
        modality,
        hybrid_room_half,
        hybrid_remote_mode,
        link,
        async_place,
        paper_version,
        notes,
        tool,
        hybrid_remote_division=hybrid_remote_division,
    )
    # Two plans of the same occurrence at once (two tabs, a teacher and the direction): the second
    # waits for the first, then finds its session and updates it instead of inserting a duplicate.
    TimetableSlot.objects.select_for_update().filter(pk=slot.pk).first()
    session = Session.objects.filter(slot=slot, date=date).first()
    # A register (its marks are the students' attendance) keeps its session: back in class, the
    # override stays, "en présence".
    if modality == Modality.PRESENCE and not notes:
        if session is None:
            return None
        if not Session.objects.filter(pk=session.pk, register__isnull=False).exists():
            from django.db.models.deletion import ProtectedError, RestrictedError

            try:
                with transaction.atomic():
                    session.delete()
                _after_change(slot.etablissement, slot.division_id, slot.group_id, date)
                return None
            except (ProtectedError, RestrictedError):
                pass
    if session is None:
        session = Session(
            etablissement=slot.etablissement,
            slot=slot,
            date=date,
            start=slot.start,
            end=slot.end,
            minutes=_minutes(slot.start, slot.end),
            subject=slot.subject,
            division=slot.division,
            group=slot.group,
            room=slot.room,
            created_by=by,
        )
    for name, value in fields.items():
        setattr(session, name, value)
    save_validated(session)
    session.teachers.set(slot.teachers.all())
    _after_change(slot.etablissement, slot.division_id, slot.group_id, date)
    return session


@transaction.atomic
def session_create(
    *,
    etablissement: Etablissement,
    date: dt.date,
    start: dt.time,
    end: dt.time,
    subject: Subject,
    teachers: Iterable[Staff],
    modality: str,
    division: Division | None = None,
    group: Group | None = None,
    by: Staff | None = None,
    hybrid_room_half: str = "",
    hybrid_remote_mode: str = "",
    link: str = "",
    tool=None,
    async_place: str = "",
    paper_version: bool = False,
    notes: str = "",
) -> Session | None:
    """A session on a date; attached to the planner's own slot when it is that slot, else "hors emploi du temps".

    It replaces nothing of another teacher's: it attaches only to a slot of the same audience, time,
    subject and teacher, and it is refused when the audience's students have another lesson then.
    A teacher plans only the subjects he teaches to that audience.
    """
    _check_audience(etablissement, division, group)
    # The checks that do not depend on one another are all said at once: the teacher corrects the
    # times, the date, the half-group and the link in one go, not one per save.
    refusals = Refusals()
    if start >= end:
        refusals.add(ValidationError(_("La séance doit commencer avant de finir."), code="ends_before_start"))
    day = refusals.check(_school_day, etablissement, date)
    refusals.check(_check_taught, by, subject, division, group)
    refusals.check(
        _validate_modality,
        etablissement=etablissement,
        modality=modality,
        division=division,
        group=group,
        hybrid_room_half=hybrid_room_half,
        hybrid_remote_mode=hybrid_remote_mode,
        link=link,
        tool=tool,
    )
    refusals.raise_any()
    own_slots = TimetableSlot.objects.current().filter(
        etablissement=etablissement,
        division=division,
        group=group,
        subject=subject,
        weekday=day.weekday,
        start=start,
        end=end,
    )
    if by is not None:
        own_slots = own_slots.filter(teachers=by)
    slot = next((s for s in own_slots if s.runs_on(day)), None)
    _check_free(etablissement, day, start, end, division, group, except_slot=slot)
    if slot is not None:
        planned = (
            Session.objects.filter(slot=slot, date=date)
            .exclude(modality=Modality.CANCELLED)
            .select_related("subject", "division", "group")
            .first()
        )
        if planned is not None:
            # Already planned (a link, a modality): a new session would silently overwrite it.
            raise ValidationError(
                _(
                    "Vous avez déjà cours avec %(audience)s à ce moment-là : %(subject)s, %(date)s, "
                    "%(start)s–%(end)s — modifiez cette séance."
                ),
                code="already_planned",
                params={
                    "audience": planned.audience,
                    "subject": planned.subject,
                    "date": long_date(date, year=False),
                    "start": f"{planned.start:%H:%M}",
                    "end": f"{planned.end:%H:%M}",
                    "pk": planned.pk,
                },
            )
        return session_plan(
            slot=slot,
            date=date,
            modality=modality,
            by=by,
            hybrid_room_half=hybrid_room_half,
            hybrid_remote_mode=hybrid_remote_mode,
            link=link,
            tool=tool,
            async_place=async_place,
            paper_version=paper_version,
            notes=notes,
        )
    session = Session(
        etablissement=etablissement,
        date=date,
        start=start,
        end=end,
        minutes=_minutes(start, end),
        subject=subject,
        division=division,
        group=group,
        created_by=by,
        **_session_fields(
            modality, hybrid_room_half, hybrid_remote_mode, link, async_place, paper_version, notes, tool
        ),
    )
    save_validated(session)
    session.teachers.set(teachers)
    _after_change(etablissement, session.division_id, session.group_id, date)
    return session


def _check_taught(by: Staff | None, subject: Subject, division: Division | None, group: Group | None) -> None:
    """A teacher plans (or gives work in) only a subject he teaches to that audience; the direction, any."""
    from .queries import taught_subjects

    if by is None or by.is_direction:
        return
    if not taught_subjects(by, division=division, group=group).filter(pk=subject.pk).exists():
        raise ValidationError(
            _("Vous n'enseignez pas « %(subject)s » à %(audience)s : choisissez une matière que vous y enseignez.")
            % {"subject": subject, "audience": division or group},
            code="not_taught",
        )


def _audience_lessons_q(division: Division | None, group: Group | None) -> Q:
    """Slots and sessions that take students of the audience: their divisions, groups and half-groups."""
    from .queries import audience_q_for_students, audience_students_q

    students = Student.objects.current().filter(
        audience_students_q(division_id=division.pk if division else None, group_id=group.pk if group else None)
    )
    q = audience_q_for_students(students)
    if division is not None:
        return q | Q(division_id=division.pk) | Q(group__division_id=division.pk)
    q |= Q(group_id=group.pk)
    return q | Q(division_id=group.division_id) if group.division_id else q


def _check_free(
    etablissement: Etablissement,
    day: SchoolDay,
    start: dt.time,
    end: dt.time,
    division: Division | None,
    group: Group | None,
    *,
    except_slot: TimetableSlot | None,
) -> None:
    """Refuse a session outside the timetable when its students have another lesson at that time.

    A cancelled occurrence frees its time; the planner's own slot (``except_slot``) is the one replaced.
    """
    lessons = _audience_lessons_q(division, group)
    slots = [
        s
        for s in TimetableSlot.objects.current()
        .filter(lessons, etablissement=etablissement, weekday=day.weekday, start__lt=end, end__gt=start)
        .exclude(pk=except_slot.pk if except_slot else 0)
        .select_related("subject", "division", "group")
        .order_by("start")
        if s.runs_on(day)
    ]
    cancelled = set(
        Session.objects.filter(slot__in=slots, date=day.date, modality=Modality.CANCELLED).values_list(
            "slot_id", flat=True
        )
    )
    busy = [(s.subject, s.audience, s.start, s.end) for s in slots if s.pk not in cancelled]
    busy += [
        (s.subject, s.audience, s.start, s.end)
        for s in Session.objects.filter(
            lessons, etablissement=etablissement, date=day.date, slot__isnull=True, start__lt=end, end__gt=start
        )
        .exclude(modality=Modality.CANCELLED)
        .select_related("subject", "division", "group")
    ]
    if busy:
        subject, audience, other_start, other_end = busy[0]
        raise ValidationError(
            _(
                "Les élèves ont déjà cours à ce moment-là : %(subject)s (%(audience)s), %(date)s, "
                "%(start)s–%(end)s. Une séance hors emploi du temps ne remplace pas le cours d'un autre "
                "enseignant : choisissez un autre horaire."
            )
            % {
                "subject": subject,
                "audience": audience,
                "date": long_date(day.date, year=False),
                "start": f"{other_start:%H:%M}",
                "end": f"{other_end:%H:%M}",
            }
        )


@transaction.atomic
def session_delete(*, session: Session, by: Staff) -> None:
    """Delete a session outside the timetable (its register too, while no presence is marked in it).

    Only its author (or the direction) may; an occurrence of a slot is set back "en présence" or
    cancelled instead, so that the timetable keeps it.
    """
    if session.slot_id is not None:
        raise ValidationError(
            _("Seule une séance hors emploi du temps se supprime : remettez ce créneau en présence ou annulez-le.")
        )
    if not (by.is_direction or (session.created_by_id is not None and session.created_by_id == by.pk)):
        raise ValidationError(_("Seul l'enseignant qui a créé cette séance peut la supprimer."))
    if Session.objects.filter(pk=session.pk, register__marks__isnull=False).exists():
        raise ValidationError(
            _("L'appel de cette séance a déjà été fait : elle ne peut plus être supprimée. Annulez-la plutôt.")
        )
    etablissement, division_id, group_id, date = (
        session.etablissement,
        session.division_id,
        session.group_id,
        session.date,
    )
    session.delete()
    _after_change(etablissement, division_id, group_id, date)


@transaction.atomic
def session_update(
    *,
    session: Session,
    modality: str,
    hybrid_room_half: str = "",
    hybrid_remote_mode: str = "",
    link: str = "",
    tool=None,
    async_place: str = "",
    paper_version: bool = False,
    notes: str = "",
) -> Session | None:
    """Change a session's modality (an override of a slot goes through ``session_plan``).

    A shared group's session with one division at a distance (a switch) keeps it while it stays hybrid.
    """
    remote_division = session.hybrid_remote_division if modality == Modality.HYBRIDE else None
    if session.slot_id is not None:
        return session_plan(
            slot=session.slot,
            date=session.date,
            modality=modality,
            hybrid_room_half=hybrid_room_half,
            hybrid_remote_mode=hybrid_remote_mode,
            link=link,
            tool=tool,
            async_place=async_place,
            paper_version=paper_version,
            notes=notes,
            hybrid_remote_division=remote_division,
        )
    _validate_modality(
        etablissement=session.etablissement,
        modality=modality,
        division=session.division,
        group=session.group,
        hybrid_room_half=hybrid_room_half,
        hybrid_remote_mode=hybrid_remote_mode,
        link=link,
        tool=tool,
        hybrid_remote_division=remote_division,
    )
    for name, value in _session_fields(
        modality,
        hybrid_room_half,
        hybrid_remote_mode,
        link,
        async_place,
        paper_version,
        notes,
        tool,
        hybrid_remote_division=remote_division,
    ).items():
        setattr(session, name, value)
    save_validated(session)
    _after_change(session.etablissement, session.division_id, session.group_id, session.date)
    return session


@transaction.atomic
@dataclass
class WeekCopy:
    """What a copy of a week did: sessions copied, sessions already planned and left as they were
    (without ``replace``), links the policy now refuses and that were not carried over."""

    copied: int = 0
    kept: int = 0
    links_dropped: int = 0


def week_copy(*, staff: Staff, from_monday: dt.date, to_mondays: Iterable[dt.date], replace: bool = False) -> WeekCopy:
    """Copy the teacher's overrides of a week onto the same slots of other weeks.

    An occurrence that does not exist in the target week (holiday, semaine A/B) is skipped; a
    session outside the timetable is not copied (it was planned for that date). An occurrence
    already planned in a target week (its modality, link or consignes chosen) is left as it is,
    unless ``replace``: a copy never erases a plan silently. A hybrid rota alternates: copied onto a
    week of the other parity, the other half-group is in the room. A link (or tool) the link policy
    now refuses is not carried over: the copy keeps its modality, without it.
    """
    from outils.policy import LinkCatalogue, link_errors, link_use

    from .alerts import overload_checks_deferred

    source_monday = monday_of(from_monday)
    sources = list(
        Session.objects.in_week(source_monday)
        .filter(teachers=staff, slot__isnull=False)
        .select_related("slot", "slot__etablissement", "slot__division", "slot__group", "hybrid_remote_division")
    )
    source_parity = {
        d.date: d.week_parity
        for d in SchoolDay.objects.filter(etablissement=staff.etablissement).in_week(source_monday)
    }
    tool_of = {s.pk: getattr(s, "tool", None) for s in sources}
    catalogue = LinkCatalogue.load(staff.etablissement)
    dropped: set[int] = set()
    for source in sources:
        if (
            link_errors(
                etablissement=staff.etablissement,
                use=link_use(source.modality, source.hybrid_remote_mode),
                url=source.link,
                tool=tool_of[source.pk],
                catalogue=catalogue,
            )
            and source.modality in LINK_MODALITIES
        ):
            if source.link:
                dropped.add(source.pk)
            source.link, tool_of[source.pk] = "", None
    result = WeekCopy()
    with overload_checks_deferred():
        for target in to_mondays:
            target = monday_of(target)
            if target == source_monday:
                continue
            days = {d.date: d for d in SchoolDay.objects.filter(etablissement=staff.etablissement).in_week(target)}
            planned = set(
                Session.objects.in_week(target)
                .filter(slot_id__in={source.slot_id for source in sources})
                .values_list("slot_id", "date")
            )
            for source in sources:
                date = target + dt.timedelta(days=source.slot.weekday)
                day = days.get(date)
                if day is None or not source.slot.runs_on(day):
                    continue
                if (source.slot_id, date) in planned and not replace:
                    result.kept += 1
                    continue
                room_half = source.hybrid_room_half
                if room_half and source_parity.get(source.date) not in (None, day.week_parity):
                    room_half = other_half(room_half)
                session_plan(
                    slot=source.slot,
                    date=date,
                    modality=source.modality,
                    by=staff,
                    hybrid_room_half=room_half,
                    hybrid_remote_mode=source.hybrid_remote_mode,
                    link=source.link,
                    tool=tool_of[source.pk],
                    async_place=source.async_place,
                    paper_version=source.paper_version,
                    notes=source.notes,
                    hybrid_remote_division=source.hybrid_remote_division,
                )
                result.copied += 1
                result.links_dropped += source.pk in dropped
    return result


def other_half(half: str) -> str:
    return HalfGroup.B if half == HalfGroup.A else HalfGroup.A


SWITCH_MODALITIES = (Modality.VISIO, Modality.ASYNC_DISTANCE, Modality.PRESENCE)
# What happens to a group shared with divisions that stay in class (the switch page asks).
SHARED_ALL = "tous"  # the whole group follows the switch
SHARED_HYBRID = "hybride"  # the switched division's students at a distance, the others in the room


@transaction.atomic
def division_modality_switch(
    *,
    division: Division,
    start: dt.date,
    end: dt.date,
    modality: str,
    hybrid_rota: bool = False,
    hybrid_remote_mode: str = RemoteMode.LIVE,
    first_half_in_room: str = HalfGroup.A,
    shared_groups: dict[int, str] | None = None,
    by: Staff | None = None,
) -> int:
    """Put every session a division's students attend over a period in one modality (a lockdown, a rota).

    It covers the division's slots and the slots of the groups drawn from it (spécialités,
    options, half-groups). A group shared with other divisions follows the decision given for it
    in ``shared_groups`` ({group id: SHARED_ALL or SHARED_HYBRID}); a missing decision is refused,
    never left in présence. Back "en présence", a shared group's sessions return to class only
    where this division's switch had put its students at a distance.

    With ``hybrid_rota``, the half-group in the room alternates by week: in semaine A the half
    ``first_half_in_room``, in semaine B the other one. Returns the number of occurrences planned.
    """
    from .alerts import overload_checks_deferred
    from .selectors import groups_drawn_from

    if start > end:
        raise ValidationError(_("La période doit commencer avant de finir."))
    if (end - start).days > 120:
        raise ValidationError(_("Une bascule porte sur quatre mois au plus."))
    if hybrid_rota:
        modality = Modality.HYBRIDE
    elif modality not in SWITCH_MODALITIES:
        raise ValidationError(_("Une classe bascule en classe virtuelle, en travail à distance ou revient en classe."))
    if hybrid_remote_mode not in RemoteMode.values or first_half_in_room not in HalfGroup.values:
        raise ValidationError(_("Dites quel demi-groupe est en classe et ce que fait l'autre."))
    drawn = groups_drawn_from(division)
    shared = {d.group.pk: d for d in drawn if d.is_shared}
    decisions = shared_groups or {}
    if modality != Modality.PRESENCE:
        missing = [d for pk, d in shared.items() if decisions.get(pk) not in (SHARED_ALL, SHARED_HYBRID)]
        if missing:
            raise ValidationError(
                _("Décidez pour chaque groupe partagé avec des classes qui restent en classe : %(groups)s.")
                % {"groups": ", ".join(d.group.code for d in missing)}
            )
    slots = list(
        TimetableSlot.objects.filter(Q(division=division) | Q(group__in=[d.group.pk for d in drawn]))
        .current()
        .select_related("etablissement", "division", "group")
        .prefetch_related("teachers")
    )
    days = list(
        SchoolDay.objects.filter(etablissement=division.etablissement, date__range=(start, end), is_holiday=False)
    )
    existing = {
        (s.slot_id, s.date): s
        for s in Session.objects.filter(
            slot__in=[slot.pk for slot in slots if slot.group_id in shared], date__range=(start, end)
        )
    }
    remote_alone = Modality.VISIO if hybrid_remote_mode == RemoteMode.LIVE else Modality.ASYNC_DISTANCE
    count = 0
    with overload_checks_deferred():
        for day in days:
            room_half = ""
            if hybrid_rota:
                room_half = first_half_in_room if day.week_parity == WeekParity.A else other_half(first_half_in_room)
            for slot in slots:
                if not slot.runs_on(day):
                    continue
                plan = {"modality": modality, "hybrid_room_half": room_half, "hybrid_remote_division": None}
                if slot.group_id in shared:
                    before = existing.get((slot.pk, day.date))
                    if modality == Modality.PRESENCE:
                        if before is None or before.hybrid_remote_division_id != division.pk:
                            continue  # not put at a distance by this division's switch
                    elif decisions[slot.group_id] == SHARED_HYBRID:
                        _check_shared_free(slot, day.date, before, division)
                        if before is not None and before.modality in (Modality.VISIO, Modality.ASYNC_DISTANCE):
                            continue  # already at a distance for everyone: this division's students too
                        plan["modality"] = Modality.HYBRIDE
                        plan["hybrid_remote_division"] = division
                elif slot.group_id and slot.group.kind == GroupKind.HALF and hybrid_rota:
                    # A half-group's own lesson: in class the weeks its half is in the room.
                    plan = {
                        "modality": Modality.PRESENCE if slot.group.half == room_half else remote_alone,
                        "hybrid_room_half": "",
                        "hybrid_remote_division": None,
                    }
                if plan["modality"] == Modality.HYBRIDE:
                    plan["hybrid_remote_mode"] = (
                        hybrid_remote_mode
                        if hybrid_rota
                        else (RemoteMode.LIVE if modality == Modality.VISIO else RemoteMode.AUTONOMY)
                    )
                session_plan(slot=slot, date=day.date, by=by, **plan)
                count += 1
    if count:
        _tell_switch(division=division, start=start, end=end, modality=modality, slots=slots, by=by)
    return count


SWITCH_KIND = "planning.division_switch"
SWITCH_TEMPLATE = "planning/notifications/division_switch"


def _tell_switch(*, division: Division, start: dt.date, end: dt.date, modality: str, slots, by: Staff | None) -> None:
    """Tell the teachers of the lessons concerned, the students and their families, in the switch's transaction."""
    import uuid

    from django.conf import settings
    from django.urls import reverse

    from continuite.ecole.models import Guardian
    from continuite.french import day_month
    from continuite.notifications.services import notify

    situation = {
        Modality.VISIO: _("à distance, en classe virtuelle"),
        Modality.ASYNC_DISTANCE: _("à distance, en travail en autonomie"),
        Modality.HYBRIDE: _("en demi-groupes alternés : un demi-groupe en classe, l'autre à distance"),
        Modality.PRESENCE: _("en classe"),
    }[modality]
    etablissement = division.etablissement
    context = {
        "division": division.code,
        "start": day_month(start),
        "end": day_month(end),
        "situation": situation,
        "url": settings.SITE_URL + reverse("planning:my_week") + f"?semaine={monday_of(start).isoformat()}",
        "teacher_url": settings.SITE_URL + reverse("planning:week") + f"?semaine={monday_of(start).isoformat()}",
        # families read the links only where the school allows it: otherwise the notice says where they are
        "family_sees_links": links_for_guardians(etablissement_id=division.etablissement_id),
    }
    reply_to = (by.email or (by.user.email if by.user_id else "")) if by is not None else ""
    reply_to = reply_to or etablissement.contact_email
    batch = uuid.uuid4().hex
    teachers = {t.pk: t for slot in slots for t in slot.teachers.all()}
    students = list(division.students.current().select_related("user"))
    recipients = [("teacher", t.user, None) for t in teachers.values() if t.user_id]
    recipients += [("student", st.user, None) for st in students if st.user_id]
    guardians = Guardian.objects.filter(links__student__in=students).select_related("user").distinct()
    recipients += [("family", None, g) for g in guardians]
    for role, user, guardian in recipients:
        notify(
            etablissement=etablissement,
            kind=SWITCH_KIND,
            template=SWITCH_TEMPLATE,
            context={**context, "role": role},
            user=user if guardian is None else None,
            guardian=guardian,
            idempotency_key=f"planning:switch:{division.pk}:{batch}:{role}:{(user or guardian).pk}",
            related=division,
            reply_to=reply_to,
        )


def _check_shared_free(slot: TimetableSlot, date: dt.date, before: Session | None, division: Division) -> None:
    """A shared group's session already has another division at a distance: one division only per session."""
    if before is not None and before.hybrid_remote_division_id not in (None, division.pk):
        raise ValidationError(
            _(
                "Le %(date)s, le groupe %(group)s a déjà une autre classe à distance : choisissez "
                "« tout le groupe » pour ce groupe."
            )
            % {"date": _fmt(date), "group": slot.group.code}
        )


# --- Homework -------------------------------------------------------------------------------------


def _check_homework(
    etablissement, division, group, given_on, due_date, estimated_minutes, kind, hand_in_mode, refusals: Refusals
):
    """Work's own checks, each refusal kept in ``refusals`` (said together with the link's)."""
    _check_audience(etablissement, division, group)
    if estimated_minutes is None or estimated_minutes <= 0:
        refusals.add(ValidationError(_("Indiquez une durée estimée en minutes (plus de 0)."), code="no_minutes"))
    if due_date < given_on:
        refusals.add(
            ValidationError(
                _("La date de remise doit suivre la date où le travail est donné."), code="due_before_given"
            )
        )
    if kind not in HomeworkKind.values or hand_in_mode not in HandInMode.values:
        refusals.add(ValidationError(_("Type de travail ou mode de remise inconnu.")))
    refusals.check(_school_day, etablissement, due_date)


def homework_default_subject(*, by: Staff | None, division: Division | None, group: Group | None) -> Subject | None:
    """The subject of work given to an audience when its author teaches it one subject only."""
    from .queries import taught_subjects

    if by is None:
        return None
    subjects = list(taught_subjects(by, division=division, group=group)[:2])
    return subjects[0] if len(subjects) == 1 else None


def _homework_subject(by, division, group, subject, session) -> Subject:
    if subject is None and session is not None:
        subject = session.subject
    if subject is None:
        subject = homework_default_subject(by=by, division=division, group=group)
    if subject is None:
        raise ValidationError(_("Choisissez la matière de ce travail."), code="no_subject")
    _check_taught(by, subject, division, group)
    return subject


@transaction.atomic
def homework_create(
    *,
    etablissement: Etablissement,
    title: str,
    given_on: dt.date,
    due_date: dt.date,
    estimated_minutes: int,
    by: Staff,
    division: Division | None = None,
    group: Group | None = None,
    session: Session | None = None,
    subject: Subject | None = None,
    instructions: str = "",
    link: str = "",
    tool=None,
    kind: str = HomeworkKind.EXERCISE,
    hand_in_mode: str = HandInMode.NONE,
) -> Homework:
    """Give work to a division, a group or a half-group; it warns (never blocks) on overload.

    Its subject defaults to the one its author teaches to the audience (or the session's); a link
    is checked as a session's link is (see ``_check_link``).
    """
    refusals = Refusals()
    _check_homework(etablissement, division, group, given_on, due_date, estimated_minutes, kind, hand_in_mode, refusals)
    subject = refusals.check(_homework_subject, by, division, group, subject, session)
    refusals.check(_check_link, etablissement=etablissement, modality=Modality.ASYNC_DISTANCE, link=link, tool=tool)
    refusals.raise_any()
    homework = save_validated(
        Homework(
            etablissement=etablissement,
            title=title.strip(),
            instructions=instructions.strip(),
            link=link.strip(),
            tool=tool,
            given_on=given_on,
            due_date=due_date,
            estimated_minutes=estimated_minutes,
            kind=kind,
            hand_in_mode=hand_in_mode,
            division=division,
            group=group,
            session=session,
            subject=subject,
            created_by=by,
        )
    )
    _after_change(etablissement, homework.division_id, homework.group_id, due_date)
    return homework


HOMEWORK_FIELDS = frozenset(
    {
        "title",
        "instructions",
        "link",
        "tool",
        "given_on",
        "due_date",
        "estimated_minutes",
        "kind",
        "hand_in_mode",
        "division",
        "group",
        "subject",
    }
)


@transaction.atomic
def homework_update(*, homework: Homework, by: Staff | None = None, **values) -> Homework:
    """Change a piece of work; the load of its old and new audience and week is checked again."""
    unknown = set(values) - HOMEWORK_FIELDS
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = (homework.division_id, homework.group_id, homework.due_date)
    for name, value in values.items():
        setattr(homework, name, value.strip() if isinstance(value, str) else value)
    refusals = Refusals()
    _check_homework(
        homework.etablissement,
        homework.division,
        homework.group,
        homework.given_on,
        homework.due_date,
        homework.estimated_minutes,
        homework.kind,
        homework.hand_in_mode,
        refusals,
    )
    subject = refusals.check(
        _homework_subject, by or homework.created_by, homework.division, homework.group, homework.subject, None
    )
    refusals.check(
        _check_link,
        etablissement=homework.etablissement,
        modality=Modality.ASYNC_DISTANCE,
        link=homework.link,
        tool=homework.tool,
    )
    refusals.raise_any()
    homework.subject = subject
    save_validated(homework)
    _after_change(homework.etablissement, homework.division_id, homework.group_id, homework.due_date)
    if before != (homework.division_id, homework.group_id, homework.due_date):
        _after_change(homework.etablissement, before[0], before[1], before[2])
    return homework


@transaction.atomic
def homework_delete(*, homework: Homework, by: Staff) -> None:
    """Delete a piece of work (its author or the direction); refused once hand-ins are recorded."""
    if not (by.is_direction or (homework.created_by_id is not None and homework.created_by_id == by.pk)):
        raise ValidationError(_("Seul l'enseignant qui a donné ce travail peut le supprimer."))
    if Homework.objects.filter(pk=homework.pk, hand_ins__isnull=False).exists():
        raise ValidationError(
            _("Des rendus sont déjà saisis pour ce travail : il ne peut plus être supprimé. Modifiez-le plutôt.")
        )
    etablissement, division_id, group_id, due = (
        homework.etablissement,
        homework.division_id,
        homework.group_id,
        homework.due_date,
    )
    homework.delete()
    _after_change(etablissement, division_id, group_id, due)


@transaction.atomic
def homework_mark_done(*, homework: Homework, student: Student, done: bool = True) -> None:
    """The student ticks (or unticks) a piece of work; ticking twice changes nothing."""
    from .queries import homework_students

    if not homework_students(homework).filter(pk=student.pk).exists():
        raise ValidationError(_("Ce travail n'est pas donné à cet élève."))
    if done:
        HomeworkDone.objects.get_or_create(homework=homework, student=student)
    else:
        HomeworkDone.objects.filter(homework=homework, student=student).delete()


# --- Calendar links -------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_get(*, user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new secret: every link given before stops working."""
    feed = calendar_feed_get(user=user)
    feed.token = new_feed_token()
    feed.save(update_fields=["token", "renewed_at"])
    return feed


# --- Overload alerts ------------------------------------------------------------------------------


def _after_change(etablissement: Etablissement, division_id: int | None, group_id: int | None, date: dt.date) -> None:
    """After a change of the load, tell the form tutors of the divisions whose week went over."""
    from .alerts import overload_check

    overload_check(etablissement=etablissement, division_id=division_id, group_id=group_id, monday=monday_of(date))


# The timetable's writes live in their own module; they are part of this service API.
from .timetable import SlotDecisionNeeded, slot_change, slot_create, slot_delete  # noqa: E402

__all__ = ["SlotDecisionNeeded", "slot_change", "slot_create", "slot_delete"]
