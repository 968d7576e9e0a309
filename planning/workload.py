"""The workload of students, computed in the database.

Rules (said the same way in the UI, see ``RULES_TEXT``):

- A student's sessions and work are those addressed to his division or to one of his groups
  (spécialité, option, half-group).
- **Classe virtuelle** minutes of a day: the duration of the "classe virtuelle" sessions of that
  day, plus the hybride sessions where the student's half-group is at a distance and follows live.
  An untouched slot is taught in presence: 0 minute of video.
- **Heures à distance**: classe virtuelle, asynchrone à distance, and hybride when his half is at a
  distance (live or in autonomy). The share of video is video minutes / remote minutes of the week.
- **Travail à faire**: the estimated minutes of a piece of work count entirely **on its due date**
  (the day the student must have done it). Holidays carry nothing (nothing may be due then).
- **Évaluations**: the number of works of kind "évaluation" due that day.
- The load of a division or a group is the load of its most loaded student, metric by metric.

One query per week for any number of students: each student row carries, for each school day,
four correlated aggregate subqueries (indexed by division/group and date). The maximum over the
students of ONE audience is taken in Python over that bounded set of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from continuite.ecole.models import Group, Student

from .models import Homework, HomeworkKind, Modality, RemoteMode, SchoolDay, Session

RULES_TEXT = _(
    "Les minutes de travail à faire sont comptées en entier le jour où le travail est à rendre. "
    "Les minutes de classe virtuelle comptent les classes virtuelles et, en hybride, le demi-groupe à distance "
    "qui suit en direct. La charge d'une classe ou d'un groupe est celle de son élève le plus chargé."
)

METRICS = ("video", "async_minutes", "assessments", "remote")


@dataclass
class Load:
    video: int = 0
    async_minutes: int = 0
    assessments: int = 0
    remote: int = 0

    def add(self, other: Load) -> None:
        for name in METRICS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def video_share(self) -> int | None:
        """Percent of remote minutes spent in video (None without remote minutes)."""
        return round(100 * self.video / self.remote) if self.remote else None

    @property
    def total_minutes(self) -> int:
        return self.video + self.async_minutes


@dataclass
class StudentLoad:
    student_id: int
    name: str
    division_id: int | None
    half: str | None
    days: dict[dt.date, Load] = field(default_factory=dict)

    @property
    def week(self) -> Load:
        total = Load()
        for load in self.days.values():
            total.add(load)
        return total


@dataclass
class Extra:
    """A change being considered (the gauge): minutes added on a date, for all or for one half."""

    date: dt.date
    load: Load
    only_remote_half_of: str | None = None  # hybride: the half in the room gets nothing


def _sum(qs, field_name: str):
    total = qs.order_by().values("etablissement_id").annotate(total=Sum(field_name)).values("total")[:1]
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def _count(qs):
    total = qs.order_by().values("etablissement_id").annotate(total=Count("pk")).values("total")[:1]
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def _student_annotations(
    days: list[dt.date], *, exclude_homework_id: int | None = None, exclude_session_id: int | None = None
) -> dict:
    through = Student.groups.through

    def member_groups():
        # inside a subquery of Session/Homework: the groups of the outer student
        return through.objects.filter(student_id=OuterRef(OuterRef("pk"))).values("group_id")

    in_room = Exists(
        through.objects.filter(
            student_id=OuterRef(OuterRef("pk")),
            group__kind="demi",
            group__division_id=OuterRef("division_id"),
            group__half=OuterRef("hybrid_room_half"),
        )
    )
    sessions = (
        # The établissement first: its (établissement, date) index narrows a region's millions of
        # sessions to one school's day before the audience test (an OR the indexes cannot serve).
        Session.objects.filter(etablissement_id=OuterRef("etablissement_id"))
        .filter(Q(division_id=OuterRef("division_id")) | Q(group_id__in=member_groups()))
        .exclude(pk=exclude_session_id or 0)
        .annotate(in_room=in_room)
    )
    video = sessions.filter(
        Q(modality=Modality.VISIO) | Q(modality=Modality.HYBRIDE, hybrid_remote_mode=RemoteMode.LIVE, in_room=False)
    )
    remote = sessions.filter(
        Q(modality__in=[Modality.VISIO, Modality.ASYNC_DISTANCE]) | Q(modality=Modality.HYBRIDE, in_room=False)
    )
    homework = (
        Homework.objects.filter(etablissement_id=OuterRef("etablissement_id"))
        .filter(Q(division_id=OuterRef("division_id")) | Q(group_id__in=member_groups()))
        .exclude(pk=exclude_homework_id or 0)
    )
    annotations = {}
    for i, day in enumerate(days):
        annotations[f"v{i}"] = _sum(video.filter(date=day), "minutes")
        annotations[f"r{i}"] = _sum(remote.filter(date=day), "minutes")
        annotations[f"a{i}"] = _sum(homework.filter(due_date=day), "estimated_minutes")
        annotations[f"e{i}"] = _count(homework.filter(due_date=day, kind=HomeworkKind.ASSESSMENT))
    return annotations


def student_loads(
    *,
    students,
    days: list[SchoolDay],
    exclude_homework_id: int | None = None,
    exclude_session_id: int | None = None,
    extras: list[Extra] = (),
) -> list[StudentLoad]:
    """The load of each student of ``students`` (a queryset) on each school day of ``days``: ONE query."""
    open_days = [d.date for d in days if not d.is_holiday]
    half = Group.objects.filter(kind="demi", division_id=OuterRef("division_id"), students=OuterRef("pk")).values(
        "half"
    )[:1]
    rows = (
        students.order_by()
        .annotate(
            half_code=Subquery(half),
            **_student_annotations(
                open_days, exclude_homework_id=exclude_homework_id, exclude_session_id=exclude_session_id
            ),
        )
        .values(
            "pk",
            "first_name",
            "last_name",
            "division_id",
            "half_code",
            *[f"{m}{i}" for i in range(len(open_days)) for m in "vrae"],
        )
    )
    result = []
    for row in rows:
        load = StudentLoad(
            student_id=row["pk"],
            name=f"{row['first_name']} {row['last_name']}",
            division_id=row["division_id"],
            half=row["half_code"],
        )
        for day in days:
            load.days[day.date] = Load()
        for i, date in enumerate(open_days):
            load.days[date] = Load(
                video=row[f"v{i}"], async_minutes=row[f"a{i}"], assessments=row[f"e{i}"], remote=row[f"r{i}"]
            )
        for extra in extras:
            if extra.date not in load.days:
                continue
            if extra.only_remote_half_of and load.half == extra.only_remote_half_of:
                continue
            load.days[extra.date].add(extra.load)
        result.append(load)
    return result


@dataclass
class Thresholds:
    video_day: int
    async_day: int
    assessments_day: int
    video_week: int
    async_week: int
    assessments_week: int
    video_share: int

    @classmethod
    def of(cls, settings) -> Thresholds:
        return cls(
            video_day=settings.max_video_minutes_per_day,
            async_day=settings.max_async_minutes_per_day,
            assessments_day=settings.max_assessments_per_day,
            video_week=settings.max_video_minutes_per_week,
            async_week=settings.max_async_minutes_per_week,
            assessments_week=settings.max_assessments_per_week,
            video_share=settings.max_video_share_percent,
        )

    def day_overs(self, load: Load) -> list[str]:
        overs = []
        if load.video > self.video_day:
            overs.append("video")
        if load.async_minutes > self.async_day:
            overs.append("async_minutes")
        if load.assessments > self.assessments_day:
            overs.append("assessments")
        return overs

    def week_overs(self, load: Load, share: int | None) -> list[str]:
        overs = []
        if load.video > self.video_week:
            overs.append("video")
        if load.async_minutes > self.async_week:
            overs.append("async_minutes")
        if load.assessments > self.assessments_week:
            overs.append("assessments")
        if share is not None and share > self.video_share:
            overs.append("video_share")
        return overs


@dataclass
class DayCell:
    day: SchoolDay
    load: Load
    overs: list[str]

    @property
    def level(self) -> str:
        """For the heat map: a word, not only a colour."""
        if self.day.is_holiday:
            return "holiday"
        return "over" if self.overs else "ok"


@dataclass
class AudienceLoad:
    """The load of an audience: metric by metric, the maximum over its students."""

    days: list[DayCell]
    week: Load
    video_share: int | None
    week_overs: list[str]
    most_loaded: StudentLoad | None
    student_count: int

    @property
    def is_over(self) -> bool:
        return bool(self.week_overs) or any(cell.overs for cell in self.days)


def audience_load(rows: list[StudentLoad], days: list[SchoolDay], thresholds: Thresholds) -> AudienceLoad:
    cells = []
    for day in days:
        load = Load()
        for name in METRICS:
            setattr(load, name, max((getattr(r.days[day.date], name) for r in rows), default=0))
        cells.append(DayCell(day=day, load=load, overs=[] if day.is_holiday else thresholds.day_overs(load)))
    weeks = [(r, r.week) for r in rows]
    week = Load()
    for name in METRICS:
        setattr(week, name, max((getattr(w, name) for _r, w in weeks), default=0))
    share = max((w.video_share for _r, w in weeks if w.video_share is not None), default=None)
    most = max(weeks, key=lambda rw: (rw[1].total_minutes, rw[1].assessments), default=(None, None))[0]
    return AudienceLoad(
        days=cells,
        week=week,
        video_share=share,
        week_overs=thresholds.week_overs(week, share),
        most_loaded=most,
        student_count=len(rows),
    )


def lighter_days(load: AudienceLoad, *, minutes: int, thresholds: Thresholds, not_before: dt.date) -> list[DayCell]:
    """School days of the week where ``minutes`` more work keep the audience under the daily threshold."""
    candidates = [
        cell
        for cell in load.days
        if not cell.day.is_holiday
        and cell.day.date >= not_before
        and cell.load.async_minutes + minutes <= thresholds.async_day
    ]
    return sorted(candidates, key=lambda c: (c.load.async_minutes + c.load.video, c.day.date))[:2]
