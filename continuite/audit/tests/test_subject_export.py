import json

import pytest
from django.apps import apps
from django.db import models

from continuite.audit.services import audit_record
from continuite.audit.subject_export import export_guardian, export_student
from continuite.ecole.models import Guardian, Student

pytestmark = pytest.mark.django_db


def _models_linked_to(target) -> set[str]:
    """Introspection written independently of the exporter: every model with a relation to ``target``."""
    found = set()
    for model in apps.get_models(include_auto_created=False):
        for field in model._meta.get_fields():
            if isinstance(field, (models.ForeignKey, models.ManyToManyField)) and field.remote_field.model is target:
                found.add(f"{model._meta.app_label}.{model._meta.model_name}")
    return found


def _sections(data) -> dict:
    return {section["modèle"]: section for section in data["données"]}


def test_it_searches_every_model_linked_to_students(world):
    data = export_student(world.student)

    missing = _models_linked_to(Student) - set(data["modèles examinés"])
    assert not missing, f"Models holding student data missing from the export: {sorted(missing)}"


def test_it_searches_every_model_linked_to_guardians(world):
    data = export_guardian(world.guardian)

    missing = _models_linked_to(Guardian) - set(data["modèles examinés"])
    assert not missing, f"Models holding guardian data missing from the export: {sorted(missing)}"


def test_it_exports_the_student_his_guardians_his_account_and_his_access_log(world):
    audit_record(user=world.cpe.user, action="view", obj=world.student)

    data = export_student(world.student)

    sections = _sections(data)
    assert sections["ecole.student"]["enregistrements"][0]["nom"] == "DURAND"
    assert len(sections["ecole.guardianlink"]["enregistrements"]) == 2
    assert {row["nom"] for row in sections["ecole.guardian"]["enregistrements"]} == {"DURAND"}
    assert sections["accounts.user"]["enregistrements"][0]["courriel"] == "eleve@lycee.fr"
    assert sections["audit.auditentry"]["enregistrements"][0]["action"] == "Consultation"
    assert data["personne"]["type"] == "élève"


def test_it_never_exports_passwords(world):
    data = export_student(world.student)

    text = json.dumps(data, ensure_ascii=False)
    assert world.student.user.password not in text
    assert "mot de passe" not in text


def test_it_exports_nothing_of_another_student(world):
    data = export_student(world.student2)

    assert "DURAND" not in json.dumps(_sections(data).get("ecole.student"), ensure_ascii=False)
    assert "ecole.guardianlink" not in _sections(data)


def test_it_exports_a_guardian_with_his_links(world):
    data = export_guardian(world.guardian)

    sections = _sections(data)
    assert sections["ecole.guardian"]["enregistrements"][0]["courriel"] == "parent@lycee.fr"
    assert len(sections["ecole.guardianlink"]["enregistrements"]) == 1
    assert sections["accounts.user"]["enregistrements"][0]["courriel"] == "parent@lycee.fr"
    json.dumps(data, ensure_ascii=False)
