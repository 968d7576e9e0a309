"""The workload of students, computed in the database.

Rules (said the same way in the UI, see ``RULES_TEXT``):

- A student's sessions and work are those addressed to his division or to one of his groups
  (spécialité, option, half-group).
- **Hybride**: a student is at a distance when the session names no division or names his own
  (a shared group whose other divisions stay in class), and no half-group is in the room or his
  half-group (of his own division) is not the one in the room.
- **Classe virtuelle** minutes of a day: the duration of the "classe virtuelle" sessions of that
  day, plus the hybride sessions where the student is at a distance and follows live.
  An untouched slot is taught in presence: 0 minute of video.
- **Heures à distance**: classe virtuelle, asynchrone à distance, and hybride when he is at a
  distance (live or in autonomy).
- **Part de classe virtuelle** of an audience: its students' video minutes over their remote
  minutes of the week (all students together, not the maximum of each one's share, where one
  remote hour reads 100 %). It is compared with its threshold only once a student of the audience
  has at least the school's minimum of remote time that week (6 h by default).
- **Travail à faire**: the estimated minutes of a piece of work count entirely **on its due date**
  (the day the student must have done it). Holidays carry nothing (nothing may be due then).
- **Évaluations**: the number of works of kind "évaluation" due that day.
- The load of a division or a group is the load of its most loaded student, metric by metric.

One query for any number of students and weeks: the database sums each student's sessions and
work per day (``GROUP BY``); the maximum over the students of ONE audience is taken in Python over
that bounded set of rows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext_lazy as _

from continuite.ecole.models import GroupKind

from .models import HomeworkKind, Modality, RemoteMode, SchoolDay

RULES_TEXT = _(
    "Les minutes de travail à faire sont comptées en entier le jour où le travail est à rendre. "
    "Les minutes de classe virtuelle comptent les classes virtuelles et, en hybride, les élèves à distance "
    "qui suivent en direct. La charge d'une classe ou d'un groupe est celle de son élève le plus chargé. "
    "La part de classe virtuelle se calcule sur l'ensemble des heures à distance des élèves de la semaine."
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

    def on_days(self, days: list[SchoolDay]) -> StudentLoad:
        """The same student on some of his days: one week of a load read over several."""
        return StudentLoad(
            student_id=self.student_id,
            name=self.name,
            division_id=self.division_id,
            half=self.half,
            days={day.date: self.days[day.date] for day in days},
        )

    @property
    def week(self) -> Load:
        days = self.days.values()
        return Load(
            video=sum(d.video for d in days),
            async_minutes=sum(d.async_minutes for d in days),
            assessments=sum(d.assessments for d in days),
            remote=sum(d.remote for d in days),
        )


@dataclass
class Extra:
    """A change being considered (the gauge): minutes added on a date, for all or for one half."""

    date: dt.date
    load: Load
    only_remote_half_of: str | None = None  # hybride: the half in the room gets nothing


# The week's load of a set of students, summed per student and day by the database. Each ``{name}``
# is a value (or a list, or the students' subquery) bound by ``_bind``.
#
# Written for PostgreSQL's planner as much as for the result (it was 1.6 s for the demo lycée, 2 s
# a week for a generated one, see docs/scaling.md): no CTE is read twice (PostgreSQL materialises
# it, without index or statistics, and rescanned it for each row of a nested loop), no ``OR`` in a
# join, no correlated subquery over a CTE. The sessions and work of the days' school (a constant)
# on those days each reach their students by an equality on an indexed column: their division, or
# one of their groups (a session names one or the other, never both). Whether a student's
# half-group is the one in the room, and which his half is, are index lookups on his memberships.
# The students come back as rows of their own and the sums as theirs: no join of the sums back to
# the students.
LOADS_SQL = """
WITH attended AS (
    SELECT st.id AS student_id, st.division_id AS own_division, s.date AS day, s.modality,
           s.hybrid_remote_mode, s.minutes, s.hybrid_remote_division_id, s.hybrid_room_half
    FROM planning_session s
    JOIN ecole_student st ON st.division_id = s.division_id
    WHERE s.etablissement_id IN ({schools}) AND s.date IN ({days}) AND s.id <> {exclude_session}
      AND st.id IN ({students})
    UNION ALL
    SELECT st.id, st.division_id, s.date, s.modality,
           s.hybrid_remote_mode, s.minutes, s.hybrid_remote_division_id, s.hybrid_room_half
    FROM planning_session s
    JOIN ecole_student_groups sg ON sg.group_id = s.group_id
    JOIN ecole_student st ON st.id = sg.student_id
    WHERE s.etablissement_id IN ({schools}) AND s.date IN ({days}) AND s.id <> {exclude_session}
      AND st.id IN ({students})
),
followed AS (
    SELECT a.student_id, a.day, a.modality, a.hybrid_remote_mode, a.minutes,
           CASE WHEN (a.hybrid_remote_division_id IS NULL OR a.hybrid_remote_division_id = a.own_division)
                     AND (a.hybrid_room_half = '' OR room.student_id IS NULL)
                THEN 1 ELSE 0 END AS away
    FROM attended a
    -- his half-group (of his own division), when it is the one in the room
    LEFT JOIN (ecole_student_groups room JOIN ecole_group hg ON hg.id = room.group_id AND hg.kind = {half_group})
      ON room.student_id = a.student_id AND hg.division_id = a.own_division AND hg.half = a.hybrid_room_half
),
given AS (
    SELECT st.id AS student_id, w.due_date AS day, w.estimated_minutes, w.kind
    FROM planning_homework w
    JOIN ecole_student st ON st.division_id = w.division_id
    WHERE w.etablissement_id IN ({schools}) AND w.due_date IN ({days}) AND w.id <> {exclude_homework}
      AND st.id IN ({students})
    UNION ALL
    SELECT st.id, w.due_date, w.estimated_minutes, w.kind
    FROM planning_homework w
    JOIN ecole_student_groups sg ON sg.group_id = w.group_id
    JOIN ecole_student st ON st.id = sg.student_id
    WHERE w.etablissement_id IN ({schools}) AND w.due_date IN ({days}) AND w.id <> {exclude_homework}
      AND st.id IN ({students})
)
SELECT st.id, st.first_name, st.last_name, st.division_id, hg.half, NULL, 0, 0, 0, 0
FROM ecole_student st
-- his half-group (of his own division)
LEFT JOIN (ecole_student_groups sg JOIN ecole_group hg ON hg.id = sg.group_id AND hg.kind = {half_group})
  ON sg.student_id = st.id AND hg.division_id = st.division_id
WHERE st.id IN ({students})
UNION ALL
SELECT student_id, NULL, NULL, NULL, NULL, day, SUM(video), SUM(remote), SUM(minutes), SUM(assessments)
FROM (
    SELECT student_id, day,
           CASE WHEN modality = {visio} OR (modality = {hybride} AND hybrid_remote_mode = {live} AND away = 1)
                THEN minutes ELSE 0 END AS video,
           CASE WHEN modality IN ({visio}, {async_distance}) OR (modality = {hybride} AND away = 1)
                THEN minutes ELSE 0 END AS remote,
           0 AS minutes, 0 AS assessments
    FROM followed
    UNION ALL
    SELECT student_id, day, 0, 0, estimated_minutes, CASE WHEN kind = {assessment} THEN 1 ELSE 0 END
    FROM given
) loads
GROUP BY student_id, day
"""


def _bind(template: str, **parts: tuple[str, list]) -> tuple[str, list]:
    """The SQL of ``template`` with each ``{name}`` replaced by ``parts[name]`` (its SQL and its
    parameters), and the positional parameters in the order they appear (a part may appear often)."""
    params: list = []

    def part(match: re.Match) -> str:
        sql, values = parts[match.group(1)]
        params.extend(values)
        return sql

    return re.sub(r"\{(\w+)\}", part, template), params


def _values(values: list) -> tuple[str, list]:
    return ", ".join(["%s"] * len(values)) or "NULL", list(values)


def _value(value) -> tuple[str, list]:
    return "%s", [value]


def _day(value) -> dt.date:
    # SQLite hands raw dates back as text
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def student_loads(
    *,
    students,
    days: list[SchoolDay],
    exclude_homework_id: int | None = None,
    exclude_session_id: int | None = None,
    extras: list[Extra] = (),
) -> list[StudentLoad]:
    """The load of each student of ``students`` (a queryset) on each school day of ``days``: ONE query.

    ``days`` are one school's days: a week, or several (the direction's table reads two at once).
    One aggregate: the sessions and work of that school on those days (by index), each joined to
    its students through its division or one of their groups, summed per student and day in the
    database (``GROUP BY``), the same SQL on SQLite and PostgreSQL. Its cost follows the school's
    week and the audience, never the size of the region's tables (see ``LOADS_SQL``).
    """
    open_days = [d.date for d in days if not d.is_holiday]
    sql, params = _bind(
        LOADS_SQL,
        students=students.order_by().values("pk").query.sql_with_params(),
        # the school of the days, a constant: its week of sessions and work is read by index
        schools=_values(sorted({d.etablissement_id for d in days})),
        days=_values(open_days),
        exclude_session=_value(exclude_session_id or 0),
        exclude_homework=_value(exclude_homework_id or 0),
        visio=_value(Modality.VISIO),
        hybride=_value(Modality.HYBRIDE),
        async_distance=_value(Modality.ASYNC_DISTANCE),
        live=_value(RemoteMode.LIVE),
        half_group=_value(GroupKind.HALF),
        assessment=_value(HomeworkKind.ASSESSMENT),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # One row per student (his name, division and half-group), then his sums, one row per day.
    loads: dict[int, StudentLoad] = {}
    sums = []
    for pk, first_name, last_name, division_id, half, day, video, remote, minutes, assessments in rows:
        if day is None:
            load = loads[pk] = StudentLoad(
                student_id=pk, name=f"{first_name} {last_name}", division_id=division_id, half=half
            )
            for school_day in days:
                load.days[school_day.date] = Load()
        else:
            sums.append((pk, day, video, remote, minutes, assessments))
    for pk, day, video, remote, minutes, assessments in sums:
        load = loads[pk].days[_day(day)]  # one row per student and day
        load.video, load.remote = video or 0, remote or 0
        load.async_minutes, load.assessments = minutes or 0, assessments or 0
    result = sorted(loads.values(), key=lambda load: load.student_id)
    for load in result:
        for extra in extras:
            if extra.date not in load.days:
                continue
            if extra.only_remote_half_of and load.half == extra.only_remote_half_of:
                continue
            load.days[extra.date].add(extra.load)
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
    min_remote_for_share: int = 360

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
            min_remote_for_share=settings.min_remote_minutes_for_share,
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

    def share_applies(self, most_remote_minutes: int) -> bool:
        """The share is compared only once a student has the minimum of remote time that week."""
        return most_remote_minutes >= self.min_remote_for_share

    def week_overs(self, load: Load, share: int | None) -> list[str]:
        overs = []
        if load.video > self.video_week:
            overs.append("video")
        if load.async_minutes > self.async_week:
            overs.append("async_minutes")
        if load.assessments > self.assessments_week:
            overs.append("assessments")
        if share is not None and self.share_applies(load.remote) and share > self.video_share:
            overs.append("video_share")
        return overs

    def limit(self, scope: str, metric: str) -> int:
        return {
            ("day", "video"): self.video_day,
            ("day", "async_minutes"): self.async_day,
            ("day", "assessments"): self.assessments_day,
            ("week", "video"): self.video_week,
            ("week", "async_minutes"): self.async_week,
            ("week", "assessments"): self.assessments_week,
            ("week", "video_share"): self.video_share,
        }[(scope, metric)]

    def rule(self, scope: str, metric: str) -> str:
        """The rule a figure exceeds, named as the heat map, the direction's table and the mail name it."""
        limit = self.limit(scope, metric)
        if metric == "video_share":
            return str(
                _("classe virtuelle : plus de %(limit)d %% des heures à distance de la semaine") % {"limit": limit}
            )
        per = str(_("par jour") if scope == "day" else _("par semaine"))
        if metric == "video":
            return str(_("classe virtuelle : plus de %(limit)d min %(per)s") % {"limit": limit, "per": per})
        if metric == "async_minutes":
            return str(_("travail à faire : plus de %(limit)d min %(per)s") % {"limit": limit, "per": per})
        if limit == 1:
            return str(_("plus d'une évaluation %(per)s") % {"per": per})
        if limit < 2:
            return str(_("plus de %(limit)d évaluation %(per)s") % {"limit": limit, "per": per})
        return str(_("plus de %(limit)d évaluations %(per)s") % {"limit": limit, "per": per})

    def rules_of(self, scope: str) -> dict[str, str]:
        """Each metric's rule on a day or over the week, for the templates (``day_rules.video``)."""
        metrics = ("video", "async_minutes", "assessments") + (("video_share",) if scope == "week" else ())
        return {metric: self.rule(scope, metric) for metric in metrics}

    def share_minimum_text(self) -> str:
        hours, minutes = divmod(self.min_remote_for_share, 60)
        duration = f"{hours} h" + (f" {minutes:02d}" if minutes else "")
        return str(
            _(
                "La part de classe virtuelle n'est comparée au seuil qu'à partir de %(duration)s à distance "
                "dans la semaine pour au moins un élève."
            )
            % {"duration": duration}
        )


@dataclass
class Excess:
    """One exceeded rule: on a day (``date``) or over the week (``date`` None), with its figure."""

    scope: str
    metric: str
    date: dt.date | None
    value: int
    limit: int
    rule: str

    @property
    def key(self) -> str:
        return f"{self.date.isoformat() if self.date else 'week'}:{self.metric}"

    @property
    def unit(self) -> str:
        return {"video": "min", "async_minutes": "min", "video_share": "%"}.get(self.metric, "")


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
    share_applies: bool = False
    excesses: list[Excess] = field(default_factory=list)

    @property
    def is_over(self) -> bool:
        return bool(self.week_overs) or any(cell.overs for cell in self.days)

    @property
    def rules(self) -> list[str]:
        """The rules exceeded this week, each named once (the direction's table, the mail's subject)."""
        seen: list[str] = []
        for excess in self.excesses:
            if excess.rule not in seen:
                seen.append(excess.rule)
        return seen


def _max_load(loads) -> Load:
    """Metric by metric, the maximum of ``loads`` (plain attribute reads: this runs per day and student)."""
    video = async_minutes = assessments = remote = 0
    for load in loads:
        if load.video > video:
            video = load.video
        if load.async_minutes > async_minutes:
            async_minutes = load.async_minutes
        if load.assessments > assessments:
            assessments = load.assessments
        if load.remote > remote:
            remote = load.remote
    return Load(video=video, async_minutes=async_minutes, assessments=assessments, remote=remote)


def audience_load(rows: list[StudentLoad], days: list[SchoolDay], thresholds: Thresholds) -> AudienceLoad:
    cells = []
    excesses = []
    for day in days:
        load = _max_load(r.days[day.date] for r in rows)
        overs = [] if day.is_holiday else thresholds.day_overs(load)
        cells.append(DayCell(day=day, load=load, overs=overs))
        excesses += [
            Excess(
                scope="day",
                metric=metric,
                date=day.date,
                value=getattr(load, metric),
                limit=thresholds.limit("day", metric),
                rule=thresholds.rule("day", metric),
            )
            for metric in overs
        ]
    weeks = [(r, r.week) for r in rows]
    week = _max_load(w for _r, w in weeks)
    # The audience's share: all its students' video minutes over all their remote minutes.
    remote_total = sum(w.remote for _r, w in weeks)
    share = round(100 * sum(w.video for _r, w in weeks) / remote_total) if remote_total else None
    most = max(weeks, key=lambda rw: (rw[1].total_minutes, rw[1].assessments), default=(None, None))[0]
    week_overs = thresholds.week_overs(week, share)
    excesses += [
        Excess(
            scope="week",
            metric=metric,
            date=None,
            value=share if metric == "video_share" else getattr(week, metric),
            limit=thresholds.limit("week", metric),
            rule=thresholds.rule("week", metric),
        )
        for metric in week_overs
    ]
    return AudienceLoad(
        days=cells,
        week=week,
        video_share=share,
        week_overs=week_overs,
        most_loaded=most,
        student_count=len(rows),
        share_applies=thresholds.share_applies(week.remote),
        excesses=excesses,
    )
