"""Demo: a SIECLE students' file of this week, checked and waiting for the direction's "Appliquer".

Built from the demo lycée's own students (so that applying it changes little): one student moves
to another class, one announces a leaving date ten days ahead. Idempotent.
"""

from __future__ import annotations

import datetime as dt

from continuite.ecole.models import Division, Student
from continuite.ecole.services import current_school_year

from . import samples
from .models import ImportJob, ImportKind
from .services import import_check, import_job_create


def seed(*, etablissement, today: dt.date) -> None:
    if ImportJob.objects.filter(etablissement=etablissement).exists():
        return
    from continuite.accounts.models import User

    year = current_school_year(etablissement)
    # The demo lycée is as if imported from SIECLE before: its students carry their ELEVE_ID.
    for student in Student.objects.filter(etablissement=etablissement, siecle_id="").only("pk"):
        Student.objects.filter(pk=student.pk).update(siecle_id=str(100000 + student.pk))
    students = list(
        Student.objects.filter(etablissement=etablissement, exit_date__isnull=True, division__isnull=False)
        .select_related("division")
        .prefetch_related("groups")
        .order_by("pk")
    )
    if len(students) < 2:
        return
    pupils = [
        samples.Pupil(
            s.siecle_id,
            s.ine,
            s.last_name,
            s.first_name,
            s.division.code,
            [g.code for g in s.groups.all() if g.kind != "demi"],
            birth=s.birth_date.strftime("%d/%m/%Y") if s.birth_date else "",
        )
        for s in students
    ]
    other = Division.objects.filter(school_year=year).exclude(pk=students[0].division_id).first()
    if other is not None:
        pupils[0].division, pupils[0].groups = other.code, []
    pupils[1].exit_date = (today + dt.timedelta(days=10)).strftime("%d/%m/%Y")
    school = samples.Lycee(etablissement.uai, year.start.year, [], {}, [], [], pupils, [], [])
    job = import_job_create(
        etablissement=etablissement,
        kind=ImportKind.SIECLE_ELEVES,
        filename="ElevesSansAdresses.xml",
        content=samples.eleves_xml(school, encoding="ISO-8859-15"),
        created_by=User.objects.filter(email="direction@demo.continuite.fr").first(),
    )
    import_check(job)
