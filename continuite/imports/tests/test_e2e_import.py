"""The direction loads a small lycée through the wizard and finds it in the portal."""

import pytest
from playwright.sync_api import expect

from continuite.imports import samples
from continuite.tests.e2e.fixtures import assert_no_axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_imports_a_small_lycee_through_the_wizard(world, page, tmp_path):
    school = samples.lycee(world.etablissement.uai, 2026, divisions=3, pupils_per_division=3, teachers=4)
    files = [
        ("STS-web", f"sts_emp_{school.uai}_2026.xml", samples.sts_xml(school)),
        (
            "SIECLE élèves",
            "ElevesSansAdresses.zip",
            samples.zipped("ElevesSansAdresses.xml", samples.eleves_xml(school, encoding="ISO-8859-15")),
        ),
        ("SIECLE responsables", "ResponsablesAvecAdresses.xml", samples.responsables_xml(school)),
        ("Emploi du temps EDT", "EXP_COURS.xml", samples.edt_xml(school)),
    ]
    login(page, "direction@lycee.fr")
    for label, name, content in files:
        path = tmp_path / name
        path.write_bytes(content)
        page.goto("/imports/")
        assert_no_axe_violations(page)
        page.get_by_label(label).check()
        page.locator("input[type=file]").set_input_files(str(path))
        page.get_by_role("button", name="Déposer et vérifier").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="2. Simulation : ce que l'import ferait")).to_be_visible()
        expect(page.get_by_role("table").first).to_be_visible()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="3. Appliquer l'import").click()
        page.wait_for_load_state()
        progress = page.get_by_label("Avancement de l'import")
        assert progress.get_attribute("value") == "100"
        expect(page.get_by_role("status")).to_contain_text("Terminé — 100 %")
        assert_no_axe_violations(page)

    page.get_by_role("link", name="Voir les divisions").click()
    expect(page.get_by_role("link", name="TG1")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="2NDE1").click()
    expect(page.get_by_text("NOM00001").first).to_be_visible()
    expect(page.get_by_text(school.teachers[0].last_name).first).to_be_visible()
    assert_no_axe_violations(page)

    page.goto("/imports/invitations/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Inviter").click()
    page.wait_for_load_state()
    expect(page.get_by_text("invitation(s) envoyée(s)")).to_be_visible()

    from planning.models import TimetableSlot

    assert TimetableSlot.objects.filter(etablissement=world.etablissement).count() == len(school.slots)


def test_it_survives_a_broker_outage_at_apply_and_retries_a_stuck_import(world, page, tmp_path, monkeypatch):
    import datetime as dt

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from continuite.imports.models import ImportJob, ImportStatus
    from continuite.imports.tasks import run_import

    school = samples.lycee(world.etablissement.uai, 2026, divisions=3, pupils_per_division=2, teachers=3)
    path = tmp_path / f"sts_emp_{school.uai}_2026.xml"
    path.write_bytes(samples.sts_xml(school))
    login(page, "direction@lycee.fr")
    page.goto("/imports/")
    page.get_by_label("STS-web").check()
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Déposer et vérifier").click()
    page.wait_for_load_state()

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(run_import, "apply_async", broker_down)
    page.get_by_role("button", name="3. Appliquer l'import").click()
    page.wait_for_load_state()
    alert = page.get_by_text("Le service qui applique les imports est injoignable pour le moment")
    expect(alert).to_be_visible()
    expect(page.get_by_role("button", name="3. Appliquer l'import")).to_be_visible()  # still appliable
    assert "En cours" not in page.content()
    assert_no_axe_violations(page)

    # The broker is back, but the job was lost on the way: it stays "en cours" until the direction acts.
    monkeypatch.undo()
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, queued_at=timezone.now() - dt.timedelta(minutes=15)
    )
    page.reload()
    expect(page.get_by_role("heading", name="L'import semble bloqué")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Relancer l'import").click()
    page.wait_for_load_state()
    expect(page.get_by_text("L'import a été relancé.")).to_be_visible()
    expect(page.locator("#import-progress-text")).to_have_text("Terminé — 100 %")
    expect(page.get_by_text("Fichier déposé supprimé le")).to_be_visible()
    assert_no_axe_violations(page)
