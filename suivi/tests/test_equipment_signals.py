"""Equipment tempers the signals: online work a student without a device could not hand in is an
equipment matter, never a dropout signal; her teachers read her name and what she lacks."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from continuite.ecole.tests.factories import StudentFactory
from equipement.tests.factories import DecidedNeedFactory, LoanFactory, NeedFactory
from suivi import services
from suivi.models import HandIn, HandInStatus

from .conftest import NOW, TODAY
from .factories import HomeworkFactory
from .helpers import remote_session

pytestmark = pytest.mark.django_db

LONG_AGO = NOW - dt.timedelta(days=40)


def evaluate(world):
    return services.signals_evaluate_school(etablissement_id=world.etablissement.pk, today=TODAY)


def _two_missing(world, *, mode="en_ligne", days=(0, 1)):
    """Two pieces of work due in the window that Léa did not hand in."""
    for n in days:
        homework = HomeworkFactory(
            division=world.division, due_date=TODAY - dt.timedelta(days=n), hand_in_mode=mode, created_by=world.teacher
        )
        services.handin_mark(homework=homework, user=world.teacher.user, statuses={world.student.pk: "non_rendu"})


def _on_paper(world, **kwargs):
    return DecidedNeedFactory(
        student=world.student, decision="papier", declared_at=LONG_AGO, decided_at=LONG_AGO, **kwargs
    )


def _text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def test_it_never_flags_a_student_on_paper_copies_for_online_work_she_could_not_do(world, frozen):
    _on_paper(world, lacks_connection=True)
    _two_missing(world)
    assert world.student.pk not in evaluate(world)
    assert services.signals_compute(etablissement=world.etablissement, today=TODAY) == []


def test_it_still_counts_online_work_missing_for_a_student_with_a_device(world, frozen):
    _two_missing(world)
    found = evaluate(world)[world.student.pk]
    assert found.evidence["missing_work"] == 2


def test_it_still_counts_paper_work_a_student_on_paper_copies_did_not_hand_in(world, frozen):
    _on_paper(world)
    _two_missing(world, mode="papier")
    assert evaluate(world)[world.student.pk].evidence["missing_work"] == 2


def test_it_excuses_online_work_while_the_need_waits_for_a_decision(world, frozen):
    NeedFactory(student=world.student, declared_at=LONG_AGO)
    _two_missing(world, mode="depot_ent")
    assert world.student.pk not in evaluate(world)


def test_it_counts_online_work_again_once_the_lent_device_is_handed_over(world, frozen):
    LoanFactory(
        need__student=world.student,
        need__declared_at=LONG_AGO,
        status="remis",
        handed_over_at=NOW - dt.timedelta(days=10),
    )
    _two_missing(world)
    assert evaluate(world)[world.student.pk].evidence["missing_work"] == 2


def test_it_counts_work_due_before_the_need_was_declared(world, frozen):
    _on_paper(world).__class__.objects.update(declared_at=NOW)
    _two_missing(world, days=(3, 4))
    assert evaluate(world)[world.student.pk].evidence["missing_work"] == 2


def test_it_counts_online_work_missing_for_a_student_whose_need_was_refused(world, frozen):
    DecidedNeedFactory(
        student=world.student, status="refuse", decision="refus", refusal_reason="Équipée", declared_at=LONG_AGO
    )
    _two_missing(world)
    assert evaluate(world)[world.student.pk].evidence["missing_work"] == 2


def test_it_offers_hand_in_on_paper_to_her_and_names_her_on_the_hand_in_page(world, client, frozen):
    _on_paper(world, lacks_connection=True)
    classmate = StudentFactory(division=world.division, last_name="BERNARD", first_name="Tom")
    homework = HomeworkFactory(
        division=world.division, due_date=TODAY, hand_in_mode="en_ligne", created_by=world.teacher
    )
    client.force_login(world.teacher.user)
    url = reverse("suivi:handin_mark", kwargs={"homework_pk": homework.pk})
    page = client.get(url)
    text = _text(page)
    assert "1 élève sans équipement à la maison" in text
    assert f"{world.student.full_name} : sans ordinateur, sans connexion internet — copies papier" in text
    assert "ne compte pas dans ses signaux de décrochage" in text
    html = page.content.decode()
    assert f'id="s{world.student.pk}-papier"' in html
    assert f'for="s{world.student.pk}-non_rendu">Non rendu (équipement)' in html
    # Her classmate has what he needs: neither paper nor the equipment wording.
    assert f'id="s{classmate.pk}-papier"' not in html
    assert f'for="s{classmate.pk}-non_rendu">Non rendu</label>' in html

    response = client.post(url, {f"s{world.student.pk}": "papier"})
    assert response.status_code == 302
    assert HandIn.objects.get(homework=homework, student=world.student).status == HandInStatus.PAPER
    assert re.search(rf'id="s{world.student.pk}-papier" value="papier" checked', client.get(url).content.decode())


def test_it_names_her_on_the_register_of_a_video_class(world, client, frozen):
    _on_paper(world, lacks_connection=True)
    session = remote_session(world, TODAY)
    client.force_login(world.teacher.user)
    text = _text(client.get(reverse("suivi:register_take", kwargs={"session_pk": session.pk})))
    assert f"{world.student.full_name} : sans ordinateur, sans connexion internet — copies papier" in text
    assert "sans équipement" in text


def test_it_names_her_on_the_homework_form_when_the_teacher_gives_work_to_her_class(world, client, frozen):
    _on_paper(world)
    client.force_login(world.teacher.user)
    text = _text(client.get(reverse("planning:homework_new") + f"?pour=d{world.division.pk}"))
    assert "1 élève sans équipement à la maison" in text
    assert f"{world.student.full_name} : sans ordinateur — copies papier" in text
    assert "Prévoyez une version papier" in text


def test_it_names_her_with_her_class_on_a_blank_homework_form(world, client, frozen):
    _on_paper(world)
    client.force_login(world.teacher.user)
    text = _text(client.get(reverse("planning:homework_new")))
    assert f"{world.student.full_name} ({world.division.code}) : sans ordinateur — copies papier" in text


def test_it_names_nobody_once_her_need_is_closed(world, client, frozen):
    _on_paper(world, closed_at=timezone.now() - dt.timedelta(days=1), status="clos")
    client.force_login(world.teacher.user)
    text = _text(client.get(reverse("planning:homework_new") + f"?pour=d{world.division.pk}"))
    assert "sans équipement" not in text


@pytest.mark.parametrize("n", [1, 4])
def test_it_shows_the_hand_in_page_in_a_fixed_number_of_queries(world, client, frozen, django_assert_num_queries, n):
    for i in range(n):
        student = StudentFactory(division=world.division, last_name=f"PAPIER{i}")
        DecidedNeedFactory(student=student, decision="papier", declared_at=LONG_AGO)
    homework = HomeworkFactory(
        division=world.division, due_date=TODAY, hand_in_mode="en_ligne", created_by=world.teacher
    )
    client.force_login(world.teacher.user)
    url = reverse("suivi:handin_mark", kwargs={"homework_pk": homework.pk})
    client.get(url)  # the first page after login refreshes the session's expiry
    # 1 session, 2 user, 3 the homework (gate), 4 its students, 5 their hand-ins, 6 those without
    # equipment on the due date (needs with their students, one query).
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["equipment_students"]) == n


@pytest.mark.parametrize("n", [1, 4])
def test_it_shows_the_register_in_a_fixed_number_of_queries(world, client, frozen, django_assert_num_queries, n):
    for i in range(n):
        student = StudentFactory(division=world.division, last_name=f"PAPIER{i}")
        DecidedNeedFactory(student=student, decision="papier", declared_at=LONG_AGO)
    session = remote_session(world, TODAY)
    client.force_login(world.teacher.user)
    url = reverse("suivi:register_take", kwargs={"session_pk": session.pk})
    client.get(url)
    # 1 session, 2 user, 3 the session and 4 whether he teaches it (gate), 5 its students, 6 the marks,
    # 7 those without equipment on its date (one query), 8 whether he may take the register.
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["equipment_students"]) == n
