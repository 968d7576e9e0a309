"""The school's follow-up settings and the texts of its notices."""

import logging
import string

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
    if current.vigilance_min_absences > current.risque_min_absences:
        raise ValidationError(_("Le nombre minimal d'absences de la vigilance ne peut pas dépasser celui du risque."))
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


def check_placeholders(text: str) -> None:
    """Only the listed fields, written plainly: ``{eleve}``. A format spec, a conversion or an
    attribute (``{absences:s}``, ``{absences.real}``, ``{eleve!r}``) is refused with a French message."""
    names = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValidationError(
            _("Une accolade est mal fermée dans le texte. Pour écrire une accolade, doublez-la : {{ ou }}.")
        ) from exc
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            written = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
            raise ValidationError(
                _("Le champ %(field)s n'existe pas ou est mal écrit. Champs possibles, tels quels : %(names)s.")
                % {"field": written, "names": names}
            )


@transaction.atomic
def notice_template_update(
    *, etablissement: Etablissement, user, level: int, subject: str, body: str
) -> NoticeTemplate:
    """Edit the text of one notice level; placeholders are checked so that sending never fails."""
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ValidationError(_("L'objet et le texte de l'avis sont obligatoires."))
    check_placeholders(subject)
    check_placeholders(body)
    # A dry run with a value of the real type for each field: what is saved can be sent.
    sample = {name: "x" for name in PLACEHOLDERS}
    for text in (subject, body):
        text.format_map(sample)
    template = next((t for t in notice_templates_get(etablissement=etablissement) if t.level == level), None)
    if template is None:
        raise ValidationError(_("Niveau d'avis inconnu."))
    template.subject, template.body = subject, body
    template.save(update_fields=["subject", "body", "updated_at"])
    _audit(user=user, action="change", obj=template)
    return template
