"""Pages of suivi: pinned query counts, the access log, bad input."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from continuite.audit.models import AuditEntry
from continuite.ecole.tests.factories import StudentFactory
from suivi import services
from suivi.models import AttendanceMark, Case

from .conftest import TODAY
from .factories import CaseActionFactory, CaseEventFactory, CaseFactory, FamilyContactFactory, FlagFactory
from .helpers import registers, remote_session

pytestmark = pytest.mark.django_db


def _cases(world, n):
    for _i in range(n):
        case = CaseFactory(student=StudentFactory(division=world.division))
        CaseActionFactory(case=case, owner=world.cpe)


@pytest.mark.parametrize("n", [1, 6])
def test_it_answers_the_queue_with_a_pinned_number_of_queries(world, client, django_assert_num_queries, n):
    _cases(world, n)
    client.force_login(world.cpe.user)
    # 1 session, 2 user with his profiles and unread notifications (navigation bar),
    # 3 the cases with their student and division (and whether a notice was not delivered, a subquery),
    # 4-6 savepoint, session save, release (login middleware)
    with django_assert_num_queries(6):
        response = client.get(reverse("suivi:case_list"))
    assert len(response.context["cases"]) == n


def _history(case, world, n):
    for _i in range(n):
        CaseEventFactory(case=case)
        CaseActionFactory(case=case, owner=world.cpe)
        FamilyContactFactory(case=case, guardian=world.guardian)
        FlagFactory(student=case.student, case=case, raised_by=world.teacher)


@pytest.mark.parametrize("n", [1, 5])
def test_it_answers_the_case_page_with_a_pinned_number_of_queries(world, client, frozen, django_assert_num_queries, n):
    case = CaseFactory(student=world.student, severity=3)
    _history(case, world, n)
    registers(world.student, ["absent", "absent", "present"])
    services.notice_send(case=case, user=world.cpe.user, today=TODAY - dt.timedelta(days=3))
    services.notice_send(case=case, user=world.cpe.user, today=TODAY)
    client.force_login(world.cpe.user)
    # 1 session, 2 user with his profiles and unread notifications (navigation bar), 3 the case with
    # student, division and school, 4 savepoint, 5 access-log entry, 6 release savepoint,
    # 7 events, 8 flags, 9 actions, 10 family contacts, 11 notices, 12 their outbox rows (acknowledgements),
    # 13 justification in progress, 14 what the student lacks in equipment today, 15-23 the rule of
    # today (the school's settings, the window's start, one aggregate per signal kind: attendance,
    # missing work, flags, unreachable family, half-days, needs waiting; the last change of level),
    # 24-29 whether the next step would leave (settings, the window's start, his marks, missing work,
    # justification in progress, the last notice), 30-32 savepoint, session save, release (login
    # middleware). No form is built: each loads when its box opens.
    with django_assert_num_queries(32):
        response = client.get(case.get_absolute_url())
    assert len([e for e in response.context["timeline"] if e["type"] == "action"]) == n
    assert "<form" not in response.text.split("Avancer le suivi")[1].split("Avis aux familles")[0]
    # Read again (its facts from the cache): session, user, the case (gate), the access log's entry
    # (savepoint, insert, release), the notices' outbox rows (always read)
    with django_assert_num_queries(7):
        again = client.get(case.get_absolute_url())
    assert again.text.count("list-group-item") == response.text.count("list-group-item")
    # The action form, fetched when its box opens: session, user, the case (gate), the staff around him
    with django_assert_num_queries(4):
        form = client.get(case.get_absolute_url() + "?formulaire=action&fragment=1")
    assert 'name="action-owner"' in form.text and "<html" not in form.text


def test_each_form_of_the_case_page_opens_in_its_box_without_a_script(world, client, frozen):
    case = CaseFactory(student=world.student)
    client.force_login(world.cpe.user)
    page = client.get(case.get_absolute_url()).text
    assert '<a href="?formulaire=contact#t-contact">Ouvrir le formulaire : Contact avec la famille</a>' in page
    opened = client.get(case.get_absolute_url() + "?formulaire=contact").text
    assert 'name="contact-channel"' in opened or 'name="channel"' in opened
    assert '<details class="case-form" data-case-form=' in opened and " open>" in opened


def test_only_the_cpe_of_an_open_case_gets_its_forms(world, client, frozen):
    from django.utils import timezone

    case = CaseFactory(student=world.student, status="clos", closed_at=timezone.now())
    client.force_login(world.cpe.user)
    assert client.get(case.get_absolute_url() + "?formulaire=action&fragment=1").status_code == 403


def test_it_writes_exactly_one_access_log_entry_per_opening_of_a_case(world, client):
    case = CaseFactory(student=world.student)
    client.force_login(world.cpe.user)
    client.get(case.get_absolute_url())
    entries = AuditEntry.objects.filter(action="view", object_id=str(case.pk))
    assert entries.count() == 1
    assert entries.get().student == world.student and entries.get().user == world.cpe.user


def test_it_takes_a_register_in_one_post_and_shows_it(world, client, frozen):
    session = remote_session(world, TODAY)
    client.force_login(world.teacher.user)
    url = reverse("suivi:register_take", kwargs={"session_pk": session.pk})
    assert client.post(url, {f"s{world.student.pk}": "distance"}).status_code == 302
    assert AttendanceMark.objects.get(student=world.student).status == "distance"
    page = client.get(url).content.decode()
    assert f'id="s{world.student.pk}-distance" value="distance" checked' in page


def test_it_answers_bad_register_input_in_french_without_change(world, client, frozen):
    session = remote_session(world, TODAY)
    client.force_login(world.teacher.user)
    url = reverse("suivi:register_take", kwargs={"session_pk": session.pk})
    response = client.post(url, {f"s{world.student.pk}": "endormi"}, follow=True)
    assert "État de présence inconnu" in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_it_shows_the_cpe_the_reviews_due_on_his_home_page(world, client, frozen):
    case = CaseFactory(student=world.student, review_on=TODAY)
    client.force_login(world.cpe.user)
    page = client.get(reverse("home")).content.decode()
    assert "Points de suivi à faire" in page and case.get_absolute_url() in page


def test_it_refuses_a_notice_in_french_from_the_case_page(world, client, frozen):
    from .factories import JustificationFactory

    case = CaseFactory(student=world.student)
    JustificationFactory(student=world.student, start=TODAY, end=TODAY)
    client.force_login(world.cpe.user)
    response = client.post(reverse("suivi:case_notice", kwargs={"pk": case.pk}), follow=True)
    assert "justification valable" in response.content.decode()
    assert not case.notices.exists()


def test_it_shows_the_tutor_a_summary_without_opening_case_files(world, client, frozen):
    from .helpers import registers

    registers(world.student, ["absent"] * 4 + ["present"] * 4)
    client.force_login(world.tutor.user)
    page = client.get(reverse("suivi:tutor_summary")).content.decode()
    assert "Léa DURAND" in page and "Risque" in page
    assert "1 élève à risque, 0 élève en vigilance." in page
    # Léa, at risk, comes first, and her name opens her page
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert f'<a href="{reverse("ecole:student_detail", args=[world.student.pk])}">Léa DURAND</a>' in first_row
    assert not Case.objects.exists()
    assert timezone.localdate() == TODAY


def test_it_exports_the_follow_up_without_free_text(world, client):
    case = CaseFactory(student=world.student, etablissement=world.etablissement)
    CaseFactory(student=world.other_student, etablissement=world.other_etablissement)
    client.force_login(world.user("cpe"))
    response = client.get(reverse("suivi:export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Dossier;INE;Élève;Division;Niveau;État")
    assert len(lines) == 2  # the header and the one case of this school
    assert lines[1].startswith(f"{case.pk};{world.student.ine};DURAND Léa;1G3;")
    assert AuditEntry.objects.filter(action="export", user=world.user("cpe")).count() == 1


def test_it_offers_as_action_owners_the_staff_around_the_student_only(world, client, frozen):
    from suivi.models import CaseAction
    from suivi.queries import action_owners

    # Hugo PETIT (another division, in the spécialité group): its teacher is offered, not the tutor of Léa's division
    owners = set(action_owners(world.student2))
    assert {world.cpe, world.direction, world.gestionnaire, world.referent, world.teacher} <= owners
    assert world.tutor not in owners and world.other_direction not in owners
    case = CaseFactory(student=world.student2)
    client.force_login(world.cpe.user)
    page = client.get(case.get_absolute_url() + "?formulaire=action").content.decode()
    assert world.teacher.last_name in page and world.tutor.last_name not in page
    response = client.post(
        reverse("suivi:case_action", kwargs={"pk": case.pk}),
        {"action-what": "Point avec l'élève", "action-owner": world.tutor.pk, "action-review_on": "2026-12-10"},
        follow=True,
    )
    assert "Rien n&#x27;est enregistré : corrigez le formulaire ci-dessous." in response.content.decode()
    assert not CaseAction.objects.filter(case=case).exists()


def test_the_cpe_opens_a_case_by_hand_from_a_teachers_flag(world, client, frozen):
    flag = FlagFactory(student=world.student, raised_by=world.teacher)
    client.force_login(world.cpe.user)
    url = reverse("suivi:case_open", kwargs={"student_pk": world.student.pk})
    assert url in client.get(reverse("suivi:flag_list")).content.decode()
    refused = client.post(url, {"level": "vigilance", "rule": "  "})
    assert "Ce champ est obligatoire." in refused.content.decode() and not Case.objects.exists()
    response = client.post(url, {"level": "risque", "rule": "Appel de la mère : ne vient plus depuis lundi."})
    case = Case.objects.get()
    assert response.url == case.get_absolute_url()
    assert (case.level, case.opened_by, case.student) == ("risque", world.cpe.user, world.student)
    flag.refresh_from_db()
    assert flag.case == case
    again = client.get(url, follow=True)  # a second one is never opened: the open case is shown
    assert again.redirect_chain[-1][0] == case.get_absolute_url() and Case.objects.count() == 1
    assert client.get(reverse("suivi:case_open", kwargs={"student_pk": world.other_student.pk})).status_code == 404


def test_the_direction_reads_that_her_list_holds_the_cases_escalated_to_her(world, client):
    CaseFactory(student=world.student, etablissement=world.etablissement)  # followed by the CPE only
    client.force_login(world.user("direction"))
    page = client.get(reverse("suivi:case_list")).content.decode()
    assert "les dossiers que la vie scolaire lui a signalés (escalade)" in page
    assert "Aucun dossier signalé à la direction ne correspond." in page
    client.force_login(world.cpe.user)
    page = client.get(reverse("suivi:case_list")).content.decode()
    assert "lui a signalés" not in page and "Léa DURAND" in page
