"""The students' digital readiness: one record per student, listed and exported by class."""

import csv
import datetime as dt
import html
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import strip_tags

from continuite.ecole.tests.factories import StudentFactory
from equipement import services
from equipement.models import DigitalReadiness
from equipement.readiness import readiness_record

from .factories import DecidedNeedFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def logged_in(client, user):
    client.force_login(user)
    client.get(reverse("equipement:need_list"))  # warm the session, so that it is not saved again
    return client


def _text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def _class_of(world, n: int):
    """``n`` more students in 1G3, each with a record: half lack ENT codes, one on paper copies."""
    for i in range(n):
        student = StudentFactory(division=world.division, last_name=f"ELEVE{i:02d}", first_name="Test")
        readiness_record(
            user=world.referent.user,
            student=student,
            ent_codes_given=bool(i % 2),
            knows_tools=True,
            needs_training=i == 0,
        )
        if i == 1:
            DecidedNeedFactory(student=student, decision="papier", lacks_connection=True)


def test_it_lets_the_referent_keep_a_students_record(world, frozen):
    readiness = readiness_record(
        user=world.referent.user,
        student=world.student,
        ent_codes_given=False,
        knows_tools=None,
        needs_training=True,
        notes="  Codes perdus, à rééditer  ",
    )
    assert (readiness.ent_codes_given, readiness.knows_tools, readiness.needs_training) == (False, None, True)
    assert readiness.notes == "Codes perdus, à rééditer"
    assert readiness.missing == ["codes ENT", "formation"]
    # A second call updates the same record.
    readiness_record(
        user=world.tutor.user, student=world.student, ent_codes_given=True, knows_tools=True, needs_training=False
    )
    assert DigitalReadiness.objects.get().missing == []


def test_it_refuses_the_record_of_a_student_of_another_class_to_a_form_tutor(world, frozen):
    with pytest.raises(ValidationError, match="professeur principal de sa classe"):
        readiness_record(
            user=world.tutor.user, student=world.student2, ent_codes_given=True, knows_tools=True, needs_training=False
        )
    with pytest.raises(ValidationError):
        readiness_record(
            user=world.teacher.user, student=world.student, ent_codes_given=True, knows_tools=True, needs_training=False
        )
    assert not DigitalReadiness.objects.exists()


def test_it_keeps_what_a_guardian_answered_when_declaring_a_need_without_erasing_the_rest(world, frozen):
    readiness_record(
        user=world.tutor.user, student=world.student, ent_codes_given=True, knows_tools=True, needs_training=None
    )
    services.need_declare(
        user=world.guardian.user,
        student=world.student,
        missing=["connexion"],
        context="sans_connexion",
        ent_codes_ok=None,
        knows_tools=False,
        needs_training=True,
    )
    readiness = DigitalReadiness.objects.get(student=world.student)
    assert (readiness.ent_codes_given, readiness.knows_tools, readiness.needs_training) == (True, False, True)
    assert readiness.updated_by == world.guardian.user


@pytest.mark.parametrize("n", [2, 6])
def test_it_lists_a_class_for_the_referent_in_a_fixed_number_of_queries(
    world, client, frozen, django_assert_num_queries, n
):
    _class_of(world, n)
    logged_in(client, world.referent.user)
    url = reverse("equipement:readiness_list") + f"?classe={world.division.pk}"
    # 1 session, 2 user (roles and unread notices), 3 the chosen division, 4 the divisions he may read
    # (the class picker), 5 its students with their records (LEFT JOIN), 6 its students without
    # equipment today (needs with their students), 7 whether he may keep it.
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["rows"]) == n + 1  # and Léa, whose record is not filled in
    text = _text(response)
    assert f"{n + 1} élèves" in text
    assert f"{n // 2} sans codes ENT qui fonctionnent" in text
    assert "1 à former au numérique" in text
    assert "1 élève sans équipement à la maison" not in text  # the summary says it without "élève"
    assert "1 sans équipement à la maison" in text
    assert "1 fiche pas encore remplie" in text
    assert re.search(r"ELEVE01.*?sans connexion internet — copies papier .*?équipement", text)


@pytest.mark.parametrize("n", [2, 6])
def test_it_gives_the_referent_every_class_in_a_fixed_number_of_queries(
    world, client, frozen, django_assert_num_queries, n
):
    _class_of(world, n)
    for _n in range(n):
        StudentFactory(division=world.division2)
    logged_in(client, world.referent.user)
    # 1 session, 2 user, 3 the divisions with their counts (one aggregate), 4 their students without
    # equipment today.
    with django_assert_num_queries(4):
        response = client.get(reverse("equipement:readiness_list"))
    overview = {d.code: d for d in response.context["overview"]}
    assert (overview["1G3"].student_count, overview["1G3"].unchecked) == (n + 1, 1)
    assert (overview["1G3"].no_codes, overview["1G3"].training, overview["1G3"].without_equipment) == (n // 2, 1, 1)
    assert (overview["1G4"].student_count, overview["1G4"].unchecked) == (n + 1, n + 1)
    text = _text(response)
    assert re.search(rf"1G3 {n + 1} 1 {n // 2} 0 1 1", text)


def test_it_shows_a_form_tutor_his_own_class_only(world, client, frozen):
    _class_of(world, 2)
    logged_in(client, world.tutor.user)
    response = client.get(reverse("equipement:readiness_list"))
    assert response.context["division"] == world.division
    assert [d.code for d in response.context["divisions"]] == ["1G3"]
    assert "ELEVE00" in _text(response)
    assert client.get(reverse("equipement:readiness_list") + f"?classe={world.division2.pk}").status_code == 404


def test_it_lets_the_form_tutor_fill_in_a_record_from_the_form(world, client, frozen):
    logged_in(client, world.tutor.user)
    url = reverse("equipement:readiness_edit", kwargs={"student_pk": world.student.pk})
    response = client.post(
        url, {"ent_codes_given": "non", "knows_tools": "oui", "needs_training": "", "notes": "Codes à rééditer"}
    )
    assert response.status_code == 302
    assert response.url == reverse("equipement:readiness_list") + f"?classe={world.division.pk}"
    text = _text(client.get(response.url, follow=True))
    assert f"Préparation numérique de {world.student.full_name} enregistrée." in text
    assert re.search(rf"{world.student.full_name} Codes à rééditer non connus non renseigné — codes ENT", text)


def test_it_exports_a_class_as_csv_for_a_spreadsheet(world, client, frozen):
    hostile = StudentFactory(division=world.division, last_name='=HYPERLINK("http://x")', first_name="-2+3")
    readiness_record(
        user=world.referent.user,
        student=hostile,
        ent_codes_given=False,
        knows_tools=None,
        needs_training=True,
        notes="@SUM(A1:A2)",
    )
    DecidedNeedFactory(student=hostile, decision="papier", lacks_connection=True)
    logged_in(client, world.referent.user)
    response = client.get(reverse("equipement:readiness_export", kwargs={"pk": world.division.pk}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="preparation-numerique-1G3.csv"' in response["Content-Disposition"]
    raw = response.content.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Nom", "Prénom", "Classe", "Codes ENT remis"]
    by_first = {row[1]: row for row in rows[1:]}
    assert len(rows) == 3  # the header, Léa and the hostile name
    row = by_first["'-2+3"]
    assert row[0] == '\'=HYPERLINK("http://x")'
    assert row[2:] == [
        "1G3",
        "Non",
        "Non renseigné",
        "Oui",
        "sans ordinateur, sans connexion internet",
        "copies papier",
        "'@SUM(A1:A2)",
        "03/12/2026",
    ]
    assert by_first[world.student.first_name][3:6] == ["Non renseigné", "Non renseigné", "Non renseigné"]


def test_it_refuses_the_export_of_another_class_to_a_form_tutor(world, client, frozen):
    logged_in(client, world.tutor.user)
    assert client.get(reverse("equipement:readiness_export", kwargs={"pk": world.division2.pk})).status_code == 404


def test_it_shows_the_readiness_on_the_students_need(world, client, frozen):
    need = DecidedNeedFactory(student=world.student, decision="papier")
    readiness_record(
        user=world.referent.user, student=world.student, ent_codes_given=True, knows_tools=False, needs_training=None
    )
    logged_in(client, world.tutor.user)
    text = _text(client.get(reverse("equipement:need_detail", kwargs={"pk": need.pk})))
    assert "Codes ENT : remis · outils : non · formation : non renseigné" in text
    assert "Mettre à jour sa préparation numérique" in text


def test_it_neutralises_a_formula_in_the_needs_export_too(world, client, frozen):
    hostile = StudentFactory(division=world.division, last_name="=1+1", first_name="Jean")
    DecidedNeedFactory(student=hostile, decision="papier", declared_at=NOW)
    logged_in(client, world.direction.user)
    raw = client.get(reverse("equipement:export_csv")).content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][0] == "'=1+1 Jean"  # "NOM Prénom", as in every export
    assert rows[1][3] == "03/12/2026"
