"""Writes of the equipment app. Views, admin, imports, tasks and the demo call these, never ``save()``.

Every function is keyword-only, atomic, validates its input and raises ``ValidationError`` with a
French message; a refused call leaves the database as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from continuite.accounts.roles import Role
from continuite.csvexport import csv_uncell
from continuite.ecole.models import Guardian, LinkKind, Staff, Student
from continuite.ecole.services import save_validated

from .models import (
    ACTIVE_LOAN_STATES,
    DEFAULT_AGREEMENT_TEXT,
    LENDABLE_STATES,
    AgreementChannel,
    Decision,
    Device,
    DeviceKind,
    DeviceOwner,
    DeviceState,
    EquipmentSettings,
    Loan,
    LoanStatus,
    MissingKind,
    Need,
    NeedContext,
    NeedStatus,
)
from .queries import MANAGERS

AGREEMENT_SALT = "equipement.agreement"
AGREEMENT_MAX_AGE = dt.timedelta(days=60)
# Who may declare a need for a student (the student himself and his guardians included).
DECLARERS_FOR_STUDENTS = frozenset(
    {Role.ENSEIGNANT, Role.PROF_PRINCIPAL, Role.CPE, Role.DIRECTION, Role.GESTIONNAIRE, Role.PARENT, Role.ELEVE}
)
CSV_COLUMNS = [
    "numero_inventaire",
    "type",
    "modele",
    "numero_serie",
    "proprietaire",
    "etat",
    "emplacement",
    "kit",
    "remarques",
]


def _require_manager(user, etablissement_id: int) -> None:
    if user.etablissement_id != etablissement_id or not (user.roles & MANAGERS):
        raise ValidationError(_("Seules la direction et la gestion peuvent faire cela."))


# --- Per-school settings -------------------------------------------------------------------------


def settings_for(etablissement) -> EquipmentSettings:
    """The school's settings, created with the French default text on first use."""
    found, _created = EquipmentSettings.objects.get_or_create(
        etablissement=etablissement, defaults={"agreement_text": str(DEFAULT_AGREEMENT_TEXT)}
    )
    return found


@transaction.atomic
def equipment_settings_update(
    *, user, agreement_text: str, default_loan_days: int, reminder_days_before: int
) -> EquipmentSettings:
    """Change the agreement's text (for future acceptances only) and the loans' timing."""
    _require_manager(user, user.etablissement_id)
    if not agreement_text.strip():
        raise ValidationError(_("Le texte de la convention ne peut pas être vide."))
    if not 1 <= default_loan_days <= 400:
        raise ValidationError(_("La durée de prêt par défaut doit être comprise entre 1 et 400 jours."))
    if not 0 <= reminder_days_before <= 30:
        raise ValidationError(_("Le rappel doit partir entre 0 et 30 jours avant le retour."))
    current = settings_for(user.etablissement)
    current.agreement_text = agreement_text.strip()
    current.default_loan_days = default_loan_days
    current.reminder_days_before = reminder_days_before
    return save_validated(current)


# --- Needs ---------------------------------------------------------------------------------------


@transaction.atomic
def need_declare(
    *,
    user,
    student: Student | None = None,
    staff: Staff | None = None,
    missing: Iterable[str],
    context: str,
    details: str = "",
    since: dt.date | None = None,
    ent_codes_ok: bool | None = None,
    knows_tools: bool | None = None,
    needs_training: bool = False,
) -> Need:
    """Record that a student (or a member of staff, for himself) lacks equipment."""
    if (student is None) == (staff is None):
        raise ValidationError(_("Un besoin concerne soit un élève, soit un membre du personnel."))
    if student is not None:
        if (
            not (user.roles & DECLARERS_FOR_STUDENTS)
            or not Student.objects.visible_to(user).filter(pk=student.pk).exists()
        ):
            raise ValidationError(_("Vous ne pouvez pas signaler un besoin pour cet élève."))
        etablissement_id = student.etablissement_id
    else:
        if user.staff_profile is None or user.staff_profile.pk != staff.pk:
            raise ValidationError(_("Un membre du personnel ne peut signaler un besoin que pour lui-même."))
        etablissement_id = staff.etablissement_id
    missing = set(missing)
    if not missing:
        raise ValidationError(_("Indiquez au moins un équipement qui manque."))
    if not missing <= set(MissingKind.values):
        raise ValidationError(_("Équipement inconnu."))
    if context not in NeedContext.values:
        raise ValidationError(_("Contexte inconnu."))
    if since is not None and since > timezone.localdate():
        raise ValidationError(_("La date « depuis le » ne peut pas être dans le futur."))
    waiting = Need.objects.filter(status=NeedStatus.WAITING, student=student, staff=staff)
    if waiting.exists():
        raise ValidationError(_("Un besoin est déjà en attente de décision pour cette personne."))
    need = save_validated(
        Need(
            etablissement_id=etablissement_id,
            student=student,
            staff=staff,
            declared_by=user,
            declared_at=timezone.now(),
            lacks_computer=MissingKind.COMPUTER in missing,
            lacks_tablet=MissingKind.TABLET in missing,
            lacks_connection=MissingKind.CONNECTION in missing,
            lacks_webcam=MissingKind.WEBCAM in missing,
            context=context,
            details=details.strip(),
            since=since,
        )
    )
    if student is not None:
        from .readiness import readiness_note_answers

        readiness_note_answers(
            user=user,
            student=student,
            ent_codes_given=ent_codes_ok,
            knows_tools=knows_tools,
            needs_training=needs_training,
        )
    return need


def _legal_guardians(student_id: int | None) -> list[Guardian]:
    if student_id is None:
        return []
    return list(
        Guardian.objects.filter(
            links__student_id=student_id, links__kind__in=[LinkKind.LEGAL_1, LinkKind.LEGAL_2]
        ).order_by("links__kind")
    )


def _recipients(need: Need) -> list[dict]:
    """The declarer, the person concerned and the legal guardians; each person once."""
    guardians = _legal_guardians(need.student_id)
    guardian_user_ids = {g.user_id for g in guardians if g.user_id}
    users = []
    for candidate in (need.declared_by, need.student.user if need.student_id else need.staff.user):
        if candidate is not None and candidate.pk not in guardian_user_ids and candidate not in users:
            users.append(candidate)
    return [{"user": u} for u in users] + [{"guardian": g} for g in guardians]


def _recipient_key(recipient: dict) -> str:
    if "user" in recipient:
        return f"user-{recipient['user'].pk}"
    return f"guardian-{recipient['guardian'].pk}"


def _notify(*, etablissement, kind: str, template: str, context: dict, key: str, related, recipient: dict) -> None:
    from continuite.notifications.services import notify

    notify(
        etablissement=etablissement,
        kind=kind,
        template=template,
        context=context,
        idempotency_key=f"{key}-{_recipient_key(recipient)}",
        related=related,
        channels=("email", "portal") if "user" in recipient or recipient["guardian"].user_id else ("email",),
        # Loans are the direction's decisions: a family's answer goes to the school's address.
        reply_to=etablissement.contact_email,
        **recipient,
    )


@transaction.atomic
def need_decide(
    *,
    user,
    need: Need,
    decision: str,
    reference: str = "",
    access_slot: str = "",
    refusal_reason: str = "",
    device: Device | None = None,
    expected_return: dt.date | None = None,
) -> Need:
    """The direction's answer to a waiting need; a loan decision with a device approves its loan.

    The declarer, the person concerned and the legal guardians are told through the outbox.
    """
    _require_manager(user, need.etablissement_id)
    need = (
        Need.objects.select_for_update(of=("self",))
        .select_related("student__user", "staff__user", "declared_by")
        .get(pk=need.pk)
    )
    if need.status != NeedStatus.WAITING:
        raise ValidationError(_("Ce besoin a déjà reçu une réponse."))
    if decision not in Decision.values:
        raise ValidationError(_("Décision inconnue."))
    reference, access_slot, refusal_reason = reference.strip(), access_slot.strip(), refusal_reason.strip()
    if decision == Decision.SCHOOL_LOAN and device is None:
        raise ValidationError(_("Choisissez le matériel prêté par l'établissement."))
    if decision == Decision.REGION_LOAN and not reference:
        raise ValidationError(_("Indiquez la référence du prêt de la Région ou de l'académie."))
    if decision == Decision.SCHOOL_ACCESS and not access_slot:
        raise ValidationError(_("Indiquez le créneau hebdomadaire d'accès (CDI ou salle informatique)."))
    if decision == Decision.REFUSED and not refusal_reason:
        raise ValidationError(_("Indiquez le motif du refus."))
    if device is not None and decision not in (Decision.SCHOOL_LOAN, Decision.REGION_LOAN):
        raise ValidationError(_("Seul un prêt s'accompagne d'un matériel."))

    need.decision = decision
    need.decision_reference = reference if decision == Decision.REGION_LOAN else ""
    need.access_slot = access_slot if decision == Decision.SCHOOL_ACCESS else ""
    need.refusal_reason = refusal_reason if decision == Decision.REFUSED else ""
    need.status = NeedStatus.REFUSED if decision == Decision.REFUSED else NeedStatus.DECIDED
    need.decided_by = user
    need.decided_at = timezone.now()
    save_validated(need)
    loan = None
    if device is not None:
        loan = loan_approve(user=user, need=need, device=device, expected_return=expected_return)
    for recipient in _recipients(need):
        _notify(
            etablissement=need.etablissement,
            kind="equipement.decision",
            template="equipement/notifications/need_decided",
            context={"need": need, "person": str(need.person), "loan": loan, "decider": decider_label(user)},
            key=f"need-{need.pk}-decision",
            related=need,
            recipient=recipient,
        )
    return need


def decider_label(user) -> str:
    """Who answered a need, as the mails name him: "Nadia BENALI (gestionnaire)", "Paul ROUX (direction)"."""
    from continuite.accounts.roles import Role

    name = user.get_full_name() or user.email
    roles = user.roles
    role = Role.GESTIONNAIRE if Role.GESTIONNAIRE in roles and Role.DIRECTION not in roles else Role.DIRECTION
    return f"{name} ({str(role.label).lower()})"


@transaction.atomic
def need_close(*, user, need: Need) -> Need:
    """End a standing answer (the student no longer needs paper, the loan came back...)."""
    _require_manager(user, need.etablissement_id)
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != NeedStatus.DECIDED or need.closed_at is not None:
        raise ValidationError(_("Seul un besoin décidé et en cours peut être clos."))
    if need.loans.active().exists():
        raise ValidationError(_("Un prêt est encore en cours pour ce besoin."))
    need.status = NeedStatus.CLOSED
    need.closed_at = timezone.now()
    return save_validated(need)


# --- Loans ---------------------------------------------------------------------------------------


def agreement_token(*, loan: Loan, guardian: Guardian) -> str:
    return signing.TimestampSigner(salt=AGREEMENT_SALT).sign(f"{loan.pk}.{guardian.pk}")


def agreement_url(*, loan: Loan, guardian: Guardian) -> str:
    path = reverse("equipement:agreement", kwargs={"token": agreement_token(loan=loan, guardian=guardian)})
    return f"{settings.SITE_URL}{path}"


def agreement_from_token(token: str) -> tuple[Loan, Guardian]:
    """The loan and guardian of a signed link; ``ValidationError`` when forged or expired."""
    try:
        value = signing.TimestampSigner(salt=AGREEMENT_SALT).unsign(token, max_age=AGREEMENT_MAX_AGE)
        loan_id, guardian_id = (int(part) for part in value.split("."))
    except (signing.BadSignature, ValueError) as exc:
        raise ValidationError(_("Ce lien n'est pas valide ou a expiré.")) from exc
    loan = (
        Loan.objects.select_related("etablissement", "device", "need__student", "agreement_accepted_by")
        .filter(pk=loan_id)
        .first()
    )
    guardian = Guardian.objects.filter(pk=guardian_id).first()
    if loan is None or guardian is None:
        raise ValidationError(_("Ce lien n'est pas valide ou a expiré."))
    return loan, guardian


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def loan_approve(*, user, need: Need, device: Device, expected_return: dt.date | None = None) -> Loan:
    """Promise a device to a need; the device row is locked so two approvals never lend it twice.

    The legal guardians of a student receive the agreement's link.
    """
    _require_manager(user, need.etablissement_id)
    # The lock: a second approval of the same device waits here until the first one commits.
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.etablissement_id != need.etablissement_id:
        raise ValidationError(_("Ce matériel n'appartient pas à l'établissement."))
    if need.decision not in (Decision.SCHOOL_LOAN, Decision.REGION_LOAN) or need.status != NeedStatus.DECIDED:
        raise ValidationError(_("Ce besoin n'a pas reçu de décision de prêt."))
    if device.state not in LENDABLE_STATES:
        raise ValidationError(_("Ce matériel n'est pas en état d'être prêté."))
    if Loan.objects.filter(device=device, status__in=ACTIVE_LOAN_STATES).exists():
        raise ValidationError(_("Ce matériel est déjà prêté."))
    today = timezone.localdate()
    if expected_return is None:
        expected_return = today + dt.timedelta(days=settings_for(need.etablissement).default_loan_days)
    if expected_return <= today:
        raise ValidationError(_("La date de retour prévue doit être postérieure à aujourd'hui."))
    loan = Loan(
        etablissement_id=need.etablissement_id,
        need=need,
        device=device,
        expected_return=expected_return,
        approved_by=user,
        approved_at=timezone.now(),
        agreement_required=need.student_id is not None,
    )
    try:
        with transaction.atomic():
            save_validated(loan)
    except IntegrityError as exc:  # the constraint, should a writer bypass the lock
        raise ValidationError(_("Ce matériel est déjà prêté.")) from exc
    _send_agreement_links(loan, etablissement=need.etablissement, key=f"loan-{loan.pk}-agreement")
    return loan


def _send_agreement_links(loan: Loan, *, etablissement, key: str) -> int:
    """Each legal guardian of the borrowing student receives his own signed link to the agreement."""
    guardians = _legal_guardians(loan.need.student_id)
    for guardian in guardians:
        _notify(
            etablissement=etablissement,
            kind="equipement.agreement",
            template="equipement/notifications/agreement_request",
            context={
                "loan": loan,
                "device": loan.device,
                "student": loan.need.student,
                "url": agreement_url(loan=loan, guardian=guardian),
                # the signed link dies AGREEMENT_MAX_AGE after it is made, whenever the mail leaves
                "valid_days": AGREEMENT_MAX_AGE.days,
                "expires_at": timezone.localtime(timezone.now() + AGREEMENT_MAX_AGE),
            },
            key=key,
            related=loan,
            recipient={"guardian": guardian},
        )
    return len(guardians)


@transaction.atomic
def loan_agreement_resend(*, user, loan: Loan) -> int:
    """Send the legal guardians a new agreement link (the first one expires after 60 days or got lost).

    Only while the loan is active and its agreement not accepted; returns how many were sent.
    """
    _require_manager(user, loan.etablissement_id)
    loan = _locked(loan)
    if not loan.agreement_required or loan.agreement_accepted_at is not None:
        raise ValidationError(_("La convention de ce prêt n'attend pas d'acceptation."))
    if not loan.is_active:
        raise ValidationError(_("Ce prêt est terminé : il n'y a plus de convention à accepter."))
    key = f"loan-{loan.pk}-agreement-{timezone.now():%Y%m%d%H%M%S%f}"
    sent = _send_agreement_links(loan, etablissement=loan.etablissement, key=key)
    if not sent:
        raise ValidationError(_("Aucun responsable légal de l'élève n'est connu : remettez la convention sur papier."))
    return sent


def _locked(loan: Loan) -> Loan:
    return (
        Loan.objects.select_for_update(of=("self",)).select_related("device", "need", "etablissement").get(pk=loan.pk)
    )


@transaction.atomic
def loan_prepare(*, user, loan: Loan) -> Loan:
    """The device was reset and its kit checked: ready to hand over."""
    _require_manager(user, loan.etablissement_id)
    loan = _locked(loan)
    if loan.status != LoanStatus.APPROVED:
        raise ValidationError(_("Seul un prêt accordé peut être préparé."))
    loan.status = LoanStatus.PREPARED
    loan.prepared_at = timezone.now()
    return save_validated(loan)


@transaction.atomic
def agreement_accept(
    *, loan: Loan, guardian: Guardian, channel: str = AgreementChannel.ONLINE, shown_digest: str | None = None
) -> Loan:
    """A legal guardian accepts the agreement; its text is copied onto the loan as it stands now.

    ``shown_digest`` (the digest of the text the guardian read) refuses an acceptance of a text
    the school changed in between. Accepting twice changes nothing.
    """
    loan = _locked(loan)
    if loan.agreement_accepted_at is not None:
        return loan
    if not loan.agreement_required:
        raise ValidationError(_("Ce prêt ne demande pas de convention."))
    if loan.status not in ACTIVE_LOAN_STATES:
        raise ValidationError(_("Ce prêt n'est plus en cours."))
    if channel not in AgreementChannel.values:
        raise ValidationError(_("Mode d'acceptation inconnu."))
    if guardian.pk not in {g.pk for g in _legal_guardians(loan.need.student_id)}:
        raise ValidationError(_("Seul un responsable légal de l'élève peut accepter la convention."))
    text = settings_for(loan.etablissement).agreement_text
    if shown_digest is not None and shown_digest != text_digest(text):
        raise ValidationError(_("Le texte de la convention vient d'être modifié : relisez-le avant d'accepter."))
    loan.agreement_text = text
    loan.agreement_accepted_at = timezone.now()
    loan.agreement_accepted_by = guardian
    loan.agreement_channel = channel
    return save_validated(loan)


@transaction.atomic
def loan_hand_over(*, user, loan: Loan, signed_by: Guardian | None = None) -> Loan:
    """Hand the prepared device over; the agreement must be accepted, or signed now by ``signed_by``."""
    _require_manager(user, loan.etablissement_id)
    loan = _locked(loan)
    if loan.status != LoanStatus.PREPARED:
        raise ValidationError(_("Le matériel doit être préparé avant d'être remis."))
    if not loan.agreement_ok:
        if signed_by is None:
            raise ValidationError(
                _("La convention n'a pas été acceptée : indiquez le responsable légal qui la signe à la remise.")
            )
        loan = agreement_accept(loan=loan, guardian=signed_by, channel=AgreementChannel.HAND_OVER)
    loan.status = LoanStatus.HANDED_OVER
    loan.handed_over_at = timezone.now()
    return save_validated(loan)


RETURN_OUTCOMES = (LoanStatus.RETURNED, LoanStatus.DAMAGED, LoanStatus.LOST)


@transaction.atomic
def loan_return(*, user, loan: Loan, outcome: str = LoanStatus.RETURNED, condition: str = "", notes: str = "") -> Loan:
    """Close a loan: returned (with the device's condition), returned damaged, or lost."""
    _require_manager(user, loan.etablissement_id)
    loan = _locked(loan)
    if loan.status != LoanStatus.HANDED_OVER:
        raise ValidationError(_("Seul un matériel remis peut être rendu ou déclaré perdu."))
    if outcome not in RETURN_OUTCOMES:
        raise ValidationError(_("Issue du prêt inconnue."))
    if outcome == LoanStatus.LOST:
        condition = DeviceState.LOST
    elif condition not in DeviceState.values or condition == DeviceState.LOST:
        raise ValidationError(_("Indiquez l'état du matériel au retour."))
    if outcome == LoanStatus.DAMAGED and condition in LENDABLE_STATES:
        condition = DeviceState.BROKEN
    loan.status = outcome
    loan.returned_at = timezone.now()
    loan.return_condition = condition
    loan.return_notes = notes.strip()
    save_validated(loan)
    device = loan.device
    device.state = condition
    save_validated(device)
    return loan


@transaction.atomic
def loan_reminders_send(*, today: dt.date) -> int:
    """Remind borrowers before the return date and once it has passed; each reminder goes once.

    Idempotent: the outbox keys (``loan-<id>-reminder-before`` / ``-after``) make a second run a no-op.
    """
    loans = (
        Loan.objects.out()
        .filter(expected_return__lte=today + dt.timedelta(days=30))
        .select_related("etablissement", "device", "need__student__user", "need__staff__user", "need__declared_by")
    )
    days_before = dict(EquipmentSettings.objects.values_list("etablissement_id", "reminder_days_before"))
    written = 0
    for loan in loans:
        before = days_before.get(loan.etablissement_id, 3)
        if loan.expected_return < today:
            stage = "after"
        elif loan.expected_return <= today + dt.timedelta(days=before):
            stage = "before"
        else:
            continue
        need = loan.need
        person = need.student.user if need.student_id else need.staff.user
        recipients = [{"guardian": g} for g in _legal_guardians(need.student_id)]
        if person is not None:
            recipients.append({"user": person})
        for recipient in recipients:
            _notify(
                etablissement=loan.etablissement,
                kind=f"equipement.reminder_{stage}",
                template=f"equipement/notifications/reminder_{stage}",
                context={"loan": loan, "device": loan.device, "person": str(need.person)},
                key=f"loan-{loan.pk}-reminder-{stage}",
                related=loan,
                recipient=recipient,
            )
            written += 1
    return written


# --- Inventory -----------------------------------------------------------------------------------


def _device_fields(values: dict) -> dict:
    return {
        "kind": values.get("kind", ""),
        "model": (values.get("model") or "").strip(),
        "asset_tag": (values.get("asset_tag") or "").strip(),
        "serial_number": (values.get("serial_number") or "").strip(),
        "owner": values.get("owner") or DeviceOwner.SCHOOL,
        "state": values.get("state") or DeviceState.GOOD,
        "location": (values.get("location") or "").strip(),
        "kit": (values.get("kit") or "").strip(),
        "notes": (values.get("notes") or "").strip(),
    }


@transaction.atomic
def device_create(
    *,
    user,
    kind: str,
    model: str,
    asset_tag: str,
    serial_number: str = "",
    owner: str = DeviceOwner.SCHOOL,
    state: str = DeviceState.GOOD,
    location: str = "",
    kit: str = "",
    notes: str = "",
) -> Device:
    """Add a device to the school's inventory; its asset tag is unique in the school."""
    _require_manager(user, user.etablissement_id)
    fields = _device_fields(locals())
    return save_validated(Device(etablissement_id=user.etablissement_id, **fields))


@transaction.atomic
def device_update(*, user, device: Device, **changes) -> Device:
    """Change a device's description or state (a device out on loan keeps its lendable state)."""
    _require_manager(user, device.etablissement_id)
    unknown = set(changes) - {
        "kind",
        "model",
        "asset_tag",
        "serial_number",
        "owner",
        "state",
        "location",
        "kit",
        "notes",
    }
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(device, name, value.strip() if isinstance(value, str) else value)
    return save_validated(device)


def _choice(value: str, choices, label: str, line: int) -> str:
    value = (value or "").strip()
    for code, text in choices:
        if value.lower() in (code.lower(), str(text).lower()):
            return code
    raise ValidationError(
        _("Ligne %(line)s : %(label)s « %(value)s » inconnu.") % {"line": line, "label": label, "value": value}
    )


@transaction.atomic
def devices_import_csv(*, user, content: str) -> tuple[int, int]:
    """Create or update devices from a CSV (the export's columns; « ; » or « , »); all or nothing.

    Returns (created, updated). Every faulty line is reported; none is written if one is faulty.
    """
    _require_manager(user, user.etablissement_id)
    content = content.lstrip("\ufeff")
    if not content.strip():
        raise ValidationError(_("Le fichier est vide."))
    delimiter = ";" if content.splitlines()[0].count(";") >= content.splitlines()[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(content), delimiter=delimiter)
    missing = {"numero_inventaire", "type", "modele"} - set(reader.fieldnames or [])
    if missing:
        raise ValidationError(_("Colonnes manquantes : %(cols)s.") % {"cols": ", ".join(sorted(missing))})
    existing = {d.asset_tag: d for d in Device.objects.filter(etablissement_id=user.etablissement_id)}
    errors: list[str] = []
    rows: list[Device] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        # The export neutralised cells that a spreadsheet would run as formulas: back to the values.
        row = {key: csv_uncell(value) for key, value in raw.items()}
        try:
            fields = _device_fields(
                {
                    "kind": _choice(row.get("type", ""), DeviceKind.choices, _("type"), line),
                    "model": row.get("modele"),
                    "asset_tag": row.get("numero_inventaire"),
                    "serial_number": row.get("numero_serie"),
                    "owner": _choice(
                        row.get("proprietaire") or "etablissement", DeviceOwner.choices, _("propriétaire"), line
                    ),
                    "state": _choice(row.get("etat") or "bon", DeviceState.choices, _("état"), line),
                    "location": row.get("emplacement"),
                    "kit": row.get("kit"),
                    "notes": row.get("remarques"),
                }
            )
            if fields["asset_tag"] in seen:
                raise ValidationError(
                    _("Ligne %(line)s : numéro d'inventaire en double dans le fichier.") % {"line": line}
                )
            seen.add(fields["asset_tag"])
            device = existing.get(fields["asset_tag"]) or Device(etablissement_id=user.etablissement_id)
            for name, value in fields.items():
                setattr(device, name, value)
            device.full_clean(validate_unique=False)
            rows.append(device)
        except ValidationError as exc:
            messages = exc.messages
            errors.extend(m if m.startswith(_("Ligne")) else f"{_('Ligne')} {line} : {m}" for m in messages)
    if errors:
        raise ValidationError(errors)
    created = updated = 0
    for device in rows:
        if device.pk:
            updated += 1
        else:
            created += 1
        device.save()
    return created, updated
