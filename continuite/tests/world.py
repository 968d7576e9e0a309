"""A small school with one account per role, and a second school: the tests' shared world.

``build_world()`` gives a ``World`` whose attributes later parts of the portal read (a division,
a student with two legal guardians, a spécialité group across two divisions, ...). Apps that need
more (sessions, cases, loans) add them in their own tests, starting from this world.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from continuite.accounts.models import User
from continuite.accounts.roles import Role
from continuite.ecole.models import Division, Etablissement, Group, Guardian, Staff, Student, Subject
from continuite.ecole.tests.factories import (
    DivisionFactory,
    EtablissementFactory,
    GroupFactory,
    GuardianFactory,
    GuardianLinkFactory,
    HalfGroupFactory,
    SchoolYearFactory,
    StaffFactory,
    StudentFactory,
    SubjectFactory,
    TeachingAssignmentFactory,
    UserFactory,
)

PASSWORD = "motdepasse-test"

# Every role of the permission matrix; "other" is the direction of another établissement.
MATRIX_ROLES = (
    "anonymous",
    "teacher",
    "tutor",
    "cpe",
    "direction",
    "gestionnaire",
    "referent",
    "parent",
    "student",
    "other",
)


@dataclass
class World:
    etablissement: Etablissement
    other_etablissement: Etablissement
    subject: Subject
    division: Division
    division2: Division
    other_division: Division
    spe_group: Group
    half_a: Group
    half_b: Group
    student: Student
    student2: Student
    other_student: Student
    guardian: Guardian
    guardian2: Guardian
    teacher: Staff
    tutor: Staff
    cpe: Staff
    direction: Staff
    gestionnaire: Staff
    referent: Staff
    other_direction: Staff
    users: dict[str, User | None] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return self.users[role]


def build_world() -> World:
    etab = EtablissementFactory(uai="0450001A", name="Lycée Jean Zay")
    year = SchoolYearFactory(etablissement=etab)
    other_etab = EtablissementFactory(uai="0370002B", name="Lycée Descartes")
    other_year = SchoolYearFactory(etablissement=other_etab)

    subject = SubjectFactory(etablissement=etab, code="SES", label="Sciences économiques et sociales")
    division = DivisionFactory(school_year=year, code="1G3")
    division2 = DivisionFactory(school_year=year, code="1G4")
    other_division = DivisionFactory(school_year=other_year, code="1G3")
    half_a = HalfGroupFactory(division=division, half="A")
    half_b = HalfGroupFactory(division=division, half="B")
    spe = GroupFactory(school_year=year, code="1SPESES", label="Spécialité SES", divisions=[division, division2])

    def staff(email: str, e=etab, **flags) -> Staff:
        defaults = {"is_teacher": False}
        defaults.update(flags)
        return StaffFactory(etablissement=e, email=email, **defaults)

    teacher = staff("prof@lycee.fr", is_teacher=True, first_name="Claire", last_name="MARTIN")
    tutor = staff("pp@lycee.fr", is_teacher=True, first_name="Thomas", last_name="GARNIER")
    division.form_tutors.add(tutor)
    cpe = staff("cpe@lycee.fr", is_cpe=True)
    direction = staff("direction@lycee.fr", is_direction=True)
    gestionnaire = staff("gestion@lycee.fr", is_gestionnaire=True)
    referent = staff("referent@lycee.fr", is_referent_numerique=True)
    other_direction = staff("direction@autre-lycee.fr", e=other_etab, is_direction=True)

    TeachingAssignmentFactory(staff=teacher, subject=subject, division=division)
    TeachingAssignmentFactory(staff=teacher, subject=subject, group=spe)
    TeachingAssignmentFactory(
        staff=tutor,
        subject=SubjectFactory(etablissement=etab, code="HG", label="Histoire-géographie"),
        division=division,
    )

    student_user = UserFactory(email="eleve@lycee.fr", etablissement=etab)
    student = StudentFactory(division=division, user=student_user, last_name="DURAND", first_name="Léa")
    student.groups.set([spe, half_a])
    student2 = StudentFactory(division=division2, last_name="PETIT", first_name="Hugo")
    student2.groups.set([spe])
    other_student = StudentFactory(division=other_division, last_name="AUTRE", first_name="Eva")

    parent_user = UserFactory(email="parent@lycee.fr", etablissement=etab)
    guardian = GuardianFactory(etablissement=etab, user=parent_user, last_name="DURAND", email="parent@lycee.fr")
    guardian2 = GuardianFactory(etablissement=etab, civility="M.", first_name="Marc", last_name="DURAND")
    GuardianLinkFactory(guardian=guardian, student=student, kind="legal1")
    GuardianLinkFactory(guardian=guardian2, student=student, kind="legal2")

    world = World(
        etablissement=etab,
        other_etablissement=other_etab,
        subject=subject,
        division=division,
        division2=division2,
        other_division=other_division,
        spe_group=spe,
        half_a=half_a,
        half_b=half_b,
        student=student,
        student2=student2,
        other_student=other_student,
        guardian=guardian,
        guardian2=guardian2,
        teacher=teacher,
        tutor=tutor,
        cpe=cpe,
        direction=direction,
        gestionnaire=gestionnaire,
        referent=referent,
        other_direction=other_direction,
    )
    world.users = {
        "anonymous": None,
        "teacher": teacher.user,
        "tutor": tutor.user,
        "cpe": cpe.user,
        "direction": direction.user,
        "gestionnaire": gestionnaire.user,
        "referent": referent.user,
        "parent": parent_user,
        "student": student_user,
        "other": other_direction.user,
    }
    return world


ROLE_OF = {
    "teacher": Role.ENSEIGNANT,
    "tutor": Role.PROF_PRINCIPAL,
    "cpe": Role.CPE,
    "direction": Role.DIRECTION,
    "gestionnaire": Role.GESTIONNAIRE,
    "referent": Role.REFERENT_NUMERIQUE,
    "parent": Role.PARENT,
    "student": Role.ELEVE,
    "other": Role.DIRECTION,
}
