"""The school's follow-up settings and the texts of its notices."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from continuite.ecole.models import Etablissement

from ..defaults import DEFAULT_NOTICES, PLACEHOLDERS
from ..models import (
    NoticeTemplate,
    SuiviSettings,
)
from .common import _audit

logger = logging.getLogger(__name__)


def settings_get(*, etablissement: Etablissement | int) -> SuiviSettings:
    etablissement_id = getattr(etablissement, "pk", etablissement)
    found, _created = SuiviSettings.objects.get_or_create(etablissement_id=etablissement_id)
    return found


@transaction.atomic
def settings_update(*, etablissement: Etablissement, user, **values: int) -> SuiviSettings:
    """Change the school's window and thresholds; vigilance must stay below risque."""
    current = settings_get(etablissement=etablissement)
    for name, value in values.items():
        setattr(current, name, value)
    if current.vigilance_absence_percent >= current.risque_absence_percent:
        raise ValidationError(_("Le seuil de vigilance doit être inférieur au seuil de risque (absences)."))
    if current.vigilance_missing_work >= current.risque_missing_work:
        raise ValidationError(_("Le seuil de vigilance doit être inférieur au seuil de risque (travaux non rendus)."))
    current.full_clean()
    current.save()
    _audit(user=user, action="change", obj=current)
    return current


def notice_templates_get(*, etablissement: Etablissement) -> list[NoticeTemplate]:
    """The school's three notice texts, created from the defaults the first time."""
    existing = {t.level: t for t in NoticeTemplate.objects.filter(etablissement=etablissement)}
    for level, (subject, body) in DEFAULT_NOTICES.items():
        if level not in existing:
            existing[level], _created = NoticeTemplate.objects.get_or_create(
                etablissement=etablissement, level=level, defaults={"subject": str(subject), "body": str(body)}
            )
    return [existing[level] for level in sorted(existing)]


def _check_placeholders(text: str) -> None:
    try:
        text.format_map({name: "" for name in PLACEHOLDERS})
    except (KeyError, ValueError, IndexError) as exc:
        raise ValidationError(
            _("Le texte contient un champ inconnu ou mal écrit (%(error)s). Champs possibles : %(names)s.")
            % {"error": exc, "names": ", ".join("{" + n + "}" for n in PLACEHOLDERS)}
        ) from exc


@transaction.atomic
def notice_template_update(
    *, etablissement: Etablissement, user, level: int, subject: str, body: str
) -> NoticeTemplate:
    """Edit the text of one notice level; placeholders are checked so that sending never fails."""
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ValidationError(_("L'objet et le texte de l'avis sont obligatoires."))
    _check_placeholders(subject)
    _check_placeholders(body)
    template = next((t for t in notice_templates_get(etablissement=etablissement) if t.level == level), None)
    if template is None:
        raise ValidationError(_("Niveau d'avis inconnu."))
    template.subject, template.body = subject, body
    template.save(update_fields=["subject", "body", "updated_at"])
    _audit(user=user, action="change", obj=template)
    return template
