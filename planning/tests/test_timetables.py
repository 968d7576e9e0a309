"""Timetables of a division, a group and a student, as the form tutor, the CPE and the direction read them."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from continuite.ecole.tests.factories import DivisionFactory, StudentFactory, SubjectFactory
from planning.models import HomeworkKind, Modality, SchoolDay
from planning.tests.factories import HomeworkFactory, SessionFactory, SlotFactory
from planning.tests.test_home import text

pytestmark = pytest.mark.django_db

WEEK = "?semaine=2026-11-30"


@pytest.fixture
def timetable(calendar):
    w = calendar
    maths = SubjectFactory(etablissement=w.etablissement, code="MATHS", label="Mathématiques", short_label="Maths")
    monday = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    SlotFactory(division=w.division, subject=maths, teachers=[w.tutor], weekday=1, start=dt.time(10), end=dt.time(11))
    SlotFactory(
        group=w.spe_group, subject=w.subject, teachers=[w.teacher], weekday=1, start=dt.time(14), end=dt.time(16)
    )
    SlotFactory(division=w.division2, subject=maths, teachers=[w.tutor], weekday=2)  # not the 1G3's
    SessionFactory(
        division=w.division,
        subject=w.subject,
        teachers=[w.teacher],
        slot=monday,
        date=dt.date(2026, 11, 30),
        modality=Modality.HYBRIDE,
        hybrid_room_half="A",
        hybrid_remote_mode="live",
        link="https://visio.netocentre.fr/b/secret",
    )
    HomeworkFactory(
        group=w.spe_group,
        subject=w.subject,
        created_by=w.teacher,
        title="QCM chapitre 3",
        kind=HomeworkKind.ASSESSMENT,
        due_date=dt.date(2026, 12, 1),
        estimated_minutes=30,
    )
    HomeworkFactory(division=w.division2, created_by=w.tutor, title="Travail de la 1G4", due_date=dt.date(2026, 12, 1))
    return w


def read(client, user, url) -> tuple[str, str]:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return text(response), response.content.decode()


def test_it_shows_the_form_tutor_his_division_week(timetable, client):
    w = timetable
    parity = SchoolDay.objects.get(etablissement=w.etablissement, date=dt.date(2026, 11, 30)).week_parity
    url = reverse("planning:division_timetable", args=[w.division.pk]) + WEEK
    page, html = read(client, w.user("tutor"), url)
    assert "Emploi du temps de la 1G3" in page
    assert f"Semaine 49 ({parity}) du 30 novembre au 4 décembre" in page
    assert "Lundi 30 novembre" in page and "Mardi 1er décembre" in page
    # The hybrid session has a half in the room: not counted "à distance", said apart.
    assert (
        "3 séances cette semaine, dont 0 à distance · 1 travail à rendre · "
        "1 séance hybride (un demi-groupe en classe, l'autre à distance)"
    ) in page
    assert "Hybride (demi-groupes) demi-groupe A en classe, demi-groupe B à distance" in page
    assert "Maths · 1G3 En présence" in page
    assert "Spécialité SES" in page  # the group his students attend
    assert "Sciences économiques et sociales · QCM chapitre 3 Évaluation · environ 30 min" in page
    assert "1G4" not in page
    assert "visio.netocentre.fr" not in html  # links are for the session's students and teachers
    assert 'href="?semaine=2026-11-23"' in html and 'href="?semaine=2026-12-07"' in html
    assert f'href="{reverse("planning:group_timetable", args=[w.spe_group.pk])}?semaine=2026-11-30"' in html
    assert f'href="{reverse("planning:division_load", args=[w.division.pk])}?semaine=2026-11-30"' in html


def test_it_shows_a_group_week_to_its_teacher(timetable, client):
    w = timetable
    url = reverse("planning:group_timetable", args=[w.spe_group.pk]) + WEEK
    page, _html = read(client, w.user("teacher"), url)
    assert "Emploi du temps : Spécialité SES" in page
    assert "1 séance cette semaine, dont 0 à distance · 1 travail à rendre" in page
    assert "14:00–16:00" in page
    assert "Maths" not in page  # the 1G3's own hours are not the group's


def test_it_shows_the_direction_a_student_week(timetable, client):
    w = timetable
    url = reverse("planning:student_timetable", args=[w.student.pk]) + WEEK
    page, html = read(client, w.user("direction"), url)
    assert "La semaine de Léa DURAND" in page
    assert "Classe 1G3 · groupes : 1G3-A, Spécialité SES" in page
    # The hybrid session has a half in the room: not counted "à distance", said apart.
    assert (
        "3 séances cette semaine, dont 0 à distance · 1 travail à rendre · "
        "1 séance hybride (un demi-groupe en classe, l'autre à distance)"
    ) in page
    assert "QCM chapitre 3" in page
    assert f'href="{reverse("planning:division_timetable", args=[w.division.pk])}?semaine=2026-11-30"' in html


def test_it_opens_the_coming_week_on_a_weekend(timetable, client):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(timetable.user("cpe"))
        page = text(client.get(reverse("planning:division_timetable", args=[timetable.division.pk])))
    assert "Semaine 49" in page


def test_it_links_the_division_and_student_pages_to_their_timetables(timetable, client):
    w = timetable
    client.force_login(w.user("tutor"))
    division_page = client.get(reverse("ecole:division_detail", args=[w.division.pk])).content.decode()
    assert f'href="{reverse("planning:division_timetable", args=[w.division.pk])}"' in division_page
    student_page = client.get(reverse("ecole:student_detail", args=[w.student.pk])).content.decode()
    assert f'href="{reverse("planning:student_timetable", args=[w.student.pk])}"' in student_page
    client.force_login(w.user("parent"))
    student_page = client.get(reverse("ecole:student_detail", args=[w.student.pk])).content.decode()
    assert f'href="{reverse("planning:my_week")}?eleve={w.student.pk}"' in student_page


def more_data(w):
    """More slots, sessions, work, groups and students: the pages must not cost more queries."""
    maths = SubjectFactory(etablissement=w.etablissement, code="M2", label="Maths 2")
    for n in range(4):
        for day in range(5):
            slot = SlotFactory(
                division=w.division, subject=maths, teachers=[w.tutor], weekday=day, start=dt.time(15), end=dt.time(16)
            )
            SessionFactory(
                division=w.division,
                subject=maths,
                slot=slot,
                date=dt.date(2026, 11, 30) + dt.timedelta(days=day),
                start=dt.time(15),
                end=dt.time(16),
                teachers=[w.tutor],
            )
            HomeworkFactory(
                division=w.division, created_by=w.tutor, due_date=dt.date(2026, 11, 30) + dt.timedelta(days=day)
            )
            HomeworkFactory(group=w.spe_group, created_by=w.teacher, due_date=dt.date(2026, 12, 1))
        other = DivisionFactory(school_year=w.division.school_year, code=f"1X{n}")
        StudentFactory(division=w.division).groups.set([w.spe_group, w.half_b])
        StudentFactory(division=other).groups.set([w.spe_group])


@pytest.mark.parametrize("grow", [False, True], ids=["small", "bigger"])
@pytest.mark.parametrize(
    "page,expected,cached",
    [
        # session, user (with the divisions he tutors), the division (gate), the groups of its students,
        # the week's days, the slots, the sessions, the work due, its authors' subjects; cached: the gate
        ("division", 9, 3),
        # session, user, the group (gate), the week's days, slots, sessions, work, authors' subjects;
        # the group's divisions (gate)
        ("group", 9, 4),
        # session, user, the student (gate); his groups, the week's days, slots, sessions, work with
        # "done", his half-group, authors' subjects; his groups with their names
        ("student", 11, 3),
    ],
)
def test_it_renders_each_timetable_with_a_fixed_number_of_queries(
    timetable, client, django_assert_num_queries, page, expected, cached, grow
):
    w = timetable
    # Work without a subject in each audience: the subjects' query runs at both sizes (it is skipped,
    # one query less, when every piece of work has its subject).
    HomeworkFactory(division=w.division, created_by=w.tutor, title="Sans matière", due_date=dt.date(2026, 12, 2))
    HomeworkFactory(group=w.spe_group, created_by=w.teacher, title="Sans matière", due_date=dt.date(2026, 12, 2))
    if grow:
        more_data(w)
    url = {
        "division": reverse("planning:division_timetable", args=[w.division.pk]),
        "group": reverse("planning:group_timetable", args=[w.spe_group.pk]),
        "student": reverse("planning:student_timetable", args=[w.student.pk]),
    }[page] + WEEK
    client.force_login(w.user("tutor"))
    client.get(url)
    cache.clear()  # the body, cached by the first request: read it again from the database
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert re.search(r"\d+ séances? cette semaine", text(response))
    with django_assert_num_queries(cached):  # the body from the cache: the reader's gate only
        again = client.get(url)
    assert text(again) == text(response)


def test_it_lets_a_teacher_read_only_the_divisions_he_teaches_or_draws_a_group_from(timetable, client):
    from continuite.ecole.tests.factories import StaffFactory, TeachingAssignmentFactory

    w = timetable
    spe_only = StaffFactory(etablissement=w.etablissement, is_teacher=True, email="spe@lycee.fr")
    TeachingAssignmentFactory(staff=spe_only, subject=w.subject, group=w.spe_group)
    stranger = StaffFactory(etablissement=w.etablissement, is_teacher=True, email="autre@lycee.fr")
    client.force_login(spe_only.user)
    assert client.get(reverse("planning:division_timetable", args=[w.division2.pk])).status_code == 200
    client.force_login(stranger.user)
    assert client.get(reverse("planning:division_timetable", args=[w.division2.pk])).status_code == 403
    assert client.get(reverse("planning:group_timetable", args=[w.spe_group.pk])).status_code == 403


def test_it_links_a_teacher_only_to_the_groups_whose_week_he_may_open(timetable, client):
    from continuite.ecole.tests.factories import StaffFactory, TeachingAssignmentFactory

    w = timetable
    colleague = StaffFactory(etablissement=w.etablissement, is_teacher=True, email="anglais@lycee.fr")
    TeachingAssignmentFactory(staff=colleague, subject=w.subject, division=w.division)
    group_week = reverse("planning:group_timetable", args=[w.spe_group.pk])
    page, html = read(client, colleague.user, reverse("planning:division_timetable", args=[w.division.pk]) + WEEK)
    # The group's sessions are in the division's grid; its own week is for its teachers (403 here).
    assert group_week not in html
    assert "Leurs séances figurent ci-dessus :" in page and "Spécialité SES" in page
    assert client.get(group_week).status_code == 403
    _page, html = read(client, w.user("teacher"), reverse("planning:division_timetable", args=[w.division.pk]) + WEEK)
    assert f'href="{group_week}?semaine=2026-11-30"' in html
    assert client.get(group_week).status_code == 200
