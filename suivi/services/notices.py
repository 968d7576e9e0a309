"""Notices to families: what they say, who signs them, when the next step may leave, the sending.

The rules, in the order ``notice_send`` checks them:

1. The figures are counted when the step leaves, over the school's window (never those of the day
   the case was opened). Nothing unjustified left (no unexcused absence, no missing work): nothing
   leaves, and the CPE reads why.
2. Each level starts with a **warning** to a real person: the form tutor(s) with an account, else
   the CPEs. It has its own text (the facts, the date the family notice may leave), not the
   family letter.
3. The **notice** to both legal guardians leaves only ``warning_delay_days`` after the warning,
   unless things got worse meanwhile; a new level only when worse than at the last notice.
4. One click is one step: the case row is locked and the step the CPE saw is checked in the same
   transaction, so a double click sends nothing more.
5. A guardian without an email address gets a printable letter and a call task on the case.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from continuite import french
from continuite.ecole import dataversions
from continuite.ecole.models import GuardianLink, Staff, Student

from .. import queries
from ..models import (
    AttendanceMark,
    Case,
    CaseAction,
    Notice,
    NoticeStage,
    NoticeTemplate,
    SuiviSettings,
)
from .absences import active_justification
from .cases import _check_open, _refresh_review
from .common import MAX_NOTICE_LEVEL, _audit, _cpe_users, _notify
from .config import check_placeholders, notice_templates_get, settings_get

logger = logging.getLogger(__name__)


# --- The figures, counted when the step leaves -----------------------------------------------------


def notice_figures(*, student: Student, settings: SuiviSettings, today: dt.date) -> dict:
    """What the notice may say of the student today: remote sessions, unexcused absences and work
    not handed in over the school's window (the same counts as the signals); two queries."""
    start = queries.window_start(etablissement_id=student.etablissement_id, today=today, days=settings.window_days)
    # query: the student's marks of the window (sessions, absences still "à justifier")
    marks = AttendanceMark.objects.filter(student=student, register__date__range=(start, today)).aggregate(
        sessions=Count("pk"), unexcused=Count("pk", filter=queries.unexcused_absence())
    )
    # query: work not handed in, as the signals count it
    missing = queries.missing_work_by_student(etablissement_id=student.etablissement_id, start=start, end=today)
    return {
        "start": start.isoformat(),
        "end": today.isoformat(),
        "sessions": marks["sessions"],
        "unexcused": marks["unexcused"],
        "missing_work": missing.get(student.pk, 0),
    }


def _weight(figures: dict) -> int:
    """How bad the facts a notice reports are; a later step must report worse to go faster."""
    return figures.get("unexcused", 0) + figures.get("missing_work", 0)


def _period(figures: dict) -> str:
    start, end = dt.date.fromisoformat(figures["start"]), dt.date.fromisoformat(figures["end"])
    return _("%(start)s au %(end)s") % {"start": french.day_month(start), "end": french.day_month(end)}


def notice_statement(*, student: Student, figures: dict) -> str:
    """The facts in one French sentence, plurals right, nothing said of what is zero."""
    unexcused, sessions, missing = figures["unexcused"], figures["sessions"], figures["missing_work"]
    parts = []
    if unexcused:
        parts.append(
            _("%(student)s a manqué sans justification %(absences)s sur %(sessions)s")
            % {
                "student": student.full_name,
                "absences": french.plural(unexcused, _("séance à distance"), _("séances à distance")),
                "sessions": sessions,
            }
        )
    if missing:
        if missing == 1:
            work = _("%(n)s travail demandé n'a pas été rendu") % {"n": missing}
        else:
            work = _("%(n)s travaux demandés n'ont pas été rendus") % {"n": missing}
        parts.append(work if parts else work[0].upper() + work[1:])
    if not parts:
        return _("%(student)s n'a plus d'absence non justifiée ni de travail en retard.") % {
            "student": student.full_name
        }
    return _(", et ").join(parts) + "."


def age_on(birth_date: dt.date | None, today: dt.date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def notice_obligation(*, student: Student, today: dt.date) -> str:
    """The rule that applies at the student's age: compulsory schooling until 16, then the
    obligation de formation until 18 (code de l'éducation, L131-1 and L114-1)."""
    age = age_on(student.birth_date, today)
    if age is not None and age < 16:
        return _("L'instruction est obligatoire jusqu'à 16 ans, et l'assiduité fait partie des obligations de l'élève.")
    if age is None or age < 18:
        return _(
            "Jusqu'à 18 ans, tout jeune doit être en formation (obligation de formation), et l'assiduité fait "
            "partie des obligations de l'élève."
        )
    return _("L'assiduité fait partie des obligations de l'élève inscrit dans l'établissement.")


# --- The text and the signature ----------------------------------------------------------------


class _Values(dict):
    def __missing__(self, key):
        raise ValidationError(_("Champ inconnu : {%(name)s}.") % {"name": key})


def _values(*, student: Student, etablissement, figures: dict, today: dt.date) -> _Values:
    """Every placeholder as a ready-written string (so no format spec is ever needed)."""
    return _Values(
        eleve=student.full_name,
        classe=str(student.division or ""),
        etablissement=str(etablissement.name),
        periode=_period(figures),
        constat=notice_statement(student=student, figures=figures),
        absences=str(figures["unexcused"]),
        seances=str(figures["sessions"]),
        travaux=str(figures["missing_work"]),
        date=f"{french.day_month(today)} {today.year}",
        obligation=notice_obligation(student=student, today=today),
    )


def notice_render(
    *, student: Student, etablissement, template: NoticeTemplate, figures: dict, today: dt.date
) -> tuple[str, str]:
    """The subject and the text of a notice with today's figures; a text that cannot be rendered
    is a French error for the CPE, never a server error."""
    values = _values(student=student, etablissement=etablissement, figures=figures, today=today)
    try:
        check_placeholders(template.subject)
        check_placeholders(template.body)
        # « de {eleve} » reads « d'Arthur ROGER » (the texts are written with a plain « de »)
        subject, body = (french.elide_placeholders(text, values) for text in (template.subject, template.body))
        return subject.format_map(values), body.format_map(values)
    except (ValidationError, KeyError, ValueError, IndexError, AttributeError, TypeError) as exc:
        raise ValidationError(
            _(
                "Le texte de l'avis de niveau %(level)s contient un champ mal écrit : corrigez-le dans les "
                "réglages du suivi (%(error)s)."
            )
            % {"level": template.level, "error": " ".join(getattr(exc, "messages", [str(exc)]))}
        ) from exc


def notice_signer(*, user, etablissement) -> dict:
    """Who signs: the CPE sending the notice (else the school's first CPE), with the vie scolaire's
    telephone and address; the answer goes to the CPE, else to the vie scolaire."""
    settings = settings_get(etablissement=etablissement)
    staff = getattr(user, "staff_profile", None)
    if staff is None or not staff.is_cpe:
        staff = (
            Staff.objects.filter(etablissement=etablissement, is_cpe=True, left_on__isnull=True)
            .order_by("last_name", "first_name")
            .first()
        )
    vie_scolaire_email = settings.vie_scolaire_email or etablissement.contact_email
    name = f"{staff.first_name} {staff.last_name}".strip() if staff else ""
    title = (
        _("Conseillère principale d'éducation")
        if staff and staff.civility.lower().startswith(("mme", "madame"))
        else _("Conseiller principal d'éducation")
    )
    lines = [name, title, str(etablissement.name)] if name else [_("La vie scolaire"), str(etablissement.name)]
    contact = [part for part in (settings.vie_scolaire_phone, vie_scolaire_email) if part]
    if contact:
        lines.append(_("Vie scolaire : %(contact)s") % {"contact": " — ".join(contact)})
    staff_email = (staff.email or (staff.user.email if staff.user_id else "")) if staff else ""
    return {
        "staff": staff,
        "name": name,
        "signature": "\n".join(lines),
        "reply_to": staff_email or vie_scolaire_email,
        "phone": settings.vie_scolaire_phone,
        "email": vie_scolaire_email,
        "postal_address": settings.postal_address,
    }


# --- The next step -------------------------------------------------------------------------------


def notice_next_step(case: Case) -> tuple[str, int]:
    """The next step of the notices: (stage, level) — the warning of a level comes before its notice."""
    level = case.notice_level + 1
    warned = case.notices.filter(stage=NoticeStage.WARNING, level=level).exists()
    return (NoticeStage.NOTICE if warned else NoticeStage.WARNING), level


def step_key(stage: str, level: int) -> str:
    """The step as the case page posts it back ("avis:1"): a second click names a step already sent."""
    return f"{stage}:{level}"


def _warning_recipients(case: Case) -> tuple[list, str]:
    """The form tutors who can be told (an active account), else the CPEs; and who was told, in words."""
    from continuite.accounts.models import User

    tutors = list(
        User.objects.filter(
            is_active=True, staff__tutored_divisions=case.student.division_id, staff__left_on__isnull=True
        )
        .select_related("staff")
        .order_by("staff__last_name", "staff__first_name")
        if case.student.division_id
        else []
    )
    if tutors:
        names = ", ".join(f"{user.staff.first_name} {user.staff.last_name}" for user in tutors)
        return tutors, _("%(names)s (professeur principal)") % {"names": names}
    cpes = list(_cpe_users(case.etablissement_id).select_related("staff").order_by("staff__last_name"))
    if not cpes:
        raise ValidationError(
            _("Personne ne peut recevoir l'avertissement : aucun professeur principal ni CPE n'a de compte.")
        )
    names = ", ".join(f"{user.staff.first_name} {user.staff.last_name}" for user in cpes)
    return cpes, _("%(names)s (CPE) : le professeur principal n'a pas de compte sur le portail") % {"names": names}


def after_school_days(day: dt.date, days: int) -> dt.date:
    """The day ``days`` weekdays after ``day`` (a Friday's warning plus two days: Tuesday)."""
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _check_timing(
    *, case: Case, stage: str, level: int, figures: dict, settings: SuiviSettings, today: dt.date
) -> None:
    if stage == NoticeStage.WARNING:
        last = case.notices.filter(stage=NoticeStage.NOTICE).order_by("-level").first()
        if last is not None and _weight(figures) <= _weight(last.figures or {"unexcused": last.severity}):
            raise ValidationError(
                _(
                    "La situation ne s'est pas aggravée depuis le dernier avis (envoyé le %(date)s) : "
                    "pas de nouvel avis."
                )
                % {"date": french.day_month(timezone.localtime(last.sent_at).date())}
            )
        return
    warning = case.notices.get(stage=NoticeStage.WARNING, level=level)
    earliest = after_school_days(timezone.localtime(warning.sent_at).date(), settings.warning_delay_days)
    if today < earliest and _weight(figures) <= _weight(warning.figures):
        raise ValidationError(
            _(
                "L'avertissement de niveau %(level)s est parti le %(sent)s : l'avis à la famille pourra partir "
                "le %(earliest)s (délai fixé dans les réglages) ; plus tôt seulement si la situation s'aggrave."
            )
            % {
                "level": level,
                "sent": french.day_month(timezone.localtime(warning.sent_at).date()),
                "earliest": french.long_date(earliest, year=False),
            }
        )


def notice_earliest(*, warning: Notice | None, settings: SuiviSettings) -> dt.date | None:
    """The first day the family notice may leave after its warning (None before any warning)."""
    if warning is None:
        return None
    return after_school_days(timezone.localtime(warning.sent_at).date(), settings.warning_delay_days)


def notice_step_in(case: Case, notices: list[Notice]) -> tuple[str, int, Notice | None]:
    """``notice_next_step`` from the case's notices already read (the case page): the stage, the
    level, and the warning of that level when it was sent."""
    level = case.notice_level + 1
    warning = next((n for n in notices if n.stage == NoticeStage.WARNING and n.level == level), None)
    return (NoticeStage.NOTICE if warning else NoticeStage.WARNING), level, warning


def notice_blocked(
    *, case: Case, stage: str, level: int, figures: dict, settings: SuiviSettings, today: dt.date
) -> str:
    """Why the next step would not leave today, in French ("" when it would): a justification covers
    the absences, nothing unjustified is left, or the situation is not worse than at the last step.
    The case page says it up front (no button); ``notice_send`` refuses with the same words."""
    covering = active_justification(case.student, today)
    if covering is not None:
        return _("Une justification valable couvre les absences jusqu'au %(end)s : aucun avis n'est envoyé.") % {
            "end": french.day_month(covering.end)
        }
    if not figures["unexcused"] and not figures["missing_work"]:
        return _(
            "Rien n'est envoyé : du %(period)s, %(student)s n'a plus aucune absence à justifier ni aucun "
            "travail non rendu (les absences ont pu être justifiées depuis l'ouverture du suivi). L'avis "
            "dirait quelque chose de faux ; si l'inquiétude demeure, contactez la famille directement."
        ) % {"period": _period(figures), "student": case.student.full_name}
    try:
        _check_timing(case=case, stage=stage, level=level, figures=figures, settings=settings, today=today)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


# --- Sending ---------------------------------------------------------------------------------------


def _call_task(*, case: Case, notice: Notice, guardian, owner: Staff | None, today: dt.date, user) -> CaseAction | None:
    """The notice could not leave by email: the CPE calls the guardian and hands over the letter."""
    if owner is None:
        return None
    if guardian.mobile:
        what = _(
            "Appeler %(guardian)s au %(phone)s : l'avis de niveau %(level)s n'a pas pu partir par courriel "
            "(aucune adresse). Imprimer le courrier et le faire remettre ou l'envoyer par la poste."
        ) % {"guardian": guardian, "phone": guardian.mobile, "level": notice.level}
    else:
        what = _(
            "Joindre %(guardian)s (ni courriel ni téléphone connu) : imprimer le courrier de l'avis de niveau "
            "%(level)s et l'envoyer par la poste ; demander un numéro au secrétariat."
        ) % {"guardian": guardian, "level": notice.level}
    return CaseAction.objects.create(
        case=case, what=what[:300], owner=owner, review_on=today, created_at=timezone.now(), created_by=user
    )


def notice_undelivered(*, notification, error: str) -> CaseAction | None:
    """A formal notice the mail server refused for good: the vie scolaire calls the family.

    Called (through ``notification_failed``) in the transaction that marks the mail failed, so the
    call task exists exactly when the mail is known lost. Only for a guardian's formal notice
    (the step that asks for an acknowledgement), on a case still open.
    """
    from django.contrib.contenttypes.models import ContentType

    if notification.kind != "suivi.notice" or not notification.guardian_id or not notification.ack_required:
        return None
    if notification.content_type_id != ContentType.objects.get_for_model(Notice).pk:
        return None
    # The case pages and the queue say a notice was not delivered: their cached copies are of the past.
    dataversions.touch(notification.etablissement_id, "suivi")
    notice = Notice.objects.select_related("case__student", "sent_by").filter(pk=notification.object_id).first()
    if notice is None or notice.case.status != "ouvert":
        return None
    guardian = notification.guardian
    owner = getattr(notice.sent_by, "staff_profile", None) if notice.sent_by else None
    if owner is None or owner.left_on is not None:
        owner = Staff.objects.filter(etablissement_id=notice.case.etablissement_id, is_cpe=True, left_on=None).first()
    if owner is None:
        return None
    phone = _(" au %(phone)s") % {"phone": guardian.mobile} if guardian.mobile else ""
    what = _(
        "Appeler %(guardian)s%(phone)s : l'avis de niveau %(level)s envoyé à %(email)s n'a pas été remis "
        "(refusé par le serveur de courriel). Vérifier l'adresse ; imprimer le courrier et le faire remettre."
    ) % {"guardian": guardian, "phone": phone, "level": notice.level, "email": notification.email}
    action = CaseAction.objects.create(
        case=notice.case,
        what=what[:300],
        owner=owner,
        review_on=timezone.localdate(),
        created_at=timezone.now(),
        created_by=None,
    )
    _refresh_review(notice.case)
    logger.info("Avis %s non remis à %s : action d'appel %s créée.", notice.pk, notification.email, action.pk)
    return action


def _moment(today: dt.date) -> dt.datetime:
    """Now; or, when a past day is replayed (the demo, an import), that day at 10:00."""
    if today >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(today, dt.time(10, 0)))


@transaction.atomic
def notice_send(*, case: Case, user, today: dt.date | None = None, expected_step: str | None = None) -> Notice:
    """Send the next notice step (see the module's rules); returns the ``Notice`` written.

    ``expected_step`` is the step the CPE saw on the case page (``step_key``): when another
    request sent it meanwhile (a double click), nothing more is sent and he reads why.
    """
    today = today or timezone.localdate()
    # The lock serialises two clicks: the second one reads the first one's step once it commits.
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("student__division", "etablissement")
        .get(pk=case.pk)
    )
    _check_open(case)
    if case.notice_level >= MAX_NOTICE_LEVEL:
        raise ValidationError(_("Le dernier niveau d'avis a déjà été envoyé : transmettez le dossier à la direction."))
    stage, level = notice_next_step(case)
    if expected_step is not None and expected_step != step_key(stage, level):
        raise ValidationError(
            _(
                "Cette étape vient déjà d'être envoyée (double clic ?) : rien de plus n'est parti. "
                "Étape suivante : %(next)s, niveau %(level)s."
            )
            % {"next": NoticeStage(stage).label.lower(), "level": level}
        )
    settings = settings_get(etablissement=case.etablissement)
    figures = notice_figures(student=case.student, settings=settings, today=today)
    why = notice_blocked(case=case, stage=stage, level=level, figures=figures, settings=settings, today=today)
    if why:
        raise ValidationError(why)
    template = notice_templates_get(etablissement=case.etablissement)[level - 1]
    subject, body = notice_render(
        student=case.student, etablissement=case.etablissement, template=template, figures=figures, today=today
    )
    signer = notice_signer(user=user, etablissement=case.etablissement)
    body = f"{body.rstrip()}\n\n{signer['signature']}"
    if stage == NoticeStage.WARNING:
        users, told = _warning_recipients(case)
        recipients = [{"user": recipient} for recipient in users]
        notice_kind, template_name = "suivi.notice_warning", "suivi/notifications/warning"
    else:
        links = list(
            GuardianLink.objects.filter(student=case.student, kind__in=["legal1", "legal2"])
            .select_related("guardian")
            .order_by("kind")
        )
        if not links:
            raise ValidationError(_("L'élève n'a aucun responsable légal enregistré : l'avis ne peut pas partir."))
        recipients = [{"guardian": link.guardian} for link in links]
        told = ", ".join(str(link.guardian) for link in links)
        notice_kind, template_name = "suivi.notice", "suivi/notifications/notice"
    notice = Notice.objects.create(
        case=case,
        stage=stage,
        level=level,
        severity=_weight(figures),
        figures=figures,
        told=told[:300],
        subject=subject[:255],
        body=body,
        sent_at=_moment(today),
        sent_by=user,
    )
    earliest = after_school_days(today, settings.warning_delay_days)
    context = {
        "notice": notice,
        "case": case,
        "student": case.student,
        "subject": subject,
        "body": body,
        "statement": notice_statement(student=case.student, figures=figures),
        "period": _period(figures),
        "earliest": french.long_date(earliest, year=False),
        "signer": signer["name"] or _("la vie scolaire"),
    }
    undelivered = []
    for recipient in recipients:
        who = recipient.get("user") or recipient.get("guardian")
        row = _notify(
            etablissement=case.etablissement,
            kind=notice_kind,
            template=template_name,
            context=context,
            idempotency_key=f"suivi:notice:{notice.pk}:{type(who).__name__.lower()}:{who.pk}",
            ack_required=stage == NoticeStage.NOTICE,
            related=notice,
            reply_to=signer["reply_to"],
            **recipient,
        )
        if stage == NoticeStage.NOTICE and not row.email:
            undelivered.append(who)
    for guardian in undelivered:
        _call_task(case=case, notice=notice, guardian=guardian, owner=signer["staff"], today=today, user=user)
    if undelivered:
        _refresh_review(case)
    if stage == NoticeStage.NOTICE:
        case.notice_level = level
        case.save(update_fields=["notice_level"])
    _audit(user=user, action="change", obj=case, student=case.student)
    return notice
