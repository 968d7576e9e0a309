"""Notices to families: the text, the next step, the sending."""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuite.ecole.models import GuardianLink

from ..models import (
    Case,
    Notice,
    NoticeStage,
    NoticeTemplate,
)
from .absences import active_justification
from .cases import _check_open
from .common import MAX_NOTICE_LEVEL, _audit, _notify
from .config import notice_templates_get

logger = logging.getLogger(__name__)


class _Blank(dict):
    def __missing__(self, key):  # an unknown field never breaks a notice
        return ""


def notice_render(*, case: Case, template: NoticeTemplate, today: dt.date) -> tuple[str, str]:
    evidence = case.evidence or {}
    values = _Blank(
        eleve=case.student.full_name,
        classe=str(case.student.division or ""),
        etablissement=str(case.etablissement.name),
        absences=evidence.get("unexcused", 0),
        seances=evidence.get("sessions", 0),
        travaux=evidence.get("missing_work", 0),
        date=today.strftime("%d/%m/%Y"),
    )
    return template.subject.format_map(values), template.body.format_map(values)


def notice_next_step(case: Case) -> tuple[str, int]:
    """The next step of the notices: (stage, level) — the warning of a level comes before its notice."""
    level = case.notice_level + 1
    warned = case.notices.filter(stage=NoticeStage.WARNING, level=level).exists()
    return (NoticeStage.NOTICE if warned else NoticeStage.WARNING), level


@transaction.atomic
def notice_send(*, case: Case, user, today: dt.date | None = None) -> Notice:
    """Send the next notice step: first the warning of the level to the form tutor, then the notice
    to both legal guardians (through the outbox, an acknowledgement asked of each).

    Refused while a justification covers the absences, and when the situation did not get worse
    since the last notice; the outbox keeps quiet hours (20:00–07:00).
    """
    today = today or timezone.localdate()
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("student__division", "etablissement")
        .get(pk=case.pk)
    )
    _check_open(case)
    if case.notice_level >= MAX_NOTICE_LEVEL:
        raise ValidationError(_("Le dernier niveau d'avis a déjà été envoyé : transmettez le dossier à la direction."))
    covering = active_justification(case.student, today)
    if covering is not None:
        raise ValidationError(
            _("Une justification valable couvre les absences jusqu'au %(end)s : aucun avis n'est envoyé.")
            % {"end": covering.end.strftime("%d/%m/%Y")}
        )
    last = case.notices.filter(stage=NoticeStage.NOTICE).order_by("-level").first()
    if last is not None and case.severity <= last.severity:
        raise ValidationError(
            _("La situation ne s'est pas aggravée depuis le dernier avis (envoyé le %(date)s) : pas de nouvel avis.")
            % {"date": timezone.localtime(last.sent_at).strftime("%d/%m/%Y")}
        )
    stage, level = notice_next_step(case)
    template = notice_templates_get(etablissement=case.etablissement)[level - 1]
    subject, body = notice_render(case=case, template=template, today=today)
    if stage == NoticeStage.WARNING:
        from continuite.accounts.models import User

        tutors = list(
            User.objects.filter(is_active=True, staff__tutored_divisions=case.student.division_id)
            if case.student.division_id
            else []
        )
        recipients = [{"user": tutor} for tutor in tutors]
        notice_kind, template_name = "suivi.notice_warning", "suivi/notifications/warning"
    else:
        links = GuardianLink.objects.filter(student=case.student, kind__in=["legal1", "legal2"]).select_related(
            "guardian"
        )
        recipients = [{"guardian": link.guardian} for link in links.order_by("kind")]
        if not recipients:
            raise ValidationError(_("L'élève n'a aucun responsable légal enregistré : l'avis ne peut pas partir."))
        notice_kind, template_name = "suivi.notice", "suivi/notifications/notice"
    notice = Notice.objects.create(
        case=case,
        stage=stage,
        level=level,
        severity=case.severity,
        subject=subject[:255],
        body=body,
        sent_at=timezone.now(),
        sent_by=user,
    )
    for recipient in recipients:
        who = recipient.get("user") or recipient.get("guardian")
        _notify(
            etablissement=case.etablissement,
            kind=notice_kind,
            template=template_name,
            context={"notice": notice, "case": case, "student": case.student, "subject": subject, "body": body},
            idempotency_key=f"suivi:notice:{notice.pk}:{type(who).__name__.lower()}:{who.pk}",
            ack_required=stage == NoticeStage.NOTICE,
            related=notice,
            **recipient,
        )
    if stage == NoticeStage.NOTICE:
        case.notice_level = level
        case.save(update_fields=["notice_level"])
    _audit(user=user, action="change", obj=case, student=case.student)
    return notice
