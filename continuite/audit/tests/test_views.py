import datetime as dt
import html
import json

import pytest
from django.urls import reverse

from continuite.audit.models import AuditEntry
from continuite.audit.services import audit_record
from continuite.ecole.models import Guardian, Student

pytestmark = pytest.mark.django_db


@pytest.fixture
def direction(client, world):
    client.force_login(world.direction.user)
    return client


def test_it_lists_the_school_entries_in_a_fixed_number_of_queries(direction, world, django_assert_num_queries):
    for _ in range(5):
        audit_record(user=world.cpe.user, action="view", obj=world.student)
    audit_record(user=world.other_direction.user, action="view", obj=world.other_student)

    # 1 session, 2 user (with his profiles and roles), 3 count of the entries, 4 page of entries with
    # their students, 5-7 session expiry pushed back (savepoint, update, release)
    with django_assert_num_queries(7):
        response = direction.get(reverse("audit:entry_list"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 5
    assert "Eva" not in response.content.decode()


def test_it_filters_entries_by_student_user_action_and_dates(direction, world):
    audit_record(user=world.cpe.user, action="view", obj=world.student)
    audit_record(user=world.teacher.user, action="change", obj=world.student2, detail="nom")

    response = direction.get(
        reverse("audit:entry_list"),
        {"student": "petit", "user": "prof@", "action": "change", "start": dt.date.today().isoformat()},
    )

    entries = list(response.context["page"].object_list)
    assert [entry.student for entry in entries] == [world.student2]


def test_it_shows_no_entry_for_an_invalid_filter(direction, world):
    audit_record(user=world.cpe.user, action="view", obj=world.student)

    response = direction.get(reverse("audit:entry_list"), {"start": "2027-02-01", "end": "2027-01-01"})

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "La date de début doit précéder la date de fin." in response.content.decode()


def test_it_finds_students_and_guardians_by_name(direction, world, django_assert_num_queries):
    # 1 session, 2 user (with his profiles and roles), 3 students with divisions, 4 guardians,
    # 5-7 session saved (savepoint, update, release)
    with django_assert_num_queries(7):
        response = direction.get(reverse("audit:subject_search"), {"q": "durand"})

    assert list(response.context["students"]) == [world.student]
    assert set(response.context["guardians"]) == {world.guardian, world.guardian2}


def test_it_exports_a_student_as_readable_json_and_logs_it(direction, world):
    response = direction.get(reverse("audit:student_export", args=[world.student.pk]))

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["personne"]["nom"] == "Léa DURAND"
    assert "\n  " in response.content.decode()  # indented, for a human reader
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.student) == ("export", world.student)


def test_it_exports_a_guardian(direction, world):
    response = direction.get(reverse("audit:guardian_export", args=[world.guardian.pk]))

    assert json.loads(response.content)["personne"]["type"] == "responsable"
    assert AuditEntry.objects.get().action == "export"


def test_it_rectifies_a_student_and_logs_the_changed_fields(direction, world):
    response = direction.post(
        reverse("audit:student_rectify", args=[world.student.pk]),
        {"last_name": "DURAND-MARTIN", "first_name": "Léa", "birth_date": "2009-05-04"},
    )

    assert response.status_code == 302
    world.student.refresh_from_db()
    assert (world.student.last_name, world.student.birth_date) == ("DURAND-MARTIN", dt.date(2009, 5, 4))
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.detail) == ("change", "last_name, birth_date")


def test_it_refuses_a_birth_date_in_the_future_without_change(direction, world):
    response = direction.post(
        reverse("audit:student_rectify", args=[world.student.pk]),
        {"last_name": "X", "first_name": "Y", "birth_date": "2999-01-01"},
    )

    assert response.status_code == 200
    assert "La date de naissance ne peut pas être dans le futur." in response.content.decode()
    assert Student.objects.get(pk=world.student.pk).last_name == "DURAND"
    assert not AuditEntry.objects.exists()


def test_it_rectifies_a_guardian_contact(direction, world):
    direction.post(
        reverse("audit:guardian_rectify", args=[world.guardian2.pk]),
        {"last_name": "DURAND", "first_name": "Marc", "email": "Marc@Exemple.fr", "mobile": "06 12 34 56 78"},
    )

    guardian = Guardian.objects.get(pk=world.guardian2.pk)
    assert (guardian.email, guardian.mobile) == ("marc@exemple.fr", "06 12 34 56 78")
    assert AuditEntry.objects.get().detail == "email, mobile"


def test_it_refuses_a_bad_phone_number_without_change(direction, world):
    response = direction.post(
        reverse("audit:guardian_rectify", args=[world.guardian2.pk]),
        {"last_name": "DURAND", "first_name": "Marc", "email": "", "mobile": "<script>"},
    )

    assert "Le numéro de téléphone" in response.content.decode()
    assert Guardian.objects.get(pk=world.guardian2.pk).mobile == ""


def test_it_fills_the_public_pages_from_the_users_school(client, world):
    world.etablissement.dpo_email = "dpd@ac-orleans-tours.fr"
    world.etablissement.save()
    client.force_login(world.user("parent"))

    privacy = client.get(reverse("audit:privacy_notice")).content.decode()
    accessibility = client.get(reverse("audit:accessibility_statement")).content.decode()

    assert "Lycée Jean Zay" in privacy
    assert "dpd@ac-orleans-tours.fr" in privacy
    assert "intérêt public" in privacy
    assert "Lycée Jean Zay s'engage à rendre le portail Continuité accessible" in accessibility


def test_it_declares_the_portal_non_conforme_until_an_audit_with_its_date_and_recourse(client, world):
    page = html.unescape(client.get(reverse("audit:accessibility_statement")).content.decode())

    assert "Continuité est non conforme avec le RGAA 4.1. Aucun audit n'a encore été réalisé." in page
    assert "partiellement conforme" not in page and "totalement conforme" not in page and "%" not in page
    assert "Cette déclaration a été établie le 29 novembre 2026." in page
    assert "Contenus non accessibles" in page and "Défenseur des droits" in page
    assert 'href="https://formulaire.defenseurdesdroits.fr/"' in page
    assert "Accessibilité : non conforme" in page


def test_it_shows_generic_public_pages_to_anonymous_visitors(client, world):
    response = client.get(reverse("audit:privacy_notice"))

    assert response.status_code == 200
    assert "Lycée Jean Zay" not in response.content.decode()


def test_it_links_the_public_pages_from_every_footer(client, world):
    content = client.get(reverse("account_login")).content.decode()

    assert reverse("audit:privacy_notice") in content
    assert reverse("audit:accessibility_statement") in content


def test_it_asks_the_direction_for_mfa_before_the_access_log(client, world, settings):
    settings.MFA_REQUIRED_FOR_SENSITIVE_ROLES = True
    client.force_login(world.direction.user)

    response = client.get(reverse("audit:entry_list"))

    assert response.status_code == 302
    assert "obligatoire=1" in response["Location"]
