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

One query per week for any number of students: the database sums each student's sessions and
work per day (``GROUP BY``); the maximum over the students of ONE audience is taken in Python over
that bounded set of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext_lazy as _

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


# The week's load of a set of students, summed per student and day by the database.
LOADS_SQL = """
WITH st AS (
    SELECT id, first_name, last_name, division_id, etablissement_id FROM ecole_student WHERE id IN ({students})
),
members AS (
    SELECT st.id AS student_id, st.etablissement_id AS etab, st.division_id AS own_division,
           st.division_id AS division_id, CAST(NULL AS INTEGER) AS group_id
    FROM st
    UNION ALL
    SELECT st.id, st.etablissement_id, st.division_id, CAST(NULL AS INTEGER), sg.group_id
    FROM st JOIN ecole_student_groups sg ON sg.student_id = st.id
),
halves AS (
    SELECT sg.student_id, g.division_id, g.half
    FROM st JOIN ecole_student_groups sg ON sg.student_id = st.id JOIN ecole_group g ON g.id = sg.group_id
    WHERE g.kind = %s AND g.division_id = st.division_id
),
sess AS (
    SELECT student_id, day,
           SUM(CASE WHEN modality = %s OR (modality = %s AND hybrid_remote_mode = %s AND away = 1)
                    THEN minutes ELSE 0 END) AS video,
           SUM(CASE WHEN modality IN (%s, %s) OR (modality = %s AND away = 1)
                    THEN minutes ELSE 0 END) AS remote
    FROM (
        SELECT m.student_id, s.date AS day, s.modality, s.hybrid_remote_mode, s.minutes,
               CASE WHEN (s.hybrid_remote_division_id IS NULL OR s.hybrid_remote_division_id = m.own_division)
                         AND (s.hybrid_room_half = '' OR h.student_id IS NULL)
                    THEN 1 ELSE 0 END AS away
        FROM members m
        JOIN planning_session s
          ON s.etablissement_id = m.etab AND s.date IN ({days}) AND s.id <> %s
         AND (s.division_id = m.division_id OR s.group_id = m.group_id)
        LEFT JOIN halves h
          ON h.student_id = m.student_id AND h.half = s.hybrid_room_half
    ) attended
    GROUP BY student_id, day
),
work AS (
    SELECT m.student_id, w.due_date AS day, SUM(w.estimated_minutes) AS minutes,
           SUM(CASE WHEN w.kind = %s THEN 1 ELSE 0 END) AS assessments
    FROM members m
    JOIN planning_homework w
      ON w.etablissement_id = m.etab AND w.due_date IN ({days}) AND w.id <> %s
     AND (w.division_id = m.division_id OR w.group_id = m.group_id)
    GROUP BY m.student_id, w.due_date
)
SELECT st.id, st.first_name, st.last_name, st.division_id,
       (SELECT h.half FROM halves h WHERE h.student_id = st.id AND h.division_id = st.division_id),
       sess.day, sess.video, sess.remote, 0, 0
FROM st LEFT JOIN sess ON sess.student_id = st.id
UNION ALL
SELECT st.id, st.first_name, st.last_name, st.division_id, NULL, work.day, 0, 0, work.minutes, work.assessments
FROM st JOIN work ON work.student_id = st.id
"""


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

    One aggregate over the week: the students' memberships (division and groups) joined to the
    week's sessions and work of their établissement, summed per student and day in the database
    (``GROUP BY``), the same SQL on SQLite and PostgreSQL. Its cost follows the audience and the
    week, never the size of the region's tables.
    """
    open_days = [d.date for d in days if not d.is_holiday]
    students_sql, students_params = students.order_by().values("pk").query.sql_with_params()
    placeholders = ", ".join(["%s"] * len(open_days)) or "NULL"
    params = [
        *students_params,
        "demi",
        Modality.VISIO,
        Modality.HYBRIDE,
        RemoteMode.LIVE,
        Modality.VISIO,
        Modality.ASYNC_DISTANCE,
        Modality.HYBRIDE,
        *open_days,
        exclude_session_id or 0,
        HomeworkKind.ASSESSMENT,
        *open_days,
        exclude_homework_id or 0,
    ]
    with connection.cursor() as cursor:
        cursor.execute(LOADS_SQL.format(students=students_sql, days=placeholders), params)
        rows = cursor.fetchall()
    loads: dict[int, StudentLoad] = {}
    for pk, first_name, last_name, division_id, half, day, video, remote, minutes, assessments in rows:
        load = loads.get(pk)
        if load is None:
            load = loads[pk] = StudentLoad(
                student_id=pk, name=f"{first_name} {last_name}", division_id=division_id, half=half
            )
            for school_day in days:
                load.days[school_day.date] = Load()
        if half is not None:
            load.half = half
        if day is not None:
            load.days[_day(day)].add(
                Load(video=video or 0, async_minutes=minutes or 0, assessments=assessments or 0, remote=remote or 0)
            )
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
