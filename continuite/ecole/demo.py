"""The demo lycée: a realistic, fictitious school, built through the directory's services.

Deterministic (a seeded random generator), so that two runs give the same people and the second
run finds everything in place and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from continuite.accounts.models import User
from continuite.accounts.services import account_create_for

from . import services
from .models import Division, Etablissement, Group, GroupKind, Guardian, GuardianLink, LinkKind, Staff, Student

DEMO_UAI = "0459999Z"
DEMO_PASSWORD = "Continuite-demo-2026"

LAST_NAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy "
    "Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller "
    "Lefevre Faure Andre Mercier Blanc Guerin Boyer Garnier Chevalier Francois Legrand Gauthier Garcia "
    "Perrin Robin Clement Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont "
    "Marie Lemaire Noel Meyer Dufour Meunier Brun Blanchard Giraud Joly Riviere Lucas Brunet Gaillard "
    "Barbier Arnaud Martinez Gerard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre "
    "Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoit Rey Leclerc Payet "
    "Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis "
    "Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier Marty "
    "Aubry Guyot Carre Charles Renault Charpentier Menard Maillard Baron Bertin Bailly Herve Schneider"
).split()
GIRL_NAMES = (
    "Léa Emma Chloé Manon Camille Inès Jade Louise Lina Zoé Sarah Lola Eva Juliette Clara Anna Alice "
    "Romane Mila Ambre Léna Rose Lucie Nina Maëlys Agathe Margaux Jeanne Salomé Yasmine Aya Maya Lou Elsa"
).split()
BOY_NAMES = (
    "Lucas Hugo Louis Gabriel Arthur Jules Raphaël Adam Nathan Ethan Paul Tom Léo Noah Sacha Mathis "
    "Théo Maël Noé Timéo Enzo Baptiste Axel Antoine Yanis Rayan Samuel Clément Victor Mohamed Aaron Malo"
).split()

SUBJECTS = [
    ("FRANC", "Français"),
    ("MATHS", "Mathématiques"),
    ("HG", "Histoire-géographie"),
    ("ANG", "Anglais"),
    ("ESP", "Espagnol"),
    ("ALL", "Allemand"),
    ("SES", "Sciences économiques et sociales"),
    ("SVT", "Sciences de la vie et de la Terre"),
    ("PC", "Physique-chimie"),
    ("EPS", "Éducation physique et sportive"),
    ("PHILO", "Philosophie"),
    ("SNT", "Sciences numériques et technologie"),
    ("NSI", "Numérique et sciences informatiques"),
    ("HGGSP", "Histoire-géo, géopolitique et sciences politiques"),
    ("HLP", "Humanités, littérature et philosophie"),
    ("ENSSCI", "Enseignement scientifique"),
]
CORE_BY_LEVEL = {
    "2nde": ["FRANC", "MATHS", "HG", "ANG", "ESP", "SES", "SVT", "PC", "EPS", "SNT"],
    "1ere": ["FRANC", "HG", "ANG", "ESP", "EPS", "ENSSCI"],
    "Tle": ["PHILO", "HG", "ANG", "ESP", "EPS", "ENSSCI"],
}
SPECIALITES = ["MATHS", "SES", "SVT", "PC", "HGGSP", "HLP", "NSI"]
DIVISIONS_PER_LEVEL = 8
STUDENTS_PER_DIVISION = 35


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str


DEMO_ACCOUNTS = [
    DemoAccount("Direction (proviseure)", "direction@demo.continuite.fr"),
    DemoAccount("Gestionnaire", "gestion@demo.continuite.fr"),
    DemoAccount("CPE", "cpe@demo.continuite.fr"),
    DemoAccount("Référent numérique", "referent@demo.continuite.fr"),
    DemoAccount("Enseignant (SES)", "enseignant@demo.continuite.fr"),
    DemoAccount("Professeur principal de 1G3", "pp@demo.continuite.fr"),
    DemoAccount("Parent (responsable légal)", "parent@demo.continuite.fr"),
    DemoAccount("Élève de 1G3", "eleve@demo.continuite.fr"),
]


def school_year_bounds(today: dt.date) -> tuple[str, dt.date, dt.date]:
    first = today.year if today.month >= 8 else today.year - 1
    return f"{first}-{first + 1}", dt.date(first, 9, 1), dt.date(first + 1, 7, 4)


def _person_name(rng: random.Random, girl: bool | None = None) -> tuple[str, str, str]:
    girl = rng.random() < 0.5 if girl is None else girl
    first = rng.choice(GIRL_NAMES if girl else BOY_NAMES)
    return rng.choice(LAST_NAMES).upper(), first, "Mme" if girl else "M."


def _ine(n: int) -> str:
    return f"{100000000 + n:09d}DE"


@transaction.atomic
def seed_directory(*, today: dt.date) -> Etablissement:
    """Build the demo lycée, or return it unchanged when it already exists."""
    existing = Etablissement.objects.filter(uai=DEMO_UAI).first()
    if existing is not None:
        return existing
    rng = random.Random(2026)
    etab = services.etablissement_create(
        uai=DEMO_UAI,
        name="Lycée des Trois Rivières (démo)",
        city="Orléans",
        holiday_zone="B",
        contact_email="secretariat@demo.continuite.fr",
        dpo_email="dpd@demo.continuite.fr",
    )
    label, start, end = school_year_bounds(today)
    year = services.school_year_create(etablissement=etab, label=label, start=start, end=end, current=True)
    subjects = {code: services.subject_create(etablissement=etab, code=code, label=name) for code, name in SUBJECTS}

    def staff(last, first, civ, email="", **roles) -> Staff:
        return services.staff_create(
            etablissement=etab, last_name=last, first_name=first, civility=civ, email=email, **roles
        )

    direction = staff("LAMBERT", "Hélène", "Mme", "direction@demo.continuite.fr", is_direction=True)
    staff("ROCHE", "Patrick", "M.", "adjoint@demo.continuite.fr", is_direction=True)
    gestion = staff("COLIN", "Sandrine", "Mme", "gestion@demo.continuite.fr", is_gestionnaire=True)
    cpe = staff("FABRE", "Karim", "M.", "cpe@demo.continuite.fr", is_cpe=True)
    staff("MOULIN", "Nadia", "Mme", "cpe2@demo.continuite.fr", is_cpe=True)
    referent = staff(
        "VIDAL", "Julien", "M.", "referent@demo.continuite.fr", is_referent_numerique=True, is_teacher=True
    )
    ses_teacher = staff("MARTIN", "Claire", "Mme", "enseignant@demo.continuite.fr", is_teacher=True)
    tutor = staff("GARNIER", "Thomas", "M.", "pp@demo.continuite.fr", is_teacher=True)

    # Teachers by subject: enough for ~4 divisions each, about 60 staff in all.
    teachers: dict[str, list[Staff]] = {code: [] for code, _name in SUBJECTS}
    teachers["SES"].append(ses_teacher)
    teachers["HG"].append(tutor)
    teachers["NSI"].append(referent)
    teachers["SNT"].append(referent)
    counts = {
        "FRANC": 5,
        "MATHS": 5,
        "HG": 5,
        "ANG": 5,
        "ESP": 4,
        "ALL": 1,
        "SES": 3,
        "SVT": 3,
        "PC": 4,
        "EPS": 5,
        "PHILO": 2,
        "SNT": 2,
        "NSI": 1,
        "HGGSP": 1,
        "HLP": 1,
        "ENSSCI": 3,
    }
    n = 0
    for code, wanted in counts.items():
        while len(teachers[code]) < wanted:
            n += 1
            last, first, civ = _person_name(rng)
            teachers[code].append(staff(last, first, civ, f"prof{n:02d}@demo.continuite.fr", is_teacher=True))

    def teacher_for(code: str, index: int) -> Staff:
        pool = teachers[code]
        return pool[index % len(pool)]

    divisions: dict[str, list[Division]] = {}
    prefixes = {"2nde": "2", "1ere": "1G", "Tle": "TG"}
    for level, prefix in prefixes.items():
        divisions[level] = []
        for i in range(1, DIVISIONS_PER_LEVEL + 1):
            code = f"{prefix}{i:02d}" if level == "2nde" else f"{prefix}{i}"
            division = services.division_create(school_year=year, code=code, level=level)
            divisions[level].append(division)
            for j, subject_code in enumerate(CORE_BY_LEVEL[level]):
                services.teaching_assignment_create(
                    staff=teacher_for(subject_code, i + j), subject=subjects[subject_code], division=division
                )
            tutor_for_division = tutor if code == "1G3" else teacher_for(CORE_BY_LEVEL[level][i % 3], i)
            services.staff_set_form_tutor(staff=tutor_for_division, division=division)
    services.teaching_assignment_create(staff=ses_teacher, subject=subjects["SES"], division=divisions["2nde"][0])
    services.teaching_assignment_create(staff=ses_teacher, subject=subjects["SES"], division=divisions["2nde"][1])

    # Spécialité groups: each draws from half of the level's divisions.
    spe_groups: dict[str, list] = {"1ere": [], "Tle": []}
    for level, prefix in (("1ere", "1"), ("Tle", "T")):
        halves = [divisions[level][:4], divisions[level][4:]]
        for spe in SPECIALITES:
            for k, members in enumerate(halves, start=1):
                group = services.group_create(
                    school_year=year,
                    code=f"{prefix}SPE{spe}{k}",
                    label=f"Spécialité {subjects[spe].label} ({prefix}{k})",
                    kind=GroupKind.SPECIALITE,
                    divisions=members,
                )
                spe_groups[level].append((spe, k, group))
                owner = ses_teacher if spe == "SES" and level == "1ere" and k == 1 else teacher_for(spe, k + len(level))
                services.teaching_assignment_create(staff=owner, subject=subjects[spe], group=group)

    # 840 students and ~1,500 guardians: built in memory (each checked as its model says), written in a
    # few bulk inserts (the demo is rebuilt by many tests; one by one it took most of its time).
    halves = {(g.division_id, g.half): g for g in Group.objects.filter(division__school_year=year).exclude(half="")}
    students: list[tuple[Student, list]] = []
    families: list[list[tuple[Guardian, str, str]]] = []
    student_number = 0
    demo_student = None
    for level, level_divisions in divisions.items():
        for d_index, division in enumerate(level_divisions):
            for s in range(STUDENTS_PER_DIVISION):
                student_number += 1
                girl = rng.random() < 0.52
                last, first, _civ = _person_name(rng, girl)
                age = {"2nde": 15, "1ere": 16, "Tle": 17}[level]
                birth = dt.date(start.year - age, 1, 1) + dt.timedelta(days=rng.randrange(365))
                groups = []
                if level != "2nde":
                    k = 1 if d_index < 4 else 2
                    options = [g for spe, kk, g in spe_groups[level] if kk == k]
                    groups = rng.sample(options, 3 if level == "1ere" else 2)
                is_demo = division.code == "1G3" and s == 0
                if is_demo:
                    last, first = "DURAND", "Léa"
                    ses_group = next(g for spe, kk, g in spe_groups["1ere"] if spe == "SES" and kk == 1)
                    maths_group = next(g for spe, kk, g in spe_groups["1ere"] if spe == "MATHS" and kk == 1)
                    hggsp_group = next(g for spe, kk, g in spe_groups["1ere"] if spe == "HGGSP" and kk == 1)
                    groups = [ses_group, maths_group, hggsp_group]
                student = Student(
                    etablissement=etab,
                    ine=_ine(student_number),
                    last_name=last,
                    first_name=first,
                    birth_date=birth,
                    division=division,
                    entry_date=start,
                )
                student.full_clean(validate_unique=False, validate_constraints=False)
                half = halves[(division.pk, "A" if s % 2 == 0 else "B")]
                students.append((student, [*groups, half]))
                if is_demo:
                    demo_student = student
                families.append(_family(rng, etab, student, is_demo))
    _save_students_and_families(students, families)

    # Demo accounts, one per role.
    for person in (direction, gestion, cpe, referent, ses_teacher, tutor):
        account_create_for(person=person, password=DEMO_PASSWORD)
    parent = Guardian.objects.get(etablissement=etab, email="parent@demo.continuite.fr")
    account_create_for(person=parent, password=DEMO_PASSWORD)
    _student_account(demo_student)
    return etab


def _family(
    rng: random.Random, etab: Etablissement, student: Student, is_demo: bool
) -> list[tuple[Guardian, str, str]]:
    """The student's legal guardians, not yet saved: (guardian, kind of link, relationship)."""
    family = student.last_name
    mother_first = rng.choice(GIRL_NAMES)
    mother = Guardian(
        etablissement=etab,
        civility="Mme",
        last_name=family,
        first_name="Sophie" if is_demo else mother_first,
        email="parent@demo.continuite.fr" if is_demo else f"famille.{student.ine.lower()}@example.org",
        mobile=f"06 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
        accepts_sms=rng.random() < 0.7,
    )
    guardians = [(mother, LinkKind.LEGAL_1, "Mère")]
    if is_demo or rng.random() < 0.75:
        # One family in five gave the school no email for the second guardian, only a telephone: notices
        # to it are printed and followed by a call (the suivi's demo shows one).
        by_post = not is_demo and int(student.ine[:9]) % 5 == 2
        father = Guardian(
            etablissement=etab,
            civility="M.",
            last_name=family,
            first_name="Marc" if is_demo else rng.choice(BOY_NAMES),
            email="" if by_post else f"parent2.{student.ine.lower()}@example.org",
            mobile=f"07 00 00 {student.ine[5:7]} {student.ine[7:9]}" if by_post else "",
        )
        guardians.append((father, LinkKind.LEGAL_2, "Père"))
    for guardian, _kind, _relationship in guardians:
        guardian.full_clean(validate_unique=False, validate_constraints=False)
    return guardians


def _save_students_and_families(students, families) -> None:
    """The students with their groups (half-group included), their guardians and the links: five inserts."""
    Student.objects.bulk_create([student for student, _groups in students])
    Membership = Student.groups.through
    Membership.objects.bulk_create(
        [Membership(student_id=student.pk, group_id=group.pk) for student, groups in students for group in groups]
    )
    guardians = [guardian for family in families for guardian, _kind, _relationship in family]
    Guardian.objects.bulk_create(guardians)
    GuardianLink.objects.bulk_create(
        [
            GuardianLink(guardian=guardian, student=student, kind=kind, relationship=relationship)
            for (student, _groups), family in zip(students, families, strict=True)
            for guardian, kind, relationship in family
        ]
    )


def _student_account(student: Student) -> None:
    """Students have no email in SIECLE (the ENT logs them in): the demo gives one to its pupil."""
    account_create_for(person=student, email="eleve@demo.continuite.fr", password=DEMO_PASSWORD)


def demo_logins() -> list[tuple[str, str, bool]]:
    existing = set(User.objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS]).values_list("email", flat=True))
    return [(account.role, account.email, account.email in existing) for account in DEMO_ACCOUNTS]
