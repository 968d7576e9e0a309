"""Everything the portal holds about one person, found by introspection (GDPR right of access).

No list of models to maintain: every model with a ForeignKey, OneToOneField or ManyToManyField to
``ecole.Student`` (resp. ``ecole.Guardian``) is walked through Django's model meta, and so are the
rows that belong to those rows (a cascading foreign key: a case's notes belong to the case), and
the rows of the person's own account in the portal's apps. A new model is covered the day it is
written; ``test_subject_export`` fails if one is not.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from continuite.ecole.models import Guardian, Student

# Fields never exported: secrets and credentials are not personal data one reads, they are keys.
SECRET_WORDS = ("password", "secret", "token", "key", "hash")
# Only the portal's own apps (settings.PORTAL_APPS) hold personal data worth exporting about an
# account (allauth's MFA secrets and sessions are credentials, not data about the person).
MAX_DEPTH = 3


def _is_project_model(model) -> bool:
    return model._meta.app_config.name in settings.PORTAL_APPS


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def links_to(target) -> list[tuple[type[models.Model], models.Field]]:
    """Every (model, field) whose ForeignKey, OneToOneField or ManyToManyField points to ``target``.

    Auto-created many-to-many tables are skipped: the model holding the field is listed instead.
    """
    found = []
    for model in apps.get_models():
        if model._meta.auto_created:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is target:
                found.append((model, field))
    return found


def _value(obj, field):
    if field.is_relation:
        related = getattr(obj, field.name, None)
        return None if related is None else str(related)
    value = getattr(obj, field.attname)
    if field.choices and value not in (None, ""):
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if isinstance(value, (bytes, memoryview)):
        return None
    return value


def serialise(obj) -> dict:
    """One row as a readable dict: French field names (verbose names), values as text."""
    row: dict = {}
    for field in obj._meta.concrete_fields:
        if any(word in field.name.lower() for word in SECRET_WORDS):
            continue
        row[str(field.verbose_name)] = _value(obj, field)
    for field in obj._meta.many_to_many:
        row[str(field.verbose_name)] = [str(item) for item in getattr(obj, field.name).all()]
    return row


class _Collector:
    def __init__(self):
        self.sections: dict[str, dict] = {}
        self.seen: set[tuple[str, object]] = set()

    def add(self, model, rows: Iterable[models.Model], link: str, depth: int) -> None:
        fresh = []
        for obj in rows:
            key = (_label(model), obj.pk)
            if key in self.seen:
                continue
            self.seen.add(key)
            fresh.append(obj)
        section = self.sections.setdefault(
            _label(model),
            {
                "modèle": _label(model),
                "libellé": str(model._meta.verbose_name_plural),
                "lien": link,
                "enregistrements": [],
            },
        )
        section["enregistrements"].extend(serialise(obj) for obj in fresh)
        if fresh and depth < MAX_DEPTH:
            self.add_owned(model, fresh, depth + 1)

    def add_links(self, target, instance, depth: int = 1) -> None:
        """The rows of every model that points to ``instance`` (of model ``target``)."""
        for model, field in links_to(target):
            rows = model._default_manager.filter(**{field.name: instance}).distinct()
            self.add(model, rows, f"{field.verbose_name}", depth)

    def add_owned(self, parent_model, parents: list, depth: int) -> None:
        """Rows deleted with their parent (CASCADE) belong to the same person."""
        for model, field in links_to(parent_model):
            if model._meta.auto_created or not _is_project_model(model):
                continue
            if getattr(field.remote_field, "on_delete", None) is not models.CASCADE:
                continue
            rows = model._default_manager.filter(**{f"{field.name}__in": [p.pk for p in parents]})
            self.add(model, rows, f"{field.verbose_name} ({parent_model._meta.verbose_name})", depth)

    def add_account(self, user) -> None:
        if user is None:
            return
        user_model = apps.get_model(settings.AUTH_USER_MODEL)
        self.add(user_model, [user], "compte", MAX_DEPTH)
        for model, field in links_to(user_model):
            if not _is_project_model(model) or model is user_model:
                continue
            rows = model._default_manager.filter(**{field.name: user}).distinct()
            self.add(model, rows, f"{field.verbose_name} (compte)", MAX_DEPTH)

    def result(self, person, kind: str) -> dict:
        return {
            "document": "Continuité — données personnelles détenues par le portail",
            "généré le": timezone.localtime().isoformat(timespec="seconds"),
            "personne": {"type": kind, "nom": str(person), "établissement": str(person.etablissement)},
            # Every model searched, even where nothing was found: the proof that none was forgotten.
            "modèles examinés": sorted(self.sections),
            "données": [section for section in self.sections.values() if section["enregistrements"]],
        }


def export_student(student: Student) -> dict:
    """Everything about a student: his directory row, every row linked to him, his account's rows."""
    collector = _Collector()
    collector.add(Student, [student], "fiche", MAX_DEPTH)
    collector.add_links(Student, student)
    collector.add_account(student.user)
    return collector.result(student, "élève")


def export_guardian(guardian: Guardian) -> dict:
    """Everything about a guardian: his directory row, his links to students, his account's rows."""
    collector = _Collector()
    collector.add(Guardian, [guardian], "fiche", MAX_DEPTH)
    collector.add_links(Guardian, guardian)
    collector.add_account(guardian.user)
    return collector.result(guardian, "responsable")
