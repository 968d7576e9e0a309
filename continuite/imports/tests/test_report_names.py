"""The report names who arrived, who left and why, who changed class, which guardian fields changed."""

import copy
import datetime as dt
import html
import re

import pytest
from django.template.loader import render_to_string

from continuite.ecole.tests.factories import EtablissementFactory, SchoolYearFactory
from continuite.imports.models import ImportKind, ImportStatus
from continuite.imports.services import import_check, import_job_create, import_run
from continuite.imports.services.reports import MAX_NAMES, Plan

from . import exports

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_time(time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def lycee():
    etab = EtablissementFactory(uai=exports.UAI, name="Lycée Jean Zay")
    SchoolYearFactory(etablissement=etab)
    return etab


def job_of(etab, kind, content, *, apply=True):
    job = import_job_create(etablissement=etab, kind=kind, filename=f"{kind}.xml", content=content)
    job = import_run(job) if apply else import_check(job)
    assert job.status == (ImportStatus.DONE if apply else ImportStatus.CHECKED), job.report
    return job


def text_of(markup: str) -> str:
    """What the direction reads: the text, tags taken away."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def page_of(job) -> str:
    return text_of(render_to_string("imports/partials/report.html", {"job": job, "caption": "x"}))


def test_it_names_arrivals_departures_with_their_reason_and_class_changes(lycee):
    job_of(lycee, ImportKind.SIECLE_ELEVES, exports.eleves(exports.week_one()))
    later = exports.week_two()
    later.eleves.append(exports.Eleve("145790", "070123470AB", "NGUYEN", "Linh", "2NDE1"))
    later.eleves = [e for e in later.eleves if e.nom != "BENALI"]  # forgotten by the export
    dry_run = job_of(lycee, ImportKind.SIECLE_ELEVES, exports.eleves(later), apply=False)
    applied = job_of(lycee, ImportKind.SIECLE_ELEVES, exports.eleves(later))
    for job in (dry_run, applied):
        page = page_of(job)
        assert "Arrivées Linh NGUYEN (2NDE1)" in page
        assert "Départs" in page
        assert "Yanis BENALI (2NDE1) : absent du fichier" in page
        assert "Inès PETIT (2NDE1) : date de sortie du 02/10/2026" in page
        assert "Changements de classe Léa DURAND : 1G3 → 1G4" in page


def test_it_says_a_student_of_inactifs_never_registered_is_not_registered(lycee):
    job = job_of(lycee, ImportKind.SIECLE_ELEVES, exports.eleves(exports.week_one()))
    page = page_of(job)
    assert "1 élève du fichier, sorti (date de sortie passée ou « Inactifs »), n'a jamais été inscrit" in page
    assert "non inscrit" in page
    assert "déjà sorti" not in page


def test_it_names_a_departure_through_inactifs(lycee):
    job_of(lycee, ImportKind.SIECLE_ELEVES, exports.eleves(exports.week_one()))
    later = copy.deepcopy(exports.week_one())
    later.eleves[3].division = "Inactifs"
    page = page_of(job_of(lycee, ImportKind.SIECLE_ELEVES, exports.eleves(later), apply=False))
    assert "Yanis BENALI (2NDE1) : classe « Inactifs »" in page


def test_it_names_the_changed_fields_of_a_guardian(lycee):
    job_of(lycee, ImportKind.SIECLE_ELEVES, exports.eleves(exports.week_one()))
    job_of(lycee, ImportKind.SIECLE_RESPONSABLES, exports.responsables(exports.week_one()))
    later = exports.week_one()
    later.personnes[0].mel = "sophie.durand@nouveau.example.org"
    later.personnes[1].portable = "07 11 22 33 44"
    page = page_of(job_of(lycee, ImportKind.SIECLE_RESPONSABLES, exports.responsables(later), apply=False))
    assert "Responsables modifiés Sophie DURAND : courriel" in page
    assert "Marc DURAND : téléphone" in page


def test_it_caps_each_list_of_names_and_counts_the_rest():
    plan = Plan()
    for n in range(MAX_NAMES + 7):
        plan.name("Arrivées", f"Élève {n}")
    report = plan.report()
    assert len(report["names"][0]["names"]) == MAX_NAMES
    assert report["names"][0]["omitted"] == 7
    page = text_of(render_to_string("imports/partials/report.html", {"job": {"report": report}}))
    assert "Élève 49 … et 7 autres" in page


def test_it_accounts_for_every_guardian_and_link_the_file_no_longer_names(lycee):
    from continuite.ecole.models import Guardian, GuardianLink

    job_of(lycee, ImportKind.SIECLE_ELEVES, exports.eleves(exports.week_one()))
    job_of(lycee, ImportKind.SIECLE_RESPONSABLES, exports.responsables(exports.week_one()))
    later = exports.week_one()
    later.personnes = [p for p in later.personnes if p.nom != "MÜLLER"]
    later.personnes[0].enfants = [("145778", "2", "20")]  # Sophie DURAND becomes responsable 2
    job = job_of(lycee, ImportKind.SIECLE_RESPONSABLES, exports.responsables(later), apply=False)
    counts = job.report["counts"]
    held = Guardian.objects.filter(etablissement=lycee).count()
    listed = counts["Responsables"]["updated"] + counts["Responsables"]["unchanged"]
    assert held == listed + 2
    page = page_of(job)
    assert "2 responsables du portail sont absents du fichier : ils sont gardés, ainsi que 2 liens" in page
    assert "Responsables absents du fichier (gardés) Élodie MÜLLER (Noé MÜLLER) Élodie MÜLLER (Noé MÜLLER)" in page
    assert "Liens modifiés Sophie DURAND – Léa DURAND : type de responsable" in page
    links = counts["Liens responsable-élève"]
    assert GuardianLink.objects.filter(guardian__etablissement=lycee).count() == sum(links.values()) + 2


def test_it_names_the_subjects_a_timetable_creates(lycee):
    job_of(lycee, ImportKind.STS, exports.sts())
    job_of(lycee, ImportKind.SIECLE_ELEVES, exports.eleves(exports.week_one()))
    content = exports.udt().replace(b";AGL1;", b";ESPAGNOL LV2;")
    job = job_of(lycee, ImportKind.UDT, content, apply=False)
    page = page_of(job)
    assert "Matières créées ESPAGNOL LV2" in page
    assert "Retirées (sorties, départs)" not in page and "Retirées" in page


def test_it_stores_phone_numbers_readably_and_does_not_count_a_rewriting_as_a_change(lycee):
    from continuite.ecole.models import Guardian

    job_of(lycee, ImportKind.SIECLE_ELEVES, exports.eleves(exports.week_one()))
    first = exports.week_one()
    first.personnes[0].portable = "0653552894"
    job_of(lycee, ImportKind.SIECLE_RESPONSABLES, exports.responsables(first))
    assert Guardian.objects.get(siecle_id="294435").mobile == "06 53 55 28 94"
    again = exports.week_one()
    again.personnes[0].portable = "+33 6 53 55 28 94"
    job = job_of(lycee, ImportKind.SIECLE_RESPONSABLES, exports.responsables(again), apply=False)
    assert job.report["counts"]["Responsables"]["updated"] == 0
    assert "Responsables modifiés" not in page_of(job)
