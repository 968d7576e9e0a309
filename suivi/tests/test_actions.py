"""Actions of a case: their owner is told, sees them in "Mes actions" and is reminded on the day."""

import datetime as dt

import pytest
from django.urls import reverse

from continuite.notifications.models import Notification
from suivi import services

from .conftest import TODAY
from .factories import CaseActionFactory, CaseFactory

pytestmark = pytest.mark.django_db


def test_it_tells_the_owner_of_a_new_action(world, frozen):
    case = CaseFactory(student=world.student)
    services.case_action_add(
        case=case, user=world.cpe.user, what="Tutorat en SES", owner=world.tutor, review_on=TODAY + dt.timedelta(7)
    )
    row = Notification.objects.get(kind="suivi.action_assigned")
    assert row.user == world.tutor.user and row.channel_email and row.channel_portal
    assert row.subject == "Une action vous est confiée pour Léa DURAND"
    assert "Tutorat en SES" in row.body_text and "Point prévu le vendredi 11 décembre 2026." in row.body_text


def test_it_does_not_tell_the_cpe_of_an_action_he_gives_himself(world, frozen):
    case = CaseFactory(student=world.student)
    services.case_action_add(case=case, user=world.cpe.user, what="Appeler", owner=world.cpe, review_on=TODAY)
    assert not Notification.objects.filter(kind="suivi.action_assigned").exists()


def test_it_warns_the_cpe_when_the_owner_has_no_account(world, client, frozen):
    case = CaseFactory(student=world.student)
    world.teacher.user.delete()
    world.teacher.refresh_from_db()
    client.force_login(world.cpe.user)
    page = client.post(
        reverse("suivi:case_action", args=[case.pk]),
        {"action-what": "Tutorat", "action-owner": world.teacher.pk, "action-review_on": TODAY.isoformat()},
        follow=True,
    )
    assert "n&#x27;a pas de compte sur le portail : prévenez-le vous-même de cette action." in page.content.decode()


def test_it_reminds_each_owner_on_the_day_of_the_point(world, frozen):
    case = CaseFactory(student=world.student)
    CaseActionFactory(case=case, owner=world.tutor, what="Appeler Léa", review_on=TODAY)
    CaseActionFactory(case=case, owner=world.tutor, what="Voir le tuteur", review_on=TODAY - dt.timedelta(3))
    CaseActionFactory(case=case, owner=world.tutor, what="Plus tard", review_on=TODAY + dt.timedelta(3))
    CaseActionFactory(case=case, owner=world.teacher, what="Faite", review_on=TODAY, done_at=frozen)
    services.reviews_due_notify(etablissement=world.etablissement, today=TODAY)
    services.reviews_due_notify(etablissement=world.etablissement, today=TODAY)  # idempotent
    (row,) = Notification.objects.filter(kind="suivi.actions_due")
    assert row.user == world.tutor.user
    assert row.subject == "2 actions de suivi arrivent à leur point"
    assert "Voir le tuteur — point prévu le 1er décembre, en retard" in row.body_text
    assert "Appeler Léa — point aujourd'hui" in row.body_text
    assert "Plus tard" not in row.body_text


def _actions(world, n):
    for i in range(n):
        case = CaseFactory(student=world.student) if i == 0 else CaseFactory()
        CaseActionFactory(case=case, owner=world.tutor, what=f"Action {i}", review_on=TODAY + dt.timedelta(i - 1))


@pytest.mark.parametrize("n", [1, 5])
def test_it_lists_my_actions_overdue_first_with_a_pinned_number_of_queries(
    world, client, frozen, django_assert_num_queries, n
):
    _actions(world, n)
    CaseActionFactory(case=CaseFactory(), owner=world.teacher, what="Pas à moi", review_on=TODAY)
    client.force_login(world.tutor.user)
    # 1 session, 2 user with his profiles and unread notifications (navigation bar),
    # 3 his open actions with case, student and division, 4 the legal guardians' contacts,
    # 5 which students he may open, 6-8 savepoint, session save, release
    with django_assert_num_queries(8):
        page = client.get(reverse("suivi:my_actions"))
    text = page.content.decode()
    assert [a.what for a in page.context["actions"]] == [f"Action {i}" for i in range(n)]
    assert "Pas à moi" not in text
    assert "En retard</span> point prévu le jeudi 3 décembre" in text
    assert ("1 en retard" in text) and ((f"{n} actions en cours" if n > 1 else "1 action en cours") in text)


def test_the_owner_reads_whom_to_call_and_opens_the_students_page(world, client, frozen):
    from continuite.ecole.models import GuardianLink

    CaseActionFactory(case=CaseFactory(student=world.student), owner=world.tutor, what="Appeler la famille")
    link = GuardianLink.objects.filter(student=world.student).select_related("guardian").first()
    link.guardian.mobile = "06 53 55 28 94"
    link.guardian.save()
    client.force_login(world.tutor.user)
    text = client.get(reverse("suivi:my_actions")).content.decode()
    assert f'href="{reverse("ecole:student_detail", args=[world.student.pk])}">{world.student.full_name}</a>' in text
    assert 'href="tel:0653552894">06 53 55 28 94</a>' in text
    assert link.guardian.last_name in text


def test_it_lets_the_owner_mark_his_action_done(world, client, frozen):
    action = CaseActionFactory(case=CaseFactory(student=world.student), owner=world.tutor, review_on=TODAY)
    client.force_login(world.tutor.user)
    page = client.post(reverse("suivi:my_action_done", args=[action.pk]), follow=True)
    action.refresh_from_db()
    assert action.done_at is not None
    assert "Aucune action en cours ne vous est confiée." in page.content.decode()


def test_it_refuses_to_mark_someone_elses_action(world, client, frozen):
    action = CaseActionFactory(case=CaseFactory(student=world.student), owner=world.teacher, review_on=TODAY)
    client.force_login(world.tutor.user)
    assert client.post(reverse("suivi:my_action_done", args=[action.pk])).status_code == 404
    action.refresh_from_db()
    assert action.done_at is None


def test_it_shows_my_actions_in_the_navigation(world, client):
    client.force_login(world.teacher.user)
    assert 'href="/suivi/mes-actions/"' in client.get(reverse("home")).content.decode()


def test_it_keeps_the_action_typed_with_the_error_next_to_the_date(world, client, frozen):
    case = CaseFactory(student=world.student)
    client.force_login(world.cpe.user)
    page = client.post(
        reverse("suivi:case_action", args=[case.pk]),
        {"action-what": "Appeler Mme DURAND", "action-owner": world.teacher.pk, "action-review_on": "2026-11-20"},
    ).content.decode()
    assert "Rien n&#x27;est enregistré : corrigez le formulaire ci-dessous." in page
    assert 'value="Appeler Mme DURAND"' in page
    assert f'<option value="{world.teacher.pk}" selected>' in page
    assert 'value="2026-11-20"' in page
    error = page.rindex("La date du point ne peut pas être passée.")  # after the summary, by the field
    assert page.rindex('id="id_action-review_on"', 0, error) > page.rindex('id="id_action-owner"', 0, error)
    assert not case.actions.exists()
