"""The equipment pages: forms, French errors, signed links, CSV files and pinned query counts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from continuite.notifications.models import Notification
from equipement import home, services
from equipement.models import Device, Loan, LoanStatus, Need, NeedStatus

from .factories import DecidedNeedFactory, DeviceFactory, LoanFactory, NeedFactory

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    client.get(reverse("equipement:need_list"))  # warm the session, so that it is not saved again
    return client


def rows(world, n):
    """``n`` needs, ``n`` devices and ``n`` loans out (one overdue), spread over two students."""
    for i in range(n):
        student = world.student if i % 2 else world.student2
        NeedFactory(student=student, declared_by=world.teacher.user)
        LoanFactory(
            need__student=student,
            status=LoanStatus.HANDED_OVER,
            expected_return=dt.date.today() + dt.timedelta(days=-1 if i == 0 else 30),
        )
        DeviceFactory(etablissement=world.etablissement)


@pytest.mark.parametrize("n", [2, 6])
def test_it_shows_the_dashboard_in_a_fixed_number_of_queries(world, client, django_assert_num_queries, n):
    rows(world, n)
    logged_in(client, world.direction.user)
    # 1 session, 2 user (with unread notices for the navigation), 3 loans out/overdue/to prepare (one
    # aggregate), 4 needs waiting (count), 5 devices available (count), 6 waiting needs with student,
    # division and staff, 7 active loans with device, student, division and staff.
    with django_assert_num_queries(7):
        response = client.get(reverse("equipement:dashboard"))
    assert response.status_code == 200
    assert response.context["counts"]["overdue"] == 1
    assert len(response.context["overdue"]) == 1
    assert "En retard" in response.content.decode()


@pytest.mark.parametrize("n", [2, 6])
def test_it_lists_needs_for_a_teacher_in_a_fixed_number_of_queries(world, client, django_assert_num_queries, n):
    rows(world, n)
    logged_in(client, world.teacher.user)
    # 1 session, 2 user (roles and unread notices included), 3 needs of his students (one query with
    # subqueries), with student, division and staff.
    with django_assert_num_queries(3):
        response = client.get(reverse("equipement:need_list"))
    assert len(response.context["needs"]) == 2 * n  # n declared needs + the n needs behind the loans


@pytest.mark.parametrize("n", [2, 6])
def test_it_lists_devices_in_a_fixed_number_of_queries(world, client, django_assert_num_queries, n):
    rows(world, n)
    logged_in(client, world.gestionnaire.user)
    # 1 session, 2 user (unread notices included), 3 devices with their current loan (subquery).
    with django_assert_num_queries(3):
        response = client.get(reverse("equipement:device_list"))
    assert len(response.context["devices"]) == 2 * n


@pytest.mark.parametrize("n", [2, 6])
def test_it_exports_needs_and_loans_in_a_fixed_number_of_queries(world, client, django_assert_num_queries, n):
    rows(world, n)
    logged_in(client, world.direction.user)
    # 1 session, 2 user, 3 needs with student, division and staff, 4 their loans with devices.
    with django_assert_num_queries(4):
        response = client.get(reverse("equipement:export_csv"))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Personne;Division")
    assert len(lines) == 1 + 2 * n  # each loan's own need, plus the n needs without loan
    assert sum(";oui;" in line for line in lines) == 1


def test_it_builds_the_home_panels_in_two_queries(world, django_assert_num_queries):
    NeedFactory(student=world.student)
    request = RequestFactory().get("/")
    request.user = world.direction.user
    assert request.user.roles  # loaded before counting
    # 1 needs waiting, 2 loans out and overdue (one aggregate).
    found = home.panels(request)
    with django_assert_num_queries(2):  # read only when the panel is not in the cache
        assert found[0]["context"]()["waiting"] == 1


def test_it_shows_a_parent_the_agreements_to_accept_in_one_query(world, django_assert_num_queries):
    LoanFactory(need__student=world.student)
    request = RequestFactory().get("/")
    request.user = world.guardian.user
    assert request.user.roles
    # 1 active loans of his children waiting for an agreement.
    found = home.panels(request)
    with django_assert_num_queries(1):  # read only when the panel is not in the cache
        assert len(found[0]["context"]()["loans"]) == 1


def test_it_declares_a_need_from_the_form(world, client):
    logged_in(client, world.teacher.user)
    response = client.post(
        reverse("equipement:need_create"),
        {
            "student": world.student.pk,
            "missing": ["ordinateur", "connexion"],
            "context": "partage",
            "ent_codes_ok": "non",
        },
    )
    need = Need.objects.get()
    assert response.url == need.get_absolute_url()
    assert need.missing == ["ordinateur", "connexion"]
    assert need.student.digital_readiness.ent_codes_given is False


def test_it_refuses_a_need_for_nobody_in_french(world, client):
    logged_in(client, world.teacher.user)
    response = client.post(reverse("equipement:need_create"), {"missing": ["ordinateur"], "context": "partage"})
    assert response.status_code == 200
    assert "Choisissez un élève" in response.content.decode()
    assert not Need.objects.exists()


def test_it_offers_a_student_no_one_but_himself(world, client):
    logged_in(client, world.student.user)
    response = client.get(reverse("equipement:need_create"))
    assert list(response.context["form"].fields["student"].queryset) == [world.student]
    assert "for_myself" not in response.context["form"].fields


def test_it_approves_a_loan_from_the_need_page(world, client):
    need = NeedFactory(student=world.student, declared_by=world.teacher.user)
    device = DeviceFactory(etablissement=world.etablissement)
    logged_in(client, world.direction.user)
    client.post(
        reverse("equipement:need_decide", args=[need.pk]), {"decision": "pret_etablissement", "device": device.pk}
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.DECIDED
    assert Loan.objects.get().device == device


def test_it_refuses_a_loan_without_device_in_french(world, client):
    need = NeedFactory(student=world.student)
    logged_in(client, world.direction.user)
    response = client.post(
        reverse("equipement:need_decide", args=[need.pk]), {"decision": "pret_etablissement"}, follow=True
    )
    assert "Choisissez le matériel" in response.content.decode()
    need.refresh_from_db()
    assert need.status == NeedStatus.WAITING
    assert not Notification.objects.exists()


def test_it_accepts_the_agreement_from_the_signed_link_without_login(world, client):
    loan = LoanFactory(need__student=world.student)
    url = reverse("equipement:agreement", args=[services.agreement_token(loan=loan, guardian=world.guardian2)])
    page = client.get(url)
    assert "J&#x27;accepte" in page.content.decode() or "J'accepte" in page.content.decode()
    client.post(url, {"digest": page.context["digest"]})
    loan.refresh_from_db()
    assert loan.agreement_accepted_by == world.guardian2
    assert loan.agreement_text == services.settings_for(world.etablissement).agreement_text


def test_it_refuses_a_forged_agreement_link(world, client):
    loan = LoanFactory(need__student=world.student)
    token = services.agreement_token(loan=loan, guardian=world.guardian)
    assert client.get(reverse("equipement:agreement", args=[token + "x"])).status_code == 404


def test_it_shows_the_accepted_text_not_the_new_one(world, client):
    loan = LoanFactory(need__student=world.student)
    services.agreement_accept(loan=loan, guardian=world.guardian)
    services.equipment_settings_update(
        user=world.direction.user, agreement_text="Texte de 2027", default_loan_days=90, reminder_days_before=3
    )
    url = reverse("equipement:agreement", args=[services.agreement_token(loan=loan, guardian=world.guardian)])
    content = client.get(url).content.decode()
    assert "Texte de 2027" not in content
    assert "Convention acceptée" in content


def test_it_hands_over_and_takes_back_a_device(world, client):
    loan = LoanFactory(need__student=world.student, status=LoanStatus.PREPARED)
    logged_in(client, world.gestionnaire.user)
    client.post(reverse("equipement:loan_hand_over", args=[loan.pk]), {"signed_by": world.guardian.pk})
    client.post(reverse("equipement:loan_return", args=[loan.pk]), {"outcome": "rendu", "condition": "use"})
    loan.refresh_from_db()
    assert loan.status == LoanStatus.RETURNED and loan.agreement_channel == "remise"
    assert Device.objects.get().state == "use"


def test_it_imports_then_exports_the_inventory(world, client):
    logged_in(client, world.gestionnaire.user)
    content = b"numero_inventaire;type;modele;kit\nPC-9;portable;HP 250 G9;chargeur\n"
    client.post(reverse("equipement:device_import"), {"file": SimpleUploadedFile("inv.csv", content)})
    assert Device.objects.get().asset_tag == "PC-9"
    exported = client.get(reverse("equipement:device_export")).content.decode("utf-8-sig")
    assert "PC-9;portable;HP 250 G9;;etablissement;bon;;chargeur;" in exported


def test_it_reports_each_bad_line_of_an_import_in_french(world, client):
    logged_in(client, world.gestionnaire.user)
    content = b"numero_inventaire;type;modele\nPC-9;portable;HP\nPC-10;grille-pain;X\n"
    response = client.post(reverse("equipement:device_import"), {"file": SimpleUploadedFile("inv.csv", content)})
    assert "Ligne 3" in response.content.decode()
    assert not Device.objects.exists()


def test_it_shows_paper_needs_as_still_active_until_closed(world, client):
    need = DecidedNeedFactory(student=world.student, decision="papier")
    logged_in(client, world.direction.user)
    response = client.post(reverse("equipement:need_close", args=[need.pk]), follow=True)
    assert "Le besoin est clos" in response.content.decode(), response.content.decode()[-3000:]
    need.refresh_from_db()
    assert need.status == NeedStatus.CLOSED


def test_the_direction_resends_the_agreement_link_from_the_loan_page(world, client):
    loan = LoanFactory(need__student=world.student)
    logged_in(client, world.direction.user)
    page = client.get(reverse("equipement:loan_detail", kwargs={"pk": loan.pk})).content.decode()
    assert "Renvoyer le lien aux responsables légaux" in page
    response = client.post(reverse("equipement:loan_agreement_resend", kwargs={"pk": loan.pk}), follow=True)
    assert "envoyé aux 2 responsables légaux" in response.content.decode()
    assert Notification.objects.filter(kind="equipement.agreement", object_id=loan.pk).count() == 2
