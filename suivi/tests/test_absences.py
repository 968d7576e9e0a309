"""Absences the vie scolaire's way: requests from families, direct justification, settling,
half-days and the DASEN rule; levels that follow the facts both ways."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from continuite.ecole.tests.factories import StudentFactory
from continuite.notifications.models import Notification
from suivi import services
from suivi.models import AttendanceMark, Case, CaseEvent, EventKind, Justification, Level, SuiviSettings

from .conftest import TODAY
from .factories import CaseFactory, MarkFactory, RegisterFactory
from .helpers import registers

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)


def compute(world):
    return services.signals_compute(etablissement=world.etablissement, today=TODAY)


def absence(student, day, start=dt.time(10, 0), **mark):
    half_day = "matin" if start.hour < 12 else "apres_midi"
    register = RegisterFactory(
        session__division=student.division,
        session__date=day,
        session__start=start,
        session__end=dt.time(start.hour + 1, start.minute),
        session__minutes=60,
        half_day=half_day,
    )
    return MarkFactory(register=register, student=student, status="absent", **mark)


def request(world, start, end, reason="autre"):
    return services.justification_request(
        user=world.users["parent"], student=world.student, start=start, end=end, reason=reason
    )


# --- A guardian's justification is a request ------------------------------------------------------


def test_it_refuses_a_request_two_months_ahead_and_changes_nothing(world, frozen):
    mark = absence(world.student, MONDAY)
    with pytest.raises(ValidationError, match="au plus 7 jours à l'avance \\(jusqu'au 11 décembre\\)"):
        request(world, TODAY + dt.timedelta(days=60), TODAY + dt.timedelta(days=61))
    assert not Justification.objects.exists()
    mark.refresh_from_db()
    assert mark.absence_status == "a_justifier"


def test_it_follows_the_schools_window_for_requests(world, frozen):
    SuiviSettings.objects.create(etablissement=world.etablissement, justification_days_ahead=70)
    pending = request(world, TODAY + dt.timedelta(days=60), TODAY + dt.timedelta(days=61))
    assert pending.status == "en_attente"


def test_it_keeps_a_guardians_request_pending_and_the_absences_to_justify(world, frozen):
    marks = [absence(world.student, MONDAY), absence(world.student, MONDAY + dt.timedelta(days=1))]
    pending = request(world, MONDAY, TODAY)
    assert pending.status == "en_attente"
    assert {m.absence_status for m in AttendanceMark.objects.filter(pk__in=[m.pk for m in marks])} == {"a_justifier"}
    assert services.active_justification(world.student, TODAY) is None  # a request blocks no notice


def test_it_tells_the_cpe_of_a_new_request(world, frozen):
    absence(world.student, MONDAY)
    request(world, MONDAY, MONDAY)
    told = Notification.objects.get(kind="suivi.justification_requested")
    assert told.user == world.cpe.user
    assert "Demande de justification : Léa DURAND" in told.subject
    assert "le 30 novembre : Autre motif recevable" in told.body_text


def test_it_refuses_a_request_for_a_child_who_is_not_the_guardians(world, frozen):
    with pytest.raises(ValidationError, match="Seul un responsable"):
        services.justification_request(
            user=world.users["parent"], student=world.student2, start=MONDAY, end=MONDAY, reason="autre"
        )


def test_it_lets_the_cpe_refuse_a_request_with_a_reason_and_the_history_shows_both(world, client, frozen):
    absence(world.student, MONDAY)
    case = CaseFactory(student=world.student)
    pending = request(world, MONDAY, MONDAY)
    with pytest.raises(ValidationError, match="pourquoi la demande est refusée"):
        services.justification_decide(user=world.cpe.user, justification=pending, accept=False, note=" ")
    services.justification_decide(
        user=world.cpe.user, justification=pending, accept=False, note="Aucun justificatif écrit fourni."
    )
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("refusee", world.cpe.user)
    assert AttendanceMark.objects.get(student=world.student).absence_status == "a_justifier"
    texts = list(case.events.filter(kind=EventKind.JUSTIFICATION).values_list("text", flat=True))
    assert texts == [
        "Demande de justification des responsables le 30 novembre : Autre motif recevable (en attente).",
        "Demande de justification le 30 novembre refusée (Autre motif recevable) : Aucun justificatif écrit fourni.",
    ]
    # The parent is told, and reads the refusal and its reason on his page.
    told = Notification.objects.get(kind="suivi.justification_decided", user=world.users["parent"])
    assert "justification refusée" in told.subject and "Aucun justificatif écrit fourni." in told.body_text
    client.force_login(world.users["parent"])
    page = client.get(reverse("suivi:family_absences")).content.decode()
    assert "refusée</strong> — motif : Aucun justificatif écrit fourni." in page
    # The CPE reads both steps on the student's page.
    client.force_login(world.cpe.user)
    page = client.get(reverse("suivi:student_followup", kwargs={"pk": world.student.pk})).content.decode()
    assert "Refusée" in page and "motif : Aucun justificatif écrit fourni." in page
    assert "Demandée par Camille Test" in page


def test_it_justifies_the_absences_of_an_accepted_request(world, frozen):
    mark = absence(world.student, MONDAY)
    pending = request(world, MONDAY, MONDAY, reason="transport")
    services.justification_decide(user=world.cpe.user, justification=pending, accept=True)
    mark.refresh_from_db()
    assert (mark.absence_status, mark.justification) == ("justifiee", pending)
    with pytest.raises(ValidationError, match="déjà reçu une réponse"):
        services.justification_decide(user=world.cpe.user, justification=pending, accept=False, note="Non")


def test_it_lets_only_the_vie_scolaire_decide(world, frozen):
    absence(world.student, MONDAY)
    pending = request(world, MONDAY, MONDAY)
    with pytest.raises(ValidationError, match="Seule la vie scolaire"):
        services.justification_decide(user=world.teacher.user, justification=pending, accept=True)


# --- The vie scolaire justifies and settles directly ---------------------------------------------


def test_it_lets_the_cpe_justify_without_any_case(world, frozen):
    mark = absence(world.student, MONDAY)
    justification = services.absence_justify(
        user=world.cpe.user, student=world.student, start=MONDAY, end=MONDAY, reason="convocation"
    )
    mark.refresh_from_db()
    assert justification.status == "acceptee" and mark.absence_status == "justifiee"
    assert not Case.objects.exists()


def test_it_refuses_a_direct_justification_from_a_guardian(world, frozen):
    with pytest.raises(ValidationError, match="Seule la vie scolaire"):
        services.absence_justify(
            user=world.users["parent"], student=world.student, start=MONDAY, end=MONDAY, reason="autre"
        )


def test_it_settles_an_absence_with_its_reason(world, frozen):
    mark = absence(world.student, MONDAY)
    with pytest.raises(ValidationError, match="motif du règlement"):
        services.absence_settle(user=world.cpe.user, mark=mark, reason="  ")
    services.absence_settle(user=world.cpe.user, mark=mark, reason="Appel erroné : présente en salle.")
    mark.refresh_from_db()
    assert (mark.absence_status, mark.settled_reason, mark.settled_by) == (
        "reglee",
        "Appel erroné : présente en salle.",
        world.cpe.user,
    )
    with pytest.raises(ValidationError, match="déjà réglée"):
        services.absence_settle(user=world.cpe.user, mark=mark, reason="Encore")


def test_a_mistaken_register_is_corrected_and_leaves_every_count(world, frozen):
    from suivi import queries

    wrong = absence(world.student, MONDAY, dt.time(8, 0))
    absence(world.student, MONDAY, dt.time(14, 0))

    def counts():
        return queries.half_days_by_student(
            etablissement_id=world.etablissement.pk, start=TODAY - dt.timedelta(days=29), end=TODAY
        )[world.student.pk]

    assert counts() == {"missed": 2, "half_days": 2, "unexcused_half_days": 2}
    with pytest.raises(ValidationError, match="comment l'élève a suivi"):
        services.absence_correct(user=world.cpe.user, mark=wrong, status="absent")
    with pytest.raises(ValidationError, match="Seule la vie scolaire"):
        services.absence_correct(user=world.teacher.user, mark=wrong, status="distance")
    wrong.refresh_from_db()
    assert (wrong.status, wrong.absence_status) == ("absent", "a_justifier")

    services.absence_correct(user=world.cpe.user, mark=wrong, status="distance", reason="connectée, micro coupé")
    wrong.refresh_from_db()
    assert (wrong.status, wrong.absence_status, wrong.settled_by) == ("distance", "", world.cpe.user)
    assert wrong.settled_reason == "Appel rectifié : présent à distance — connectée, micro coupé"
    assert counts() == {"missed": 1, "half_days": 1, "unexcused_half_days": 1}
    assert CaseEvent.objects.filter(text__startswith="Appel du").count() in (0, 1)  # on the case when one is open
    with pytest.raises(ValidationError, match="Seule une absence"):
        services.absence_correct(user=world.cpe.user, mark=wrong, status="present")


def test_the_cpe_corrects_a_register_from_the_absence_list(world, client, frozen):
    mark = absence(world.student, MONDAY)
    client.force_login(world.cpe.user)
    page = client.get(reverse("suivi:absence_list")).content.decode()
    assert "Appel erroné : l'élève était" in page and "Rectifier l'appel" in page
    url = reverse("suivi:absence_correct", kwargs={"pk": mark.pk})
    response = client.post(url, {"status": "nimporte"}, follow=True)
    assert "Indiquez comment l&#x27;élève a suivi la séance." in response.content.decode()
    mark.refresh_from_db()
    assert mark.status == "absent"
    response = client.post(url, {"status": "present"}, follow=True)
    assert "rectifié pour" in response.content.decode() and "l&#x27;absence est retirée" in response.content.decode()
    mark.refresh_from_db()
    assert (mark.status, mark.absence_status) == ("present", "")
    followup = client.get(reverse("suivi:student_followup", kwargs={"pk": world.student.pk})).content.decode()
    assert "1 séance" not in followup


# --- Half-days and the DASEN rule -----------------------------------------------------------------


def test_it_counts_half_days_exactly(world, frozen):
    from suivi import queries

    absence(world.student, MONDAY, dt.time(8, 0))
    absence(world.student, MONDAY, dt.time(10, 0))  # same morning: one half-day
    absence(world.student, MONDAY, dt.time(14, 0))  # the afternoon: a second one
    absence(world.student, MONDAY + dt.timedelta(days=1), dt.time(9, 0), absence_status="justifiee")
    absence(world.student, MONDAY + dt.timedelta(days=2), dt.time(13, 0), absence_status="reglee")
    absence(world.student, MONDAY + dt.timedelta(days=3), dt.time(11, 0))
    counts = queries.half_days_by_student(
        etablissement_id=world.etablissement.pk, start=TODAY - dt.timedelta(days=29), end=TODAY
    )[world.student.pk]
    assert counts == {"missed": 6, "half_days": 5, "unexcused_half_days": 3}


def test_it_takes_the_half_day_of_a_register_from_its_session(world, frozen):
    from .helpers import remote_session

    session = remote_session(world, TODAY, start=dt.time(13, 30), end=dt.time(14, 30))
    register = services.register_take(session=session, user=world.teacher.user, marks={world.student.pk: "absent"})
    assert register.half_day == "apres_midi"


def test_it_applies_the_dasen_rule_on_four_unjustified_half_days(world, frozen):
    for day in range(4):
        absence(world.student, MONDAY + dt.timedelta(days=day))
    registers(world.student, ["present"] * 12)
    found = services.signals_evaluate_school(etablissement_id=world.etablissement.pk, today=TODAY)[world.student.pk]
    assert found.level == Level.RISQUE
    assert "4 demi-journées d'absence non justifiées sur 30 jours ≥ 4 (règle DASEN" in "; ".join(found.rules)
    SuiviSettings.objects.filter(etablissement=world.etablissement).update(dasen_half_days=0)
    found = services.signals_evaluate_school(etablissement_id=world.etablissement.pk, today=TODAY)[world.student.pk]
    assert "DASEN" not in "; ".join(found.rules)


# --- Levels that follow the facts -----------------------------------------------------------------


def test_it_never_opens_a_case_for_one_missed_class_with_the_defaults(world, frozen):
    registers(world.student, ["absent"])
    assert compute(world) == []
    registers(world.student, ["absent", "present", "present"])  # 2 of 4: too few sessions for a share
    assert compute(world) == []
    assert not Case.objects.exists()


def test_it_needs_four_absences_for_risque_with_the_defaults(world, frozen):
    registers(world.student, ["absent"] * 3 + ["present"] * 3)  # 50 %, but only three absences
    (case,) = compute(world)
    assert case.level == Level.VIGILANCE


def test_it_lowers_the_level_when_absences_are_justified_and_keeps_the_history(world, frozen):
    registers(world.student, ["absent"] * 4 + ["present"] * 4)
    (case,) = compute(world)
    assert case.level == Level.RISQUE
    services.absence_justify(
        user=world.cpe.user,
        student=world.student,
        start=dt.date(2026, 11, 23),
        end=dt.date(2026, 11, 24),
        reason="mot_famille",
    )
    assert compute(world) == [case]
    case.refresh_from_db()
    assert (case.level, case.severity) == (Level.VIGILANCE, 2)
    event = case.events.get(kind=EventKind.LEVEL_DOWN)
    assert event.text.startswith("Risque → Vigilance : Vigilance : 25 % des séances à distance")
    assert (event.evidence["avant"], event.evidence["gravite_avant"]) == ("risque", 4)
    assert case.events.filter(kind=EventKind.SIGNAL).exists()  # what was stays


def test_it_says_when_no_signal_is_left(world, frozen):
    registers(world.student, ["absent"] * 2 + ["present"] * 6)
    (case,) = compute(world)
    services.absence_justify(
        user=world.cpe.user,
        student=world.student,
        start=dt.date(2026, 11, 23),
        end=dt.date(2026, 11, 27),
        reason="transport",
    )
    compute(world)
    case.refresh_from_db()
    assert (case.level, case.severity, case.status) == (Level.VIGILANCE, 0, "ouvert")
    assert "Plus aucun signal" in case.events.get(kind=EventKind.LEVEL_DOWN).text


def test_it_never_lowers_a_case_the_cpe_opened_by_hand(world, frozen):
    case = services.case_open(student=world.student, user=world.cpe.user, level="risque", rule="Appel de la famille")
    registers(world.student, ["present"] * 6)
    compute(world)
    case.refresh_from_db()
    assert case.level == Level.RISQUE


def test_it_raises_the_level_when_worse_with_an_event(world, frozen):
    registers(world.student, ["absent"] * 2 + ["present"] * 6)
    (case,) = compute(world)
    registers(world.student, ["absent"] * 2, first_day=dt.date(2026, 12, 1))
    compute(world)
    case.refresh_from_db()
    assert case.level == Level.RISQUE
    assert case.events.get(kind=EventKind.LEVEL_UP).text.startswith("Vigilance → Risque")


def test_it_reopens_a_closed_case_when_signals_come_back(world, frozen):
    registers(world.student, ["absent"] * 2 + ["present"] * 6)
    (case,) = compute(world)
    services.case_close(case=case, user=world.cpe.user, outcome="resolu")
    assert compute(world) == []  # the same evidence: stays closed
    registers(world.student, ["absent"] * 2, first_day=dt.date(2026, 12, 2))
    assert compute(world) == [case]
    case.refresh_from_db()
    assert (case.status, case.level, case.closed_at) == ("ouvert", Level.RISQUE, None)
    event = case.events.get(kind=EventKind.REOPENED)
    assert event.text.startswith("Signaux revenus depuis la clôture du 4 décembre")
    assert Notification.objects.filter(kind="suivi.case_reopened", user=world.cpe.user).count() == 1


def test_it_opens_a_new_case_when_the_last_was_closed_before_the_window(world, frozen):
    CaseFactory(
        student=world.student,
        status="clos",
        closed_at=timezone.now() - dt.timedelta(days=40),
        outcome="resolu",
        level="risque",
        severity=9,
    )
    registers(world.student, ["absent"] * 4 + ["present"] * 4)
    (case,) = compute(world)
    assert case.is_open and Case.objects.filter(student=world.student).count() == 2


def test_it_sorts_the_queue_by_severity_then_age(world, client, frozen):
    names = ["ALPHA", "BRAVO", "CHARLIE", "DELTA"]
    students = [StudentFactory(division=world.division, last_name=name) for name in names]
    now = timezone.now()
    CaseFactory(student=students[0], level="vigilance", opened_at=now - dt.timedelta(days=9))
    CaseFactory(student=students[1], level="risque", opened_at=now - dt.timedelta(days=1))
    CaseFactory(student=students[2], level="risque", opened_at=now - dt.timedelta(days=5))
    CaseFactory(student=students[3], level="vigilance", opened_at=now - dt.timedelta(days=2))
    client.force_login(world.cpe.user)
    cases = client.get(reverse("suivi:case_list")).context["cases"]
    assert [case.student.last_name for case in cases] == ["CHARLIE", "BRAVO", "ALPHA", "DELTA"]


# --- Pages: the list to process and a student's page ---------------------------------------------


def _absences(world, n):
    for index in range(n):
        student = StudentFactory(division=world.division)
        absence(student, MONDAY + dt.timedelta(days=index % 4))
        absence(student, MONDAY, dt.time(14, 0), absence_status="justifiee")
        Justification.objects.create(
            etablissement=world.etablissement,
            student=student,
            start=MONDAY,
            end=MONDAY,
            reason="autre",
            given_by=world.users["parent"],
            given_at=timezone.now(),
            status="en_attente",
        )


@pytest.mark.parametrize("n", [1, 6])
def test_it_answers_the_absence_list_with_a_pinned_number_of_queries(
    world, client, frozen, django_assert_num_queries, n
):
    _absences(world, n)
    services.settings_get(etablissement=world.etablissement)
    client.force_login(world.cpe.user)
    # 1 session, 2 user with his profiles and unread notifications (navigation bar), 3 count of the
    # absences (pagination), 4 the page of absences with student, division, session, subject and
    # "a family's request waits" (EXISTS), 5 half-days of these students, 6 the school's settings
    # (DASEN threshold), 7 the families' requests, 8 the divisions (filter), 9-11 savepoint, session
    # save, release (login middleware)
    with django_assert_num_queries(11):
        response = client.get(reverse("suivi:absence_list"), {"state": "toutes"})
    assert len(response.context["rows"]) == 2 * n
    assert len(response.context["requests"]) == n


def test_it_lists_the_absences_to_process_first_with_the_requests(world, client, frozen):
    justified = absence(world.student, TODAY, absence_status="justifiee")
    to_justify = absence(world.student, MONDAY)
    request(world, MONDAY, MONDAY)
    client.force_login(world.cpe.user)
    response = client.get(reverse("suivi:absence_list"), {"state": "toutes"})
    assert [mark.pk for mark in response.context["rows"]] == [to_justify.pk, justified.pk]
    page = response.content.decode()
    assert "Demandes de justification des familles (1)" in page
    assert "Demande de la famille en attente" in page
    assert "lundi 30 novembre, matin (10:00)" in page
    # The default view: only what is still to process.
    rows = client.get(reverse("suivi:absence_list")).context["rows"]
    assert [mark.pk for mark in rows] == [to_justify.pk]


def test_it_filters_the_absences_by_day_class_and_student(world, client, frozen):
    mine = absence(world.student, MONDAY)
    absence(world.student2, MONDAY)
    absence(world.student, TODAY)
    client.force_login(world.cpe.user)
    url = reverse("suivi:absence_list")
    rows = client.get(url, {"day": MONDAY.isoformat(), "division": world.division.pk}).context["rows"]
    assert [mark.pk for mark in rows] == [mine.pk]
    rows = client.get(url, {"student": "petit"}).context["rows"]
    assert [mark.student for mark in rows] == [world.student2]


def test_it_justifies_and_settles_from_the_list(world, client, frozen):
    first, second = absence(world.student, MONDAY), absence(world.student2, MONDAY)
    client.force_login(world.cpe.user)
    response = client.post(reverse("suivi:absence_justify", kwargs={"pk": first.pk}), {"reason": "transport"})
    assert response.status_code == 302
    client.post(reverse("suivi:absence_settle", kwargs={"pk": second.pk}), {"reason": "Vu avec l'élève."})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.absence_status, second.absence_status) == ("justifiee", "reglee")
    page = client.get(reverse("suivi:absence_list"), {"state": "toutes"}).content.decode()
    assert "Vu avec l&#x27;élève." in page


def test_it_shows_the_cpe_a_students_counts_and_a_way_to_open_a_case(world, client, frozen):
    for day in range(4):
        absence(world.student, MONDAY + dt.timedelta(days=day))
    absence(world.student, MONDAY, dt.time(14, 0), absence_status="justifiee")
    client.force_login(world.cpe.user)
    page = client.get(reverse("suivi:student_followup", kwargs={"pk": world.student.pk})).content.decode()
    assert "5 séances" in page and "5 demi-journées" in page and "4 demi-journées" in page
    assert "Seuil DASEN atteint : signalement à faire" in page
    assert reverse("suivi:case_open", kwargs={"student_pk": world.student.pk}) in page


@pytest.mark.parametrize("n", [1, 5])
def test_it_answers_a_students_page_with_a_pinned_number_of_queries(
    world, client, frozen, django_assert_num_queries, n
):
    for index in range(n):
        absence(world.student, MONDAY + dt.timedelta(days=index % 4), dt.time(8 + index, 0))
        request(world, MONDAY, MONDAY)
    CaseFactory(student=world.student)
    services.settings_get(etablissement=world.etablissement)
    client.force_login(world.cpe.user)
    # 1 session, 2 user (navigation bar), 3 the student with his division, 4 his half-days,
    # 5 his absences (with "a request waits"), 6 his justifications and requests with who gave and
    # decided, 7 his cases, 8 the school's settings, 9 what he lacks in equipment today,
    # 10-12 savepoint, session save, release
    with django_assert_num_queries(12):
        response = client.get(reverse("suivi:student_followup", kwargs={"pk": world.student.pk}))
    assert len(response.context["justifications"]) == n


def test_it_shows_the_cpe_how_many_absences_wait_on_his_home(world, client, frozen):
    absence(world.student, MONDAY)
    absence(world.student2, MONDAY)
    request(world, MONDAY, MONDAY)
    client.force_login(world.cpe.user)
    page = client.get(reverse("home")).content.decode()
    assert "2 absences à justifier sur 30 jours · 1 demande de justification d&#x27;une famille en attente" in page
    assert reverse("suivi:absence_list") in page


def test_it_reads_the_pending_request_on_the_family_page(world, client, frozen):
    absence(world.student, MONDAY)
    client.force_login(world.users["parent"])
    response = client.post(
        reverse("suivi:family_absences"),
        {
            "student": world.student.pk,
            f"c{world.student.pk}-start": MONDAY.isoformat(),
            f"c{world.student.pk}-end": MONDAY.isoformat(),
            f"c{world.student.pk}-reason": "autre",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "votre demande est transmise à la vie scolaire" in page
    assert "demande envoyée, en attente de la vie scolaire" in page
    assert "demande en attente de réponse de la vie scolaire" in page
    assert CaseEvent.objects.count() == 0  # no case: the request is on the student's history only


def test_it_links_the_students_page_to_his_absences_and_to_opening_a_case(world, client):
    client.force_login(world.cpe.user)
    page = client.get(reverse("ecole:student_detail", kwargs={"pk": world.student.pk})).content.decode()
    assert f'href="{reverse("suivi:student_followup", kwargs={"pk": world.student.pk})}">Absences et suivi' in page
    assert f'href="{reverse("suivi:case_open", kwargs={"student_pk": world.student.pk})}">Ouvrir un suivi' in page
    client.force_login(world.teacher.user)
    page = client.get(reverse("ecole:student_detail", kwargs={"pk": world.student.pk})).content.decode()
    assert "Ouvrir un suivi" not in page and "Absences et suivi" not in page


def test_it_refuses_a_vigilance_minimum_above_the_risque_one_in_french(world):
    with pytest.raises(ValidationError, match="ne peut pas dépasser celui du risque"):
        services.settings_update(
            etablissement=world.etablissement, user=world.cpe.user, vigilance_min_absences=5, risque_min_absences=3
        )
    assert services.settings_get(etablissement=world.etablissement).vigilance_min_absences == 2


def test_a_parent_on_an_old_phone_reads_how_to_write_a_date(world, client, frozen):
    client.force_login(world.users["parent"])
    prefix = f"c{world.student.pk}"
    page = client.post(
        reverse("suivi:family_absences"),
        {
            "student": world.student.pk,
            f"{prefix}-start": "2 déc",
            f"{prefix}-end": "02/12/2026",
            f"{prefix}-reason": "transport",
        },
    ).content.decode()
    assert "Saisissez une date au format jj/mm/aaaa, par exemple 02/12/2026." in page
    assert not Justification.objects.exists()
