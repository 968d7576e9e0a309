"""The planning's cached fragments are never stale: someone writes, another user reads the new value.

Each page is read once (its fragment cached), then another user writes — through a page, a service,
or a queryset update as an import would — and the page read again shows the write. Fragments are
keyed per audience: nothing of one reader reaches another.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from continuite.ecole.models import Division
from continuite.ecole.tests.factories import StaffFactory, TeachingAssignmentFactory
from outils.tests.factories import ToolFactory
from planning import services
from planning.models import Modality, Session
from planning.tests.factories import HomeworkFactory, SessionFactory, SlotFactory

MONDAY = dt.date(2026, 11, 30)
WEEK = f"?semaine={MONDAY.isoformat()}"

pytestmark = pytest.mark.django_db

# The session is read from the database, or from Redis when the cache is Redis (cached_db).
SESSION = 1 if settings.SESSION_ENGINE.endswith(".db") else 0


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def week(calendar):
    w = calendar
    services.planning_settings_get(etablissement=w.etablissement)
    slot = SlotFactory(
        division=w.division, subject=w.subject, teachers=[w.teacher], weekday=1, start=dt.time(10), end=dt.time(11)
    )
    w.session = SessionFactory(
        slot=slot,
        division=w.division,
        subject=w.subject,
        teachers=[w.teacher],
        date=MONDAY + dt.timedelta(days=1),
        start=dt.time(10),
        end=dt.time(11),
        modality=Modality.VISIO,
    )
    return w


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.text


def _cell_texts(page: str) -> str:
    return re.sub(r"\s+", " ", page)


def test_the_teachers_week_shows_a_change_made_by_the_direction(week, client):
    url = reverse("planning:week") + WEEK
    assert "Classe virtuelle" in _get(client, week.teacher.user, url)
    Session.objects.filter(pk=week.session.pk).update(modality=Modality.CANCELLED)  # as an import would
    page = _get(client, week.teacher.user, url)
    assert "Annulé" in page and "Classe virtuelle" not in page


def test_the_teachers_week_shows_a_session_added_by_a_colleague_through_the_page(week, client):
    url = reverse("planning:week") + WEEK
    before = _get(client, week.teacher.user, url)
    assert "Travail du lundi" not in before
    HomeworkFactory(division=week.division, created_by=week.teacher, title="Travail du lundi", due_date=MONDAY)
    assert "Travail du lundi" in _get(client, week.teacher.user, url)


def test_a_division_renamed_in_the_directory_shows_on_the_cached_grids(week, client):
    url = reverse("planning:week") + WEEK
    assert week.division.code in _get(client, week.teacher.user, url)
    Division.objects.filter(pk=week.division.pk).update(code="1G9")
    assert "1G9" in _get(client, week.teacher.user, url)


def test_a_tool_renamed_in_the_catalogue_shows_on_the_cached_grids(week, client):
    tool = ToolFactory(name="Classe virtuelle ENT", etablissement=None, shipped=True)
    Session.objects.filter(pk=week.session.pk).update(tool=tool)
    url = reverse("planning:week") + WEEK
    assert "Classe virtuelle ENT" in _get(client, week.teacher.user, url)
    tool.name = "Visio académique"
    tool.save()  # a row of no school: the region's version
    assert "Visio académique" in _get(client, week.teacher.user, url)


def test_each_teacher_reads_his_own_week(week, client):
    url = reverse("planning:week") + WEEK
    other = StaffFactory(etablissement=week.etablissement, is_teacher=True, email="autre@lycee.fr")
    TeachingAssignmentFactory(staff=other, subject=week.subject, division=week.division2)
    assert "Classe virtuelle" in _get(client, week.teacher.user, url)
    assert "Classe virtuelle" not in _get(client, other.user, url)


def test_the_parents_week_shows_work_given_after_it_was_read_and_the_childs_tick(week, client):
    url = reverse("planning:my_week") + WEEK
    parent = week.user("parent")
    assert "Lire Candide" not in _get(client, parent, url)
    homework = HomeworkFactory(division=week.division, created_by=week.teacher, title="Lire Candide", due_date=MONDAY)
    page = _get(client, parent, url)
    assert "Lire Candide" in page and ">Fait<" not in page
    client.force_login(week.user("student"))
    assert client.post(reverse("planning:homework_done", args=[homework.pk])).status_code == 302
    assert ">Fait<" in _get(client, parent, url)


def test_a_student_and_his_parent_share_the_week_but_not_its_forms(week, client):
    HomeworkFactory(division=week.division, created_by=week.teacher, title="Lire Candide", due_date=MONDAY)
    url = reverse("planning:my_week") + WEEK
    student_page = _get(client, week.user("student"), url)
    parent_page = _get(client, week.user("parent"), url)
    assert "fait ce travail" in student_page and "fait ce travail" not in parent_page
    tokens = re.findall(r'name="submission" value="([0-9a-f]{32})"', student_page)
    again = re.findall(r'name="submission" value="([0-9a-f]{32})"', _get(client, week.user("student"), url))
    assert tokens and again and not set(tokens) & set(again)  # each reading its own one-time tokens
    assert "<!--form-tokens-->" not in student_page


def test_a_divisions_timetable_shows_a_cancellation_to_the_cpe(week, client):
    url = reverse("planning:division_timetable", args=[week.division.pk]) + WEEK
    assert "Annulé" not in _get(client, week.cpe.user, url)
    services_cancel = Session.objects.get(pk=week.session.pk)
    services_cancel.modality = Modality.CANCELLED
    services_cancel.save()
    assert "Annulé" in _get(client, week.cpe.user, url)


def test_the_load_link_of_a_cached_timetable_follows_its_reader(week, client):
    url = reverse("planning:division_timetable", args=[week.division.pk]) + WEEK
    load = reverse("planning:division_load", args=[week.division.pk])
    assert load in _get(client, week.direction.user, url)
    assert load not in _get(client, week.cpe.user, url)


def test_a_cached_week_costs_the_session_and_the_user_only(week, client, django_assert_num_queries):
    url = reverse("planning:week") + WEEK
    _get(client, week.teacher.user, url)
    with django_assert_num_queries(SESSION + 1):  # the session, the user with his school's versions
        client.get(url)


def test_a_student_ticking_his_work_does_not_reset_the_teachers_grid(week, client, django_assert_num_queries):
    homework = HomeworkFactory(division=week.division, created_by=week.teacher, title="Lire", due_date=MONDAY)
    url = reverse("planning:week") + WEEK
    _get(client, week.teacher.user, url)
    services.homework_mark_done(homework=homework, student=week.student, done=True)
    with django_assert_num_queries(SESSION + 1):
        client.get(url)


def test_a_week_answers_304_until_it_changes(week, client):
    url = reverse("planning:week") + WEEK
    client.force_login(week.teacher.user)
    client.get(url)  # the CSRF cookie of the page's form is set: from now on the page has an ETag
    first = client.get(url)
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    Session.objects.filter(pk=week.session.pk).update(room="B12")
    second = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 200 and second["ETag"] != etag


def test_a_week_is_sent_again_after_one_of_its_forms_was_sent(week, client):
    """A page kept by the browser holds one-time tokens: once a form is sent, the page is new."""
    url = reverse("planning:week") + WEEK
    client.force_login(week.teacher.user)
    client.get(url)
    etag = client.get(url)["ETag"]
    token = "a" * 32
    client.post(reverse("planning:week_copy") + WEEK, {"weeks": "1", "submission": token})
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_another_reader_never_gets_the_304_of_someone_else(week, client):
    url = reverse("planning:division_timetable", args=[week.division.pk]) + WEEK
    client.force_login(week.cpe.user)
    client.get(url)
    etag = client.get(url)["ETag"]
    client.force_login(week.direction.user)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_homes_show_work_given_after_they_were_read(week, client):
    """The teacher's, the tutor's and the parent's homes: a colleague gives work, each home says so."""
    url = reverse("home")
    readers = [week.teacher.user, week.tutor.user, week.user("parent")]
    before = [_get(client, reader, url) for reader in readers]
    assert all("Commentaire de texte" not in page for page in before)
    HomeworkFactory(
        division=week.division, created_by=week.tutor, title="Commentaire de texte", due_date=MONDAY + dt.timedelta(1)
    )
    after = [_get(client, reader, url) for reader in readers]
    assert all("Commentaire de texte" in page for page in after)


def test_a_parents_home_panel_is_his_own(week, client):
    from continuite.ecole.tests.factories import GuardianFactory, GuardianLinkFactory

    HomeworkFactory(division=week.division2, created_by=week.teacher, title="Travail de 1G4", due_date=MONDAY)
    other = GuardianFactory(etablissement=week.etablissement, email="autre@famille.fr")
    GuardianLinkFactory(guardian=other, student=week.student2, kind="legal1")
    from continuite.ecole.tests.factories import UserFactory

    other.user = UserFactory(etablissement=week.etablissement, email="autre@famille.fr")
    other.save()
    url = reverse("home")
    assert "Travail de 1G4" not in _get(client, week.user("parent"), url)
    assert "Travail de 1G4" in _get(client, other.user, url)
    assert "Travail de 1G4" not in _get(client, week.user("parent"), url)
