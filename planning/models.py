"""Planning: the school calendar, the recurring timetable, the week's sessions, the work to do.

Only what differs from the recurring timetable is stored: an untouched slot is taught "en présence"
and costs no row. A visio or hybride session always has a ``Session`` row (the registers of suivi
point at it), so the workload needs only ``Session`` and ``Homework`` rows, joined to students by
their division and groups (see ``planning.workload``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .queries import HomeworkQuerySet, SchoolDayQuerySet, SessionQuerySet, TimetableSlotQuerySet


class WeekParity(models.TextChoices):
    A = "A", _("Semaine A")
    B = "B", _("Semaine B")


class HalfGroup(models.TextChoices):
    """The half of a division in the room (or at a distance) in a hybrid session."""

    A = "A", _("demi-groupe A")
    B = "B", _("demi-groupe B")


class WeekPattern(models.TextChoices):
    ALL = "all", _("Toutes les semaines")
    A = "A", _("Semaine A")
    B = "B", _("Semaine B")


class Modality(models.TextChoices):
    PRESENCE = "presence", _("En présence")
    VISIO = "visio", _("Classe virtuelle")
    HYBRIDE = "hybride", _("Hybride (demi-groupes)")
    ASYNC_DISTANCE = "async_distance", _("Asynchrone à distance")
    ASYNC_PRESENCE = "async_presence", _("Asynchrone en présence")
    CANCELLED = "annule", _("Annulé")


# Modalities in which (some of) the students are at a distance.
REMOTE_MODALITIES = (Modality.VISIO, Modality.HYBRIDE, Modality.ASYNC_DISTANCE)


class RemoteMode(models.TextChoices):
    LIVE = "live", _("suit le cours en direct (visio)")
    AUTONOMY = "autonomie", _("travaille en autonomie")


class AsyncPlace(models.TextChoices):
    CDI = "cdi", _("CDI")
    COMPUTER_ROOM = "salle_info", _("Salle informatique")
    STUDY_ROOM = "permanence", _("Salle de permanence")


class HomeworkKind(models.TextChoices):
    EXERCISE = "exercice", _("Exercice")
    READING = "lecture", _("Lecture")
    ASSESSMENT = "evaluation", _("Évaluation")
    PROJECT = "projet", _("Projet")
    ORAL = "oral", _("Oral")


class HandInMode(models.TextChoices):
    PAPER = "papier", _("Papier")
    ENT = "depot_ent", _("Dépôt sur l'ENT")
    ONLINE = "en_ligne", _("En ligne")
    NONE = "aucun", _("Rien à rendre")


class PlanningSettings(models.Model):
    """The school's workload thresholds (created lazily with these defaults, edited by the direction)."""

    etablissement = models.OneToOneField(
        "ecole.Etablissement", on_delete=models.CASCADE, related_name="planning_settings"
    )
    max_video_minutes_per_day = models.PositiveSmallIntegerField(_("classe virtuelle par jour (minutes)"), default=240)
    max_async_minutes_per_day = models.PositiveSmallIntegerField(_("travail à faire par jour (minutes)"), default=120)
    max_assessments_per_day = models.PositiveSmallIntegerField(_("évaluations par jour"), default=1)
    max_video_minutes_per_week = models.PositiveSmallIntegerField(
        _("classe virtuelle par semaine (minutes)"), default=900
    )
    max_async_minutes_per_week = models.PositiveSmallIntegerField(
        _("travail à faire par semaine (minutes)"), default=480
    )
    max_assessments_per_week = models.PositiveSmallIntegerField(_("évaluations par semaine"), default=3)
    max_video_share_percent = models.PositiveSmallIntegerField(
        _("part maximale des heures à distance en classe virtuelle (%)"), default=50
    )
    # One hybrid hour is 100 % video: the share means something only over enough remote time.
    min_remote_minutes_for_share = models.PositiveSmallIntegerField(
        _("temps à distance à partir duquel la part de classe virtuelle est comparée (minutes par semaine)"),
        default=360,
        help_text=_("En dessous, la part n'est pas comparée au seuil (360 min = 6 h à distance dans la semaine)."),
    )
    # The weekdays with classes, as digits (0 = lundi … 5 = samedi): the school calendar has a
    # ``SchoolDay`` row for these days only, so every week grid and load follows them.
    class_weekdays = models.CharField(_("jours de classe"), max_length=7, default="01234")
    # A session's link and notes reach its students and teachers; its students' guardians only if the
    # school says so (pages and calendar feeds alike).
    links_for_guardians = models.BooleanField(
        _("les responsables légaux voient les liens et consignes des séances de leurs enfants"), default=False
    )

    class Meta:
        verbose_name = _("seuils de charge")
        verbose_name_plural = _("seuils de charge")
        constraints = [
            models.CheckConstraint(condition=Q(max_video_share_percent__lte=100), name="planningsettings_share_pct")
        ]

    def __str__(self) -> str:
        return str(_("Seuils de charge"))

    @property
    def weekdays(self) -> list[int]:
        return sorted(int(c) for c in self.class_weekdays)


class SchoolDay(models.Model):
    """One day with classes of a school year (the school's class weekdays): the join table of the workload SQL."""

    etablissement = models.ForeignKey("ecole.Etablissement", on_delete=models.CASCADE, related_name="school_days")
    date = models.DateField(_("date"))
    weekday = models.PositiveSmallIntegerField(_("jour de la semaine"), help_text=_("0 = lundi"))
    iso_year = models.PositiveSmallIntegerField(_("année ISO"))
    iso_week = models.PositiveSmallIntegerField(_("semaine ISO"))
    week_parity = models.CharField(_("semaine"), max_length=1, choices=WeekParity.choices)
    is_holiday = models.BooleanField(_("jour non travaillé"), default=False)
    holiday_name = models.CharField(_("vacances ou jour férié"), max_length=80, blank=True)

    objects = SchoolDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("jour du calendrier scolaire")
        verbose_name_plural = _("jours du calendrier scolaire")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["etablissement", "date"], name="schoolday_unique_date")]
        indexes = [
            models.Index(fields=["etablissement", "date", "is_holiday"], name="schoolday_etab_date"),
            models.Index(fields=["etablissement", "iso_year", "iso_week"], name="schoolday_etab_week"),
        ]

    def __str__(self) -> str:
        return self.date.isoformat()


class AudienceMixin(models.Model):
    """A division or a group (spécialité, option or half-group): exactly one of the two."""

    division = models.ForeignKey(
        "ecole.Division", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("division")
    )
    group = models.ForeignKey(
        "ecole.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("groupe")
    )

    class Meta:
        abstract = True

    @property
    def audience(self):
        return self.division or self.group

    @property
    def audience_key(self) -> str:
        return f"d{self.division_id}" if self.division_id else f"g{self.group_id}"


def _audience_xor(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(division__isnull=False) & Q(group__isnull=True))
        | (Q(division__isnull=True) & Q(group__isnull=False)),
        name=name,
    )


class TimetableSlot(AudienceMixin):
    """A recurring weekly slot of a division's or a group's timetable."""

    etablissement = models.ForeignKey("ecole.Etablissement", on_delete=models.CASCADE, related_name="timetable_slots")
    school_year = models.ForeignKey("ecole.SchoolYear", on_delete=models.CASCADE, related_name="timetable_slots")
    subject = models.ForeignKey("ecole.Subject", on_delete=models.PROTECT, related_name="+", verbose_name=_("matière"))
    teachers = models.ManyToManyField("ecole.Staff", related_name="timetable_slots", verbose_name=_("enseignants"))
    weekday = models.PositiveSmallIntegerField(_("jour"), help_text=_("0 = lundi"))
    start = models.TimeField(_("début"))
    end = models.TimeField(_("fin"))
    week_pattern = models.CharField(_("semaines"), max_length=3, choices=WeekPattern.choices, default=WeekPattern.ALL)
    room = models.CharField(_("salle"), max_length=40, blank=True)
    # A change of the timetable from a date ends the old version the day before and starts a new
    # one: past weeks keep what was taught (and the registers their slot). Empty: no bound.
    valid_from = models.DateField(_("à partir du"), null=True, blank=True)
    valid_until = models.DateField(_("jusqu'au"), null=True, blank=True)

    objects = TimetableSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("créneau de l'emploi du temps")
        verbose_name_plural = _("créneaux de l'emploi du temps")
        ordering = ["weekday", "start"]
        constraints = [
            _audience_xor("slot_division_xor_group"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="slot_start_before_end"),
            models.CheckConstraint(condition=Q(weekday__lte=5), name="slot_weekday_monday_to_saturday"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=F("valid_until")),
                name="slot_valid_from_before_until",
            ),
        ]
        indexes = [
            models.Index(fields=["division", "weekday"], name="slot_division_day"),
            models.Index(fields=["group", "weekday"], name="slot_group_day"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} — {self.audience} — {self.get_weekday_display()} {self.start:%H:%M}"

    def get_weekday_display(self) -> str:
        return str(WEEKDAY_NAMES[self.weekday])

    def runs_in(self, parity: str) -> bool:
        return self.week_pattern == WeekPattern.ALL or self.week_pattern == parity

    def is_valid_on(self, date) -> bool:
        return (self.valid_from is None or self.valid_from <= date) and (
            self.valid_until is None or date <= self.valid_until
        )

    def runs_on(self, day: SchoolDay) -> bool:
        """Whether the slot has an occurrence on this school day (weekday, semaine A/B, validity)."""
        return (
            not day.is_holiday
            and self.weekday == day.weekday
            and self.runs_in(day.week_parity)
            and self.is_valid_on(day.date)
        )


WEEKDAY_NAMES = [_("lundi"), _("mardi"), _("mercredi"), _("jeudi"), _("vendredi"), _("samedi"), _("dimanche")]


class Session(AudienceMixin):
    """One occurrence that differs from the recurring slot, or a session outside the timetable."""

    etablissement = models.ForeignKey("ecole.Etablissement", on_delete=models.CASCADE, related_name="sessions")
    slot = models.ForeignKey(
        TimetableSlot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("créneau"),
    )
    date = models.DateField(_("date"))
    start = models.TimeField(_("début"))
    end = models.TimeField(_("fin"))
    # Stored (end - start) so that the workload sums plain integers, the same SQL on every database.
    minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    subject = models.ForeignKey("ecole.Subject", on_delete=models.PROTECT, related_name="+", verbose_name=_("matière"))
    teachers = models.ManyToManyField("ecole.Staff", related_name="planned_sessions", verbose_name=_("enseignants"))
    modality = models.CharField(_("modalité"), max_length=16, choices=Modality.choices, default=Modality.PRESENCE)
    tool = models.ForeignKey(
        "outils.Tool",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("outil"),
    )
    link = models.URLField(_("lien de la classe virtuelle ou de la ressource"), blank=True)
    hybrid_room_half = models.CharField(_("demi-groupe en classe"), max_length=1, choices=HalfGroup.choices, blank=True)
    # A group shared by several divisions, one of them switched to a distance: its students follow
    # at a distance (by half-groups too when ``hybrid_room_half`` is set), the others are in the room.
    hybrid_remote_division = models.ForeignKey(
        "ecole.Division",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hybride : classe à distance"),
    )
    hybrid_remote_mode = models.CharField(
        _("le demi-groupe à distance"), max_length=10, choices=RemoteMode.choices, blank=True
    )
    async_place = models.CharField(_("lieu"), max_length=12, choices=AsyncPlace.choices, blank=True)
    paper_version = models.BooleanField(_("version papier pour les élèves qui en ont besoin"), default=False)
    room = models.CharField(_("salle"), max_length=40, blank=True)
    notes = models.TextField(_("consignes"), blank=True)
    created_by = models.ForeignKey(
        "ecole.Staff", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("créée par")
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["date", "start"]
        constraints = [
            _audience_xor("session_division_xor_group"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="session_start_before_end"),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="session_minutes_positive"),
            models.UniqueConstraint(fields=["slot", "date"], condition=Q(slot__isnull=False), name="session_slot_date"),
            models.CheckConstraint(
                condition=~Q(modality="hybride")
                | (~Q(hybrid_remote_mode="") & (~Q(hybrid_room_half="") | Q(hybrid_remote_division__isnull=False))),
                name="session_hybrid_says_who_is_remote",
            ),
        ]
        indexes = [
            models.Index(fields=["etablissement", "date"], name="session_etab_date"),
            models.Index(fields=["division", "date", "modality"], name="session_division_date"),
            models.Index(fields=["group", "date", "modality"], name="session_group_date"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} — {self.audience} — {self.date:%d/%m} {self.start:%H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("planning:session_edit", kwargs={"pk": self.pk})

    @property
    def is_outside_timetable(self) -> bool:
        return self.slot_id is None

    @property
    def remote_half(self) -> str:
        if self.modality != Modality.HYBRIDE or not self.hybrid_room_half:
            return ""
        return HalfGroup.B if self.hybrid_room_half == HalfGroup.A else HalfGroup.A

    @property
    def hybrid_label(self) -> str:
        """Who is where in a hybrid session, as the planning pages say it."""
        if self.modality != Modality.HYBRIDE:
            return ""
        if self.hybrid_remote_division_id and self.hybrid_room_half:
            return _(
                "%(division)s : demi-groupe %(room)s en classe, demi-groupe %(remote)s à distance ; "
                "les autres classes en classe"
            ) % {"division": self.hybrid_remote_division, "room": self.hybrid_room_half, "remote": self.remote_half}
        if self.hybrid_remote_division_id:
            return _("élèves de la %(division)s à distance, les autres en classe") % {
                "division": self.hybrid_remote_division
            }
        return _("demi-groupe %(room)s en classe, demi-groupe %(remote)s à distance") % {
            "room": self.hybrid_room_half,
            "remote": self.remote_half,
        }

    def situation_of(self, *, half: str | None, division_id: int | None) -> str | None:
        """Where a student is for this session: "classe", "distance", or None if it is not hybrid.

        The same rule as the workload's SQL: at a distance when the session names no division or
        names his, and no half is in the room or his half is not the one in the room.
        """
        if self.modality != Modality.HYBRIDE:
            return None
        if self.hybrid_remote_division_id and self.hybrid_remote_division_id != division_id:
            return "classe"
        if self.hybrid_room_half and half == self.hybrid_room_half:
            return "classe"
        return "distance"


class Homework(AudienceMixin):
    """A piece of work to do ("travail à faire"), given in a session or alone."""

    etablissement = models.ForeignKey("ecole.Etablissement", on_delete=models.CASCADE, related_name="homework")
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="homework", verbose_name=_("séance")
    )
    subject = models.ForeignKey(
        "ecole.Subject", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("matière")
    )
    title = models.CharField(_("titre"), max_length=160)
    instructions = models.TextField(_("consignes"), blank=True)
    tool = models.ForeignKey(
        "outils.Tool",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="homework",
        verbose_name=_("outil"),
    )
    link = models.URLField(_("lien de la ressource"), blank=True)
    given_on = models.DateField(_("donné le"))
    due_date = models.DateField(_("pour le"))
    estimated_minutes = models.PositiveSmallIntegerField(_("durée estimée (minutes)"))
    kind = models.CharField(_("type"), max_length=12, choices=HomeworkKind.choices, default=HomeworkKind.EXERCISE)
    hand_in_mode = models.CharField(_("à rendre"), max_length=10, choices=HandInMode.choices, default=HandInMode.NONE)
    created_by = models.ForeignKey(
        "ecole.Staff", on_delete=models.SET_NULL, null=True, related_name="homework_given", verbose_name=_("donné par")
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = HomeworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("travail à faire")
        verbose_name_plural = _("travaux à faire")
        ordering = ["due_date", "pk"]
        constraints = [
            _audience_xor("homework_division_xor_group"),
            models.CheckConstraint(condition=Q(estimated_minutes__gt=0), name="homework_minutes_positive"),
            models.CheckConstraint(condition=Q(given_on__lte=F("due_date")), name="homework_given_before_due"),
        ]
        indexes = [
            models.Index(fields=["etablissement", "due_date"], name="homework_etab_due"),
            models.Index(fields=["division", "due_date"], name="homework_division_due"),
            models.Index(fields=["group", "due_date"], name="homework_group_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:homework_edit", kwargs={"pk": self.pk})

    @property
    def heading(self) -> str:
        """What a student reads first: "Mathématiques — Évaluation : QCM chapitre 3"."""
        what = f"{self.get_kind_display()} : {self.title}"
        return f"{self.subject} — {what}" if self.subject_id else what


class OverloadRecord(models.Model):
    """What a division's week exceeded when its form tutors were last told (see ``planning.alerts``).

    ``exceeded`` maps each exceeded rule ("2026-12-01:async_minutes", "week:video_share") to the
    highest figure the tutors were told about; a rule no longer exceeded is dropped, so that a
    threshold exceeded again, or an excess that grows, sends a new alert, and nothing else does.
    """

    division = models.ForeignKey("ecole.Division", on_delete=models.CASCADE, related_name="+")
    monday = models.DateField(_("semaine du"))
    exceeded = models.JSONField(_("seuils dépassés"), default=dict)
    alerts_sent = models.PositiveSmallIntegerField(_("alertes envoyées"), default=0)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("dépassement de charge")
        verbose_name_plural = _("dépassements de charge")
        constraints = [models.UniqueConstraint(fields=["division", "monday"], name="overloadrecord_division_week")]

    def __str__(self) -> str:
        return f"{self.division_id} — {self.monday.isoformat()}"


class HomeworkDone(models.Model):
    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="done_marks")
    student = models.ForeignKey("ecole.Student", on_delete=models.CASCADE, related_name="homework_done")
    done_at = models.DateTimeField(_("fait le"), auto_now_add=True)

    class Meta:
        verbose_name = _("travail fait")
        verbose_name_plural = _("travaux faits")
        constraints = [models.UniqueConstraint(fields=["homework", "student"], name="homeworkdone_unique")]

    def __str__(self) -> str:
        return f"{self.student} — {self.homework}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret of a user's iCalendar links; renewing it revokes every old link at once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(_("jeton"), max_length=64, unique=True, default=new_feed_token)
    renewed_at = models.DateTimeField(_("renouvelé le"), auto_now=True)

    class Meta:
        verbose_name = _("lien d'agenda")
        verbose_name_plural = _("liens d'agenda")

    def __str__(self) -> str:
        return str(self.user)
