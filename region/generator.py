"""A plausible region (NetO'Centre: ~100 lycées, 150,000 students, 12,000 staff) for the benchmark.

Each lycée looks like the demo one, at the size of a real lycée: 42 divisions of 35 students over
2nde/1ère/Tle, half-groups A/B, spécialité groups drawn from several divisions, 120 staff. Rows go
in with COPY; per-app parts (timetable and sessions, registers and cases, loans, notifications)
are added by the generators of ``region.parts``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from continuite.accounts.models import User
from continuite.ecole.demo import BOY_NAMES, CORE_BY_LEVEL, GIRL_NAMES, LAST_NAMES, SPECIALITES, SUBJECTS
from continuite.ecole.models import (
    Division,
    Etablissement,
    Group,
    Guardian,
    GuardianLink,
    SchoolYear,
    Staff,
    Student,
    Subject,
    TeachingAssignment,
)

from .copy import IdAllocator, copy_rows, m2m_table, table, with_defaults

BENCH_PASSWORD = "Continuite-bench-2026"  # noqa: S105 (fictitious region, benchmark only)
DIVISIONS_PER_LEVEL = 14
STUDENTS_PER_DIVISION = 35
STAFF_PER_LYCEE = 120
LEVEL_PREFIX = {"2nde": "2", "1ere": "1G", "Tle": "TG"}


@dataclass
class Lycee:
    """What the per-app generators need to know of one generated lycée (ids only)."""

    etablissement_id: int
    uai: str
    school_year_id: int
    year_start: dt.date
    year_end: dt.date
    subject_ids: dict[str, int]
    direction_staff_ids: list[int] = field(default_factory=list)
    cpe_staff_ids: list[int] = field(default_factory=list)
    gestion_staff_ids: list[int] = field(default_factory=list)
    teacher_ids: dict[str, list[int]] = field(default_factory=dict)
    divisions: list[tuple[int, str, str]] = field(default_factory=list)  # (id, code, level)
    half_groups: dict[int, tuple[int, int]] = field(default_factory=dict)  # division id -> (A id, B id)
    spe_groups: list[tuple[int, str, str, list[int]]] = field(default_factory=list)  # id, subject, level, divs
    assignments: list[tuple[int, int, int | None, int | None]] = field(default_factory=list)  # staff, subj, div, grp
    tutors: dict[int, int] = field(default_factory=dict)  # division id -> staff id
    students: list[tuple[int, int]] = field(default_factory=list)  # (student id, division id)
    student_groups: dict[int, list[int]] = field(default_factory=dict)
    legal_guardians: dict[int, list[int]] = field(default_factory=dict)  # student id -> guardian ids
    staff_user_ids: dict[int, int] = field(default_factory=dict)
    guardian_user_ids: dict[int, int] = field(default_factory=dict)
    student_user_ids: dict[int, int] = field(default_factory=dict)


def school_year_dates(today: dt.date) -> tuple[str, dt.date, dt.date]:
    first = today.year if today.month >= 8 else today.year - 1
    return f"{first}-{first + 1}", dt.date(first, 9, 1), dt.date(first + 1, 7, 4)


class RegionGenerator:
    def __init__(self, *, lycees: int, today: dt.date, seed: int = 1):
        self.count = lycees
        self.today = today
        self.rng = random.Random(seed)
        self.ids = IdAllocator()
        self.password_hash = make_password(BENCH_PASSWORD)
        self.lycees: list[Lycee] = []
        self.rows = 0

    # --- entry point ---------------------------------------------------------------------------

    def generate_directory(self, first_index: int) -> list[Lycee]:
        label, start, end = school_year_dates(self.today)
        etab_first = self.ids.take(Etablissement, self.count)
        year_first = self.ids.take(SchoolYear, self.count)
        etabs, years = [], []
        for i in range(self.count):
            n = first_index + i
            uai = f"{9000000 + n:07d}R"
            etabs.append(
                (etab_first + i, uai, f"Lycée régional n° {n}", f"Commune {n % 250}", "Orléans-Tours", "B", "", "")
            )
            years.append((year_first + i, etab_first + i, label, start, end, True))
            self.lycees.append(
                Lycee(
                    etablissement_id=etab_first + i,
                    uai=uai,
                    school_year_id=year_first + i,
                    year_start=start,
                    year_end=end,
                    subject_ids={},
                )
            )
        self._copy(
            Etablissement,
            ["id", "uai", "name", "city", "academie", "holiday_zone", "contact_email", "dpo_email"],
            etabs,
        )
        self._copy(SchoolYear, ["id", "etablissement_id", "label", "start", "end", "is_current"], years)
        self._subjects()
        self._staff()
        self._divisions_and_groups()
        self._assignments()
        self._students_and_guardians()
        self._users()
        return self.lycees

    # --- pieces --------------------------------------------------------------------------------

    def _copy(self, model, columns, rows) -> None:
        columns, rows = with_defaults(model, columns, rows)
        self.rows += copy_rows(table(model), columns, rows)

    def _copy_m2m(self, model, field_name, pairs) -> None:
        through_table, source, target = m2m_table(model, field_name)
        through = model._meta.get_field(field_name).remote_field.through
        first = self.ids.take(through, len(pairs))
        self.rows += copy_rows(
            through_table, ["id", source, target], ((first + k, a, b) for k, (a, b) in enumerate(pairs))
        )

    def _subjects(self) -> None:
        rows = []
        first = self.ids.take(Subject, len(SUBJECTS) * self.count)
        k = first
        for lycee in self.lycees:
            for code, label in SUBJECTS:
                lycee.subject_ids[code] = k
                rows.append((k, lycee.etablissement_id, code, label[:40], label))
                k += 1
        self._copy(Subject, ["id", "etablissement_id", "code", "short_label", "label"], rows)

    def _name(self, girl: bool | None = None) -> tuple[str, str, str]:
        girl = self.rng.random() < 0.5 if girl is None else girl
        return (
            self.rng.choice(LAST_NAMES).upper(),
            self.rng.choice(GIRL_NAMES if girl else BOY_NAMES),
            "Mme" if girl else "M.",
        )

    def _staff(self) -> None:
        per_subject = {
            "FRANC": 12,
            "MATHS": 12,
            "HG": 11,
            "ANG": 10,
            "ESP": 8,
            "ALL": 3,
            "SES": 6,
            "SVT": 7,
            "PC": 8,
            "EPS": 9,
            "PHILO": 4,
            "SNT": 3,
            "NSI": 3,
            "HGGSP": 3,
            "HLP": 3,
            "ENSSCI": 5,
        }
        rows = []
        first = self.ids.take(Staff, STAFF_PER_LYCEE * self.count)
        k = first
        for lycee in self.lycees:
            made = 0

            def add(
                email_prefix: str, teacher=False, cpe=False, direction=False, gestion=False, referent=False, lycee=lycee
            ):
                nonlocal k, made
                last, first_name, civ = self._name()
                rows.append(
                    (
                        k,
                        lycee.etablissement_id,
                        f"{k}",
                        civ,
                        last,
                        first_name,
                        f"{email_prefix}.{k}@{lycee.uai.lower()}.ac-orleans-tours.fr",
                        teacher,
                        cpe,
                        direction,
                        gestion,
                        referent,
                    )
                )
                k += 1
                made += 1
                return k - 1

            lycee.direction_staff_ids = [add("direction", direction=True), add("adjoint", direction=True)]
            lycee.gestion_staff_ids = [add("gestion", gestion=True)]
            lycee.cpe_staff_ids = [add("cpe", cpe=True), add("cpe", cpe=True)]
            lycee.teacher_ids = {code: [] for code, _ in SUBJECTS}
            lycee.teacher_ids["NSI"].append(add("prof", teacher=True, referent=True))
            for code, wanted in per_subject.items():
                while len(lycee.teacher_ids[code]) < wanted and made < STAFF_PER_LYCEE:
                    lycee.teacher_ids[code].append(add("prof", teacher=True))
            while made < STAFF_PER_LYCEE:
                lycee.teacher_ids["FRANC"].append(add("prof", teacher=True))
        self._copy(
            Staff,
            [
                "id",
                "etablissement_id",
                "sts_id",
                "civility",
                "last_name",
                "first_name",
                "email",
                "is_teacher",
                "is_cpe",
                "is_direction",
                "is_gestionnaire",
                "is_referent_numerique",
            ],
            rows,
        )

    def _divisions_and_groups(self) -> None:
        div_rows, group_rows, group_div_pairs, tutor_pairs = [], [], [], []
        n_div = len(LEVEL_PREFIX) * DIVISIONS_PER_LEVEL
        div_first = self.ids.take(Division, n_div * self.count)
        groups_per_lycee = n_div * 2 + 2 * len(SPECIALITES) * 2
        grp_first = self.ids.take(Group, groups_per_lycee * self.count)
        d, g = div_first, grp_first
        for lycee in self.lycees:
            all_teachers = [t for ids in lycee.teacher_ids.values() for t in ids]
            for level, prefix in LEVEL_PREFIX.items():
                level_divs = []
                for i in range(1, DIVISIONS_PER_LEVEL + 1):
                    code = f"{prefix}{i:02d}"
                    div_rows.append((d, lycee.etablissement_id, lycee.school_year_id, code, level, ""))
                    lycee.divisions.append((d, code, level))
                    halves = []
                    for half in ("A", "B"):
                        group_rows.append(
                            (
                                g,
                                lycee.etablissement_id,
                                lycee.school_year_id,
                                f"{code}-{half}",
                                f"{code} groupe {half}",
                                "demi",
                                d,
                                half,
                            )
                        )
                        halves.append(g)
                        g += 1
                    lycee.half_groups[d] = (halves[0], halves[1])
                    tutor = all_teachers[(d * 7) % len(all_teachers)]
                    lycee.tutors[d] = tutor
                    tutor_pairs.append((d, tutor))
                    level_divs.append(d)
                    d += 1
                if level == "2nde":
                    continue
                half = DIVISIONS_PER_LEVEL // 2
                for spe in SPECIALITES:
                    for k, members in enumerate((level_divs[:half], level_divs[half:]), start=1):
                        code = f"{'1' if level == '1ere' else 'T'}SPE{spe}{k}"
                        group_rows.append(
                            (
                                g,
                                lycee.etablissement_id,
                                lycee.school_year_id,
                                code,
                                f"Spécialité {spe} ({k})",
                                "specialite",
                                None,
                                "",
                            )
                        )
                        lycee.spe_groups.append((g, spe, level, members))
                        group_div_pairs.extend((g, m) for m in members)
                        g += 1
        self._copy(Division, ["id", "etablissement_id", "school_year_id", "code", "level", "label"], div_rows)
        self._copy(
            Group,
            ["id", "etablissement_id", "school_year_id", "code", "label", "kind", "division_id", "half"],
            group_rows,
        )
        self._copy_m2m(Group, "divisions", group_div_pairs)
        self._copy_m2m(Division, "form_tutors", tutor_pairs)

    def _assignments(self) -> None:
        rows = []
        for lycee in self.lycees:
            for index, (division_id, _code, level) in enumerate(lycee.divisions):
                for j, subject in enumerate(CORE_BY_LEVEL[level]):
                    pool = lycee.teacher_ids[subject]
                    staff = pool[(index + j) % len(pool)]
                    lycee.assignments.append((staff, lycee.subject_ids[subject], division_id, None))
            for index, (group_id, spe, _level, _members) in enumerate(lycee.spe_groups):
                pool = lycee.teacher_ids[spe]
                lycee.assignments.append((pool[index % len(pool)], lycee.subject_ids[spe], None, group_id))
            # a tutor teaches his division
            for division_id, tutor in lycee.tutors.items():
                subject = next(code for code, ids in lycee.teacher_ids.items() if tutor in ids)
                if not any(a[0] == tutor and a[2] == division_id for a in lycee.assignments):
                    lycee.assignments.append((tutor, lycee.subject_ids[subject], division_id, None))
            lycee.assignments = list(dict.fromkeys(lycee.assignments))
            rows.extend(lycee.assignments)
        first = self.ids.take(TeachingAssignment, len(rows))
        self._copy(
            TeachingAssignment,
            ["id", "staff_id", "subject_id", "division_id", "group_id"],
            ((first + k, *row) for k, row in enumerate(rows)),
        )

    def _students_and_guardians(self) -> None:
        n_students = sum(len(ly.divisions) for ly in self.lycees) * STUDENTS_PER_DIVISION
        student_first = self.ids.take(Student, n_students)
        guardian_first = self.ids.take(Guardian, n_students * 2)
        student_rows, membership, guardian_rows, link_rows = [], [], [], []
        s, gd = student_first, guardian_first
        for lycee in self.lycees:
            for division_id, _code, level in lycee.divisions:
                spe_options = [
                    g for g, _spe, lvl, members in lycee.spe_groups if lvl == level and division_id in members
                ]
                for n in range(STUDENTS_PER_DIVISION):
                    last, first_name, _civ = self._name()
                    birth = lycee.year_start.replace(year=lycee.year_start.year - 16) + dt.timedelta(
                        days=self.rng.randrange(365)
                    )
                    student_rows.append(
                        (
                            s,
                            lycee.etablissement_id,
                            f"{s:09d}RG"[-11:],
                            last,
                            first_name,
                            birth,
                            division_id,
                            lycee.year_start,
                            None,
                            str(s),  # SIECLE's ELEVE_ID, unique in the region like the real ones
                        )
                    )
                    lycee.students.append((s, division_id))
                    groups = [lycee.half_groups[division_id][n % 2]]
                    if spe_options:
                        groups += self.rng.sample(spe_options, 3 if level == "1ere" else 2)
                    lycee.student_groups[s] = groups
                    membership.extend((s, gid) for gid in groups)
                    legal = []
                    for rank, civ in enumerate(("Mme", "M.")):
                        if rank == 1 and self.rng.random() > 0.75:
                            break
                        guardian_rows.append(
                            (
                                gd,
                                lycee.etablissement_id,
                                civ,
                                last,
                                self.rng.choice(GIRL_NAMES if civ == "Mme" else BOY_NAMES),
                                f"famille{gd}@example.org",
                                "06 00 00 00 00",
                                True,
                                str(gd),  # SIECLE's PERSONNE_ID
                            )
                        )
                        link_rows.append((gd, s, "legal1" if rank == 0 else "legal2", ""))
                        legal.append(gd)
                        gd += 1
                    lycee.legal_guardians[s] = legal
                    s += 1
        self._copy(
            Student,
            [
                "id",
                "etablissement_id",
                "ine",
                "last_name",
                "first_name",
                "birth_date",
                "division_id",
                "entry_date",
                "exit_date",
                "siecle_id",
            ],
            student_rows,
        )
        self._copy_m2m(Student, "groups", membership)
        self._copy(
            Guardian,
            [
                "id",
                "etablissement_id",
                "civility",
                "last_name",
                "first_name",
                "email",
                "mobile",
                "accepts_sms",
                "siecle_id",
            ],
            guardian_rows,
        )
        link_first = self.ids.take(GuardianLink, len(link_rows))
        self._copy(
            GuardianLink,
            ["id", "guardian_id", "student_id", "kind", "relationship"],
            ((link_first + k, *row) for k, row in enumerate(link_rows)),
        )

    def _users(self) -> None:
        """Accounts for the staff and the legal guardians (the ENT would log them in)."""
        now = dt.datetime.now(dt.UTC)
        rows, staff_links, guardian_links = [], [], []
        for lycee in self.lycees:
            staff_ids = (
                lycee.direction_staff_ids
                + lycee.cpe_staff_ids
                + lycee.gestion_staff_ids
                + [t for ids in lycee.teacher_ids.values() for t in ids]
            )
            first = self.ids.take(User, len(staff_ids))
            for k, staff_id in enumerate(staff_ids):
                lycee.staff_user_ids[staff_id] = first + k
                rows.append(
                    (first + k, f"personnel{staff_id}@{lycee.uai.lower()}.ac-orleans-tours.fr", lycee.etablissement_id)
                )
                staff_links.append((staff_id, first + k))
            guardian_ids = [g for ids in lycee.legal_guardians.values() for g in ids[:1]]
            first = self.ids.take(User, len(guardian_ids))
            for k, guardian_id in enumerate(guardian_ids):
                lycee.guardian_user_ids[guardian_id] = first + k
                rows.append((first + k, f"famille{guardian_id}@example.org", lycee.etablissement_id))
                guardian_links.append((guardian_id, first + k))
        self._copy(
            User,
            [
                "id",
                "password",
                "email",
                "first_name",
                "last_name",
                "etablissement_id",
                "is_active",
                "is_staff",
                "is_superuser",
                "date_joined",
            ],
            ((uid, self.password_hash, email, "", "", etab, True, False, False, now) for uid, email, etab in rows),
        )
        from django.db import connection

        with connection.cursor() as cursor:
            # Tie the people to their accounts in two set-based updates.
            for model, links in ((Staff, staff_links), (Guardian, guardian_links)):
                if not links:
                    continue
                cursor.execute("CREATE TEMP TABLE tmp_links (person_id bigint, user_id bigint)")
                self.rows += copy_rows("tmp_links", ["person_id", "user_id"], links)
                cursor.execute(
                    f'UPDATE "{table(model)}" p SET user_id = t.user_id FROM tmp_links t WHERE p.id = t.person_id'  # noqa: S608
                )
                cursor.execute("DROP TABLE tmp_links")
