"""The wizard through the test client: upload → dry run → apply → result; the list's query count."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from continuite.ecole.models import Division, Staff
from continuite.imports import samples
from continuite.imports.models import ImportJob, ImportStatus

from .factories import ImportJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def direction(client, world):
    client.force_login(world.direction.user)
    return client


def upload(client, kind, name, content):
    return client.post(reverse("imports:job_create"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_it_checks_an_upload_then_applies_it(direction, world, school, django_capture_on_commit_callbacks):
    response = upload(direction, "sts", "sts_emp_0450001A_2026.xml", samples.sts_xml(school))
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url() and job.status == ImportStatus.CHECKED
    page = direction.get(job.get_absolute_url())
    assert "Simulation" in page.content.decode() and not Division.objects.filter(code="TG1").exists()
    with django_capture_on_commit_callbacks(execute=True):
        direction.post(reverse("imports:job_apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.started_at is not None
    assert Division.objects.filter(etablissement=world.etablissement, code="TG1").exists()
    page = direction.get(job.get_absolute_url()).content.decode()
    assert 'value="100"' in page and "Inviter" in page
    status = direction.get(reverse("imports:job_status", args=[job.pk])).json()
    assert status == {"status": "done", "status_label": "terminé", "progress": 100, "finished": True}


def test_it_shows_why_a_file_is_refused(direction, school):
    upload(direction, "sts", "emp_sts_0450001A_2026.xml", samples.sts_xml(school, root="EDT_STS"))
    page = direction.get(ImportJob.objects.get().get_absolute_url()).content.decode()
    assert "Import refusé" in page and "sts_emp_&lt;UAI&gt;_&lt;année&gt;.xml" in page


def test_it_does_not_apply_a_job_twice(direction, world, django_capture_on_commit_callbacks):
    job = ImportJobFactory(etablissement=world.etablissement, status=ImportStatus.DONE)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = direction.post(reverse("imports:job_apply", args=[job.pk]), follow=True)
    assert callbacks == [] and "Seul un import vérifié" in response.content.decode()


def test_it_runs_the_task_once_even_if_delivered_twice(world, school):
    from continuite.imports.services import import_check, import_job_create
    from continuite.imports.tasks import run_import

    job = import_job_create(
        etablissement=world.etablissement, kind="sts", filename="f.xml", content=samples.sts_xml(school)
    )
    import_check(job)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    run_import(job.pk)
    run_import(job.pk)
    assert Staff.objects.filter(sts_id="4000").count() == 1
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.DONE


def test_it_lists_jobs_in_a_fixed_number_of_queries(direction, world, django_assert_num_queries):
    ImportJobFactory.create_batch(5, etablissement=world.etablissement, created_by=world.direction.user)
    # 1 session, 2 user with his staff profile and unread notifications, 3 the jobs with their
    # authors, 4-6 the session saved back (savepoint, update, release)
    with django_assert_num_queries(6):
        response = direction.get(reverse("imports:job_list"))
    assert response.content.decode().count("sts_emp_0450001A_2026.xml") == 5


def test_it_confirms_before_inviting(direction, world, school, mailoutbox, django_capture_on_commit_callbacks):
    from continuite.imports.services import import_job_create, import_run, invitable_people

    import_run(
        import_job_create(
            etablissement=world.etablissement, kind="sts", filename="f.xml", content=samples.sts_xml(school)
        )
    )
    count = invitable_people(world.etablissement).count_all()
    assert count >= len(school.teachers)
    page = direction.get(reverse("imports:invite_confirm")).content.decode()
    assert f"Inviter {count} personnes" in page
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        direction.post(reverse("imports:invite_send"))
    assert Staff.objects.get(sts_id="4000").user is not None


def test_it_exports_divisions_as_csv_for_excel(direction, world):
    response = direction.get(reverse("imports:export_divisions"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffDivision;Niveau")
    assert "1G3;Première;" in body


def test_it_exports_staff_as_csv(direction, world):
    body = direction.get(reverse("imports:export_staff")).content.decode("utf-8")
    assert "MARTIN;Claire;" in body and "Enseignant" in body


def test_it_asks_to_confirm_an_import_that_removes_most_of_a_table(
    direction, world, django_capture_on_commit_callbacks
):
    school = samples.lycee(world.etablissement.uai, 2026, divisions=3, pupils_per_division=6)
    upload(direction, "siecle_eleves", "ElevesSansAdresses.xml", samples.eleves_xml(school))
    first = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        direction.post(reverse("imports:job_apply", args=[first.pk]))
    school.pupils = school.pupils[:3]
    upload(direction, "siecle_eleves", "ElevesSansAdresses.xml", samples.eleves_xml(school))
    job = ImportJob.objects.exclude(pk=first.pk).get()
    page = direction.get(job.get_absolute_url()).content.decode()
    assert "cet import retire 15 élèves sur 18" in page
    assert 'type="checkbox" name="confirm"' in page and "j'applique quand même cet import" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = direction.post(reverse("imports:job_apply", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    said = response.content.decode().replace("&#x27;", "'")
    assert "cochez la case de confirmation pour l'appliquer. Rien n'a été modifié." in said
    assert world.etablissement.students.filter(exit_date__isnull=True).count() >= 18

    with django_capture_on_commit_callbacks(execute=True):
        direction.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE


def test_it_applies_an_ordinary_import_without_a_checkbox(direction, school):
    upload(direction, "sts", "sts_emp_0450001A_2026.xml", samples.sts_xml(school))
    page = direction.get(ImportJob.objects.get().get_absolute_url()).content.decode()
    assert 'name="confirm"' not in page


def test_it_lists_a_refused_file_as_refused_with_its_reason_and_a_summary(direction, world, school):
    upload(direction, "sts", "emp_sts_0450001A_2026.xml", samples.sts_xml(school, root="EDT_STS"))
    upload(direction, "sts", "sts_emp_0450001A_2026.xml", samples.sts_xml(school))
    ImportJobFactory(etablissement=world.etablissement, created_by=None, filename="cli.xml")
    page = " ".join(direction.get(reverse("imports:job_list")).content.decode().split())
    assert "échec" not in page
    assert "refusé" in page and "sts_emp_&lt;UAI&gt;_&lt;année&gt;.xml" in page
    assert "29 créées, 3 mises à jour, 0 retirées" in page
    assert "ligne de commande" in page


def test_it_names_an_empty_file_and_keeps_the_type_chosen_after_a_refusal(direction, school):
    response = upload(direction, "siecle_eleves", "ElevesSansAdresses.xml", b"")
    said = response.content.decode().replace("&#x27;", "'")
    assert "Le fichier « ElevesSansAdresses.xml » est vide (0 octet)" in said
    assert "Exportez-le de nouveau depuis le logiciel d'origine" in said
    upload(direction, "sts", "emp_sts_0450001A_2026.xml", samples.sts_xml(school, root="EDT_STS"))
    job = ImportJob.objects.get()
    page = direction.get(job.get_absolute_url()).content.decode()
    assert 'href="/imports/?kind=sts"' in page
    form = direction.get("/imports/?kind=sts").content.decode()
    sts_radio = form.split('value="sts"')[1].split(">")[0]
    assert "checked" in sts_radio


def test_the_directions_home_says_which_import_waits_for_her_confirmation(direction, world):
    home = direction.get(reverse("home")).content.decode()
    assert "Imports en attente" not in home
    job = ImportJobFactory(etablissement=world.etablissement, status=ImportStatus.CHECKED)
    ImportJobFactory(etablissement=world.etablissement, status=ImportStatus.DONE, filename="ancien.xml")
    ImportJobFactory(status=ImportStatus.CHECKED, filename="autre_lycee.xml")  # another school's
    home = direction.get(reverse("home")).content.decode()
    assert "Imports en attente" in home
    assert f'<a href="{job.get_absolute_url()}">' in home
    assert "vérifié, à confirmer pour l&#x27;appliquer" in home or "vérifié, à confirmer pour l'appliquer" in home
    assert "ancien.xml" not in home and "autre_lycee.xml" not in home
