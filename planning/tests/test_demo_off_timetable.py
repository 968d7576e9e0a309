import datetime as dt

import pytest

from continuite.ecole.demo import seed_directory
from continuite.ecole.models import Student
from planning import demo
from planning.models import Homework, Session
from planning.selectors import student_week

TODAY = dt.date(2026, 11, 29)  # a Sunday: the current week and the next are both seeded


@pytest.mark.django_db
def test_it_seeds_work_with_subjects_and_an_off_timetable_session_on_both_weeks():
    etablissement = seed_directory(today=TODAY)
    demo.seed(etablissement=etablissement, today=TODAY)
    off = Session.objects.filter(etablissement=etablissement, slot__isnull=True).order_by("date")
    assert [(s.date, s.group.code, str(s.subject)) for s in off] == [
        (dt.date(2026, 11, 25), "1SPESES1", "Sciences économiques et sociales"),
        (dt.date(2026, 12, 2), "1SPESES1", "Sciences économiques et sociales"),
    ]
    work = Homework.objects.filter(etablissement=etablissement)
    assert not work.filter(subject__isnull=True).exists()
    assert not work.filter(instructions="").exists()
    qcm = work.get(title="QCM chapitre 4")
    assert qcm.heading == "Sciences économiques et sociales — Évaluation : QCM chapitre 4"
    assert qcm.session == off.last() and qcm.link.startswith("https://lycees.netocentre.fr/moodle/")
    # What the demo's student of the 1G3 reads next week.
    student = Student.objects.get(user__email="eleve@demo.continuite.fr")
    headings = [h.heading for h in student_week(student, dt.date(2026, 11, 30)).homework]
    assert headings and all(" — " in h for h in headings)
