"""The home pages read as each role reads them: today's and the next school day's sessions, the work due.

Monday 30 November 2026 is a school day (week 49); Sunday 29 November is not; 21 December is in the
Christmas holidays (zone B).
"""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from continuite.ecole.tests.factories import (
    DivisionFactory,
    GuardianLinkFactory,
    StudentFactory,
    SubjectFactory,
    TeachingAssignmentFactory,
)
from planning.models import HomeworkKind, Modality, SchoolDay, Session
from planning.tests.factories import HomeworkFactory, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
SUNDAY = dt.datetime(2026, 11, 29, 11, 0, tzinfo=dt.UTC)
FRIDAY = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)


def text(response) -> str:
    """The page's words, tags removed and spaces collapsed."""
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


@pytest.fixture
def week(calendar):
    """The 1G3's Monday and Tuesday, its SES spécialité on Tuesday, work due on Tuesday and Wednesday."""
    w = calendar
    maths = SubjectFactory(etablissement=w.etablissement, code="MATHS", label="Mathématiques")
    monday_slot = SlotFactory(division=w.division, subject=w.subject, teachers=[w.teacher], weekday=0)
    SlotFactory(division=w.division, subject=maths, teachers=[w.tutor], weekday=0, start=dt.time(10), end=dt.time(11))
    SlotFactory(
        group=w.spe_group, subject=w.subject, teachers=[w.teacher], weekday=1, start=dt.time(14), end=dt.time(16)
    )
    # Monday's SES hour is a virtual class with its link; the student may open it.
    SessionFactory(
        division=w.division,
        subject=w.subject,
        teachers=[w.teacher],
        slot=monday_slot,
        date=dt.date(2026, 11, 30),
        modality=Modality.VISIO,
        link="https://visio.netocentre.fr/b/ses-1g3",
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
    # Work given before homework had a subject: the teacher's only subject for the 1G3 is shown.
    HomeworkFactory(
        division=w.division,
        created_by=w.teacher,
        title="Lecture du dossier",
        kind=HomeworkKind.READING,
        due_date=dt.date(2026, 12, 2),
        estimated_minutes=20,
    )
    return w


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return text(response)


def test_it_shows_the_student_today_and_tomorrow_on_a_weekday(week, client):
    with time_machine.travel(MONDAY, tick=False):
        page = home(client, week.user("student"))
    assert "Aujourd'hui, lundi 30 novembre" in page
    assert "Demain, mardi 1er décembre" in page
    assert "Pas de cours aujourd'hui" not in page
    assert "08:00–09:00 · Sciences économiques et sociales Classe virtuelle" in page
    assert "10:00–11:00 · Mathématiques En présence" in page
    assert "14:00–16:00 · Sciences économiques et sociales En présence" in page


def test_it_lists_the_student_work_due_with_its_subject_kind_and_minutes(week, client):
    with time_machine.travel(MONDAY, tick=False):
        page = home(client, week.user("student"))
    assert (
        "Pour le mardi 1er décembre · Sciences économiques et sociales · QCM chapitre 3 · Évaluation · environ 30 min"
        in page
    )
    assert "Pour le mercredi 2 décembre · Sciences économiques et sociales · Lecture du dossier · Lecture" in page
    assert "Rien à rendre" not in page
    assert "Aucun travail à rendre" not in page


def test_it_gives_the_student_the_link_of_his_virtual_class(week, client):
    with time_machine.travel(MONDAY, tick=False):
        client.force_login(week.user("student"))
        page_html = client.get(reverse("home")).content.decode()
    assert 'href="https://visio.netocentre.fr/b/ses-1g3"' in page_html
    assert "Rejoindre la classe virtuelle" in page_html


def test_it_names_the_next_school_days_on_a_sunday(week, client):
    with time_machine.travel(SUNDAY, tick=False):
        page = home(client, week.user("student"))
    assert "Pas de cours aujourd'hui. Prochain jour de classe : lundi 30 novembre." in page
    assert "Lundi 30 novembre" in page
    assert "Mardi 1er décembre" in page
    assert "Aujourd'hui," not in page
    assert "comme à l'emploi du temps" not in page
    assert "QCM chapitre 3" in page


def test_it_jumps_the_weekend_after_a_friday(week, client):
    with time_machine.travel(FRIDAY, tick=False):
        page = home(client, week.user("student"))
    assert "Aujourd'hui, vendredi 4 décembre" in page
    assert "Lundi 7 décembre" in page
    assert "Demain" not in page


def test_it_names_the_holiday_and_the_day_classes_resume(week, client):
    holiday = SchoolDay.objects.get(etablissement=week.etablissement, date=dt.date(2026, 12, 21))
    assert holiday.is_holiday
    with time_machine.travel(dt.datetime(2026, 12, 21, 9, 0, tzinfo=dt.UTC), tick=False):
        page = home(client, week.user("student"))
    assert f"Pas de cours aujourd'hui ({holiday.holiday_name})." in page
    assert "Prochain jour de classe : lundi 4 janvier." in page


def test_it_tells_the_student_which_half_is_remote_in_a_hybrid_session(week, client):
    session = SessionFactory(
        division=week.division,
        subject=week.subject,
        teachers=[week.teacher],
        date=dt.date(2026, 12, 1),
        start=dt.time(9),
        end=dt.time(10),
        modality=Modality.HYBRIDE,
        hybrid_room_half="A",
        hybrid_remote_mode="live",
        link="https://visio.netocentre.fr/b/hybride",
    )
    with time_machine.travel(MONDAY, tick=False):
        page = home(client, week.user("student"))
    assert session.hybrid_room_half == "A"  # Léa is in half A: she is in the room
    assert "Vous êtes en classe (votre demi-groupe)." in page
    assert "visio.netocentre.fr/b/hybride" not in page


def test_it_shows_the_parent_one_block_per_child_with_his_links(week, client):
    brother = StudentFactory(division=week.division2, first_name="Noé", last_name="DURAND")
    GuardianLinkFactory(guardian=week.guardian, student=brother, kind="legal1")
    with time_machine.travel(MONDAY, tick=False):
        client.force_login(week.user("parent"))
        response = client.get(reverse("home"))
    page = text(response)
    body = response.content.decode()
    assert "Léa (1G3) : cours et travail" in page
    assert "Noé (1G4) : cours et travail" in page
    assert "QCM chapitre 3" in page
    assert f'href="{reverse("planning:my_week")}?eleve={week.student.pk}"' in body
    assert f'href="{reverse("planning:my_week")}?eleve={brother.pk}"' in body
    assert f'href="{reverse("suivi:family_absences")}"' in body
    assert f'href="{reverse("notifications:list")}"' in body
    # Noé's block has no Tuesday spécialité and no work: his 1G4 has none
    noe = page[page.index("Noé (1G4)") :]
    assert "Aucun travail à rendre dans les 7 prochains jours." in noe


def test_it_shows_the_teacher_his_day_with_a_register_for_the_virtual_class(week, client):
    SlotFactory(
        division=week.division2,
        subject=week.subject,
        teachers=[week.teacher],
        weekday=0,
        start=dt.time(11),
        end=dt.time(12),
    )
    with time_machine.travel(MONDAY, tick=False):
        client.force_login(week.user("teacher"))
        response = client.get(reverse("home"))
    page, body = text(response), response.content.decode()
    assert "Aujourd'hui, lundi 30 novembre" in page
    assert "08:00–09:00 · Sciences économiques et sociales · 1G3 Classe virtuelle Faire l'appel" in page
    assert "11:00–12:00 · Sciences économiques et sociales · 1G4 En présence" in page
    session = Session.objects.get(modality=Modality.VISIO)
    assert len(re.findall(r'href="/suivi/registres/\d+/"', body)) == 1  # the 11:00 hour in class has none
    assert f'href="{reverse("suivi:register_take", args=[session.pk])}"' in body


def test_it_shows_the_teacher_the_work_due_in_his_classes(week, client):
    HomeworkFactory(
        division=week.division, created_by=week.tutor, title="Carte à compléter", due_date=dt.date(2026, 12, 3)
    )
    with time_machine.travel(MONDAY, tick=False):
        page = home(client, week.user("teacher"))
    assert "Pour le mardi 1er décembre · Spécialité SES · Sciences économiques et sociales · QCM chapitre 3" in page
    assert "(donné par vous)" in page
    assert "Pour le jeudi 3 décembre · 1G3 · Histoire-géographie · Carte à compléter" in page


def test_it_shows_the_teacher_his_next_day_with_classes_on_a_sunday(week, client):
    with time_machine.travel(SUNDAY, tick=False):
        page = home(client, week.user("teacher"))
    assert "Pas de cours aujourd'hui. Vos prochains cours : lundi 30 novembre." in page
    assert "08:00–09:00 · Sciences économiques et sociales · 1G3" in page


def test_it_shows_the_tutor_his_division_load_this_week(week, client):
    HomeworkFactory(
        division=week.division,
        created_by=week.tutor,
        title="Exposé",
        due_date=dt.date(2026, 12, 1),
        estimated_minutes=150,
    )
    parity = SchoolDay.objects.get(etablissement=week.etablissement, date=dt.date(2026, 11, 30)).week_parity
    with time_machine.travel(SUNDAY, tick=False):
        client.force_login(week.user("tutor"))
        response = client.get(reverse("home"))
    page, body = text(response), response.content.decode()
    assert "Charge de ma classe 1G3" in page
    assert f"Semaine 49 ({parity}) du 30 novembre au 4 décembre" in page
    assert "Mardi 1er décembre : travail à faire" in page
    assert "Mardi 1er décembre 0 min 180 min · au-dessus du seuil 1" in page
    assert f'href="{reverse("planning:division_load", args=[week.division.pk])}?semaine=2026-11-30"' in body
    assert f'href="{reverse("planning:division_timetable", args=[week.division.pk])}?semaine=2026-11-30"' in body


def more_data(w):
    """A bigger school: more slots, sessions, work (with and without subject), children and students."""
    for n in range(4):
        division = DivisionFactory(school_year=w.division.school_year, code=f"2{n:02d}")
        TeachingAssignmentFactory(staff=w.teacher, subject=w.subject, division=division)
        TeachingAssignmentFactory(staff=w.tutor, subject=w.subject, division=division)
        slot = SlotFactory(
            division=division, subject=w.subject, teachers=[w.teacher], weekday=0, start=dt.time(13), end=dt.time(14)
        )
        SessionFactory(
            division=division,
            subject=w.subject,
            teachers=[w.teacher],
            slot=slot,
            date=dt.date(2026, 11, 30),
            start=dt.time(13),
            end=dt.time(14),
            # links the policy allows and one it refuses now: checked in memory, no query per link
            link="https://discord.gg/x" if n == 3 else f"https://visio.netocentre.fr/b/{n}",
        )
        HomeworkFactory(division=division, created_by=w.teacher, due_date=dt.date(2026, 12, 2))
        child = StudentFactory(division=division)
        GuardianLinkFactory(guardian=w.guardian, student=child, kind="legal1")
        StudentFactory(division=w.division).groups.set([w.spe_group, w.half_b])
        w.division.form_tutors.add(w.tutor)
        for k in range(3):
            SlotFactory(
                division=w.division,
                subject=w.subject,
                teachers=[w.tutor],
                weekday=k,
                start=dt.time(15),
                end=dt.time(16),
            )
            HomeworkFactory(
                division=w.division, subject=w.subject, created_by=w.tutor, due_date=dt.date(2026, 12, 1 + k)
            )
        division.form_tutors.add(w.tutor)


# A home read again, its panels and sections from the cache: the session, the user and what no cache
# keeps (a parent's notices to acknowledge: the outbox's rows; the direction's imports waiting).
CACHED = {"teacher": 2, "tutor": 2, "direction": 3, "cpe": 2, "parent": 3, "student": 2}


@pytest.mark.parametrize("grow", [False, True], ids=["small", "bigger"])
@pytest.mark.parametrize(
    "role,expected",
    [
        # session, user; planning: his groups and halves, the school days, the two days' slots, their
        # sessions, the work due, its authors' subjects (some work has none), his "done" marks; home:
        # his division and its form tutors (2), his groups; the link policy (the school's catalogue with
        # its allowed domains, one query for all the links shown)
        ("student", 13),
        # session, user; planning: his children, their groups, the school days, slots, sessions, work,
        # authors' subjects, "done" marks; equipment: agreements to accept; home: children, their groups;
        # suivi: his children's absences to justify, the notices to acknowledge; whether the school shows
        # guardians the session links
        ("parent", 16),
        # session, user; planning: school days, his slots, the sessions naming him, the sessions, his
        # assignments, the work due in his classes, authors' subjects, his past registers not taken;
        # home: his assignments; the link policy (the school's catalogue with its allowed domains, one
        # query for all his links)
        ("teacher", 12),
        # the teacher's twelve but the link policy (none of the tutor's sessions has a link; his tutored
        # divisions come with the user); planning: the thresholds, the divisions, the week's days, the
        # students' loads (one aggregate); home: the division, its students, their groups
        ("tutor", 18),
    ],
)
def test_it_renders_each_home_with_a_fixed_number_of_queries(
    week, client, django_assert_num_queries, role, expected, grow
):
    if grow:
        more_data(week)
    with time_machine.travel(MONDAY, tick=False):
        client.force_login(week.user(role))
        client.get(reverse("home"))  # the first page after login refreshes the session's expiry
        cache.clear()  # the panels and sections the first page kept: read them from the database
        with django_assert_num_queries(expected):
            response = client.get(reverse("home"))
        with django_assert_num_queries(CACHED[role]):  # from the cache: what is never kept (see CACHED)
            again = client.get(reverse("home"))
    assert again.status_code == 200
    assert "Lecture du dossier" in text(response)
