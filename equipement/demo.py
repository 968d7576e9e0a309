"""Demo data of the equipment app: an inventory of 40 devices, a dozen needs at every stage, a 1G3
student on paper copies with the SES work she could and could not hand in, and 1G3's digital readiness.

Idempotent: a school that already has devices is left as it is. Everything goes through the
services, so the demo also fills the outbox as real use would.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from continuite.accounts.models import User
from continuite.ecole.models import Group, Guardian, LinkKind, Staff, Student

from . import services
from .models import AgreementChannel, Decision, Device, DeviceKind, DeviceOwner, DeviceState, Loan, LoanStatus

INVENTORY = [
    # (prefix, kind, model, count, kit, owner)
    ("PC", DeviceKind.LAPTOP, "Lenovo ThinkPad L13", 16, "chargeur, housse", DeviceOwner.SCHOOL),
    ("PCR", DeviceKind.LAPTOP, "Dell Latitude 3440 (Région)", 8, "chargeur, sacoche", DeviceOwner.REGION),
    ("TAB", DeviceKind.TABLET, "iPad 10e génération", 8, "chargeur, coque", DeviceOwner.SCHOOL),
    ("4G", DeviceKind.KEY_4G, "Routeur 4G Huawei E5576", 6, "câble USB, carte SIM 20 Go", DeviceOwner.ACADEMIE),
    ("CAM", DeviceKind.WEBCAM, "Casque-micro Logitech H390", 2, "", DeviceOwner.SCHOOL),
]


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


@transaction.atomic
def seed(*, etablissement, today: dt.date) -> None:
    _seed_inventory_and_needs(etablissement=etablissement, today=today)
    _seed_paper_copies_in_1g3(etablissement=etablissement, today=today)
    _seed_readiness_of_1g3(etablissement=etablissement)


def _seed_inventory_and_needs(*, etablissement, today: dt.date) -> None:
    if Device.objects.filter(etablissement=etablissement).exists():
        return
    direction = _user("direction@demo.continuite.fr")
    gestion = _user("gestion@demo.continuite.fr") or direction
    teacher = _user("enseignant@demo.continuite.fr")
    cpe = _user("cpe@demo.continuite.fr")
    if direction is None or cpe is None:
        return

    services.settings_for(etablissement)
    devices: list[Device] = []
    for prefix, kind, model, count, kit, owner in INVENTORY:
        for n in range(1, count + 1):
            devices.append(
                services.device_create(
                    user=gestion,
                    kind=kind,
                    model=model,
                    asset_tag=f"{prefix}-{n:03d}",
                    serial_number=f"{prefix}{etablissement.uai}{n:04d}",
                    owner=owner,
                    state=DeviceState.WORN if n % 7 == 0 else DeviceState.GOOD,
                    location="Local informatique" if kind != DeviceKind.KEY_4G else "Intendance",
                    kit=kit,
                )
            )
    services.device_update(user=gestion, device=devices[15], state=DeviceState.BROKEN, notes="Écran fissuré")
    laptops = iter(d for d in devices if d.kind == DeviceKind.LAPTOP and d.state != DeviceState.BROKEN)

    lea = Student.objects.filter(etablissement=etablissement, last_name="DURAND", first_name="Léa").first()
    # Twelve students spread over the whole school.
    ids = list(
        Student.objects.filter(etablissement=etablissement, division__isnull=False)
        .exclude(pk=getattr(lea, "pk", None))
        .order_by("division__code", "pk")
        .values_list("pk", flat=True)
    )
    picked = ids[:: max(1, len(ids) // 12)][:12]
    others = sorted(Student.objects.filter(pk__in=picked), key=lambda s: picked.index(s.pk))

    def declare(student, user=cpe, **kwargs):
        defaults = {"missing": ["ordinateur"], "context": "partage", "since": today - dt.timedelta(days=20)}
        defaults.update(kwargs)
        return services.need_declare(user=user, student=student, **defaults)

    def loan_for(student, *, stage: str, days: int = 60, **kwargs):
        need = declare(student, **kwargs)
        services.need_decide(
            user=direction,
            need=need,
            decision=Decision.SCHOOL_LOAN,
            device=next(laptops),
            expected_return=today + dt.timedelta(days=days),
        )
        loan = Loan.objects.get(need=need)
        if stage == "approved":
            return loan
        loan = services.loan_prepare(user=gestion, loan=loan)
        if stage == "prepared":
            return loan
        guardian = Guardian.objects.filter(links__student=student, links__kind=LinkKind.LEGAL_1).first()
        services.agreement_accept(loan=loan, guardian=guardian, channel=AgreementChannel.ONLINE)
        loan = services.loan_hand_over(user=gestion, loan=loan)
        if stage == "returned":
            services.loan_return(user=gestion, loan=loan, outcome=LoanStatus.RETURNED, condition=DeviceState.GOOD)
        return loan

    # Léa DURAND (1G3): a school loan approved, her mother's agreement still to accept.
    if lea is not None:
        loan_for(
            lea,
            user=teacher or cpe,
            stage="approved",
            missing=["ordinateur", "connexion"],
            context="sans_connexion",
            details="Un seul ordinateur pour trois enfants, pas de box à la maison.",
            ent_codes_ok=True,
            knows_tools=False,
            needs_training=True,
        )
    if len(others) < 12:
        return
    # Waiting for a decision.
    declare(others[0], missing=["tablette"], context="panne", details="Tablette personnelle cassée.")
    declare(others[1], missing=["connexion"], context="sans_connexion", ent_codes_ok=False)
    # Answers without a device.
    for student in others[2:4]:
        need = declare(student, missing=["ordinateur", "connexion"], context="aucun")
        services.need_decide(user=direction, need=need, decision=Decision.PAPER)
    need = declare(others[4], missing=["webcam"], context="partage")
    services.need_decide(
        user=direction,
        need=need,
        decision=Decision.SCHOOL_ACCESS,
        access_slot="Mardi 13 h – 14 h, salle informatique B12",
    )
    need = declare(others[5], context="panne")
    services.need_decide(user=direction, need=need, decision=Decision.REGION_LOAN, reference="REG-CVL-2026-0412")
    need = declare(others[6], missing=["tablette"], context="autre", details="Souhaite une seconde tablette.")
    services.need_decide(
        user=direction,
        need=need,
        decision=Decision.REFUSED,
        refusal_reason="L'élève dispose déjà d'un ordinateur prêté.",
    )
    # Loans at every stage.
    loan_for(others[7], stage="prepared")
    loan_for(others[8], stage="handed_over", days=2)  # the reminder « before » goes out
    loan_for(others[9], stage="handed_over")
    overdue = loan_for(others[10], stage="handed_over", days=10)
    # The demo needs history: this loan's return date is already past (no service moves a date back).
    Loan.objects.filter(pk=overdue.pk).update(expected_return=today - dt.timedelta(days=6))
    loan_for(others[11], stage="returned")
    # A teacher who lacks a webcam, for himself.
    staff = Staff.objects.filter(etablissement=etablissement, user__email="enseignant@demo.continuite.fr").first()
    if staff is not None:
        services.need_declare(user=staff.user, staff=staff, missing=["webcam"], context="aucun")


def _school_days_before(today: dt.date, count: int) -> dt.date:
    day = today
    while count:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


PAPER_DETAILS = "Pas d'ordinateur ni de connexion à la maison ; travaille sur papier."


def _seed_paper_copies_in_1g3(*, etablissement, today: dt.date) -> None:
    """A 1G3 student of the SES spécialité on paper copies for three weeks: her teachers read her name
    on the homework form, the register and the hand-in page; the online work she could not hand in
    does not count in her signals, the work she gave on paper is "Rendu sur papier"."""
    from planning.models import HandInMode, Homework
    from planning.services import homework_create
    from suivi.services import handin_mark

    from .models import Need

    direction = _user("direction@demo.continuite.fr")
    teacher = Staff.objects.filter(etablissement=etablissement, email="enseignant@demo.continuite.fr").first()
    ses = Group.objects.filter(etablissement=etablissement, code="1SPESES1").current().first()
    if direction is None or teacher is None or teacher.user is None or ses is None:
        return
    need = Need.objects.filter(etablissement=etablissement, details=PAPER_DETAILS).select_related("student").first()
    if need is None:
        student = (
            ses.students.current()
            .filter(division__code="1G3")
            .exclude(last_name="DURAND", first_name="Léa")
            .exclude(equipment_needs__isnull=False)
            .order_by("last_name", "pk")
            .first()
        )
        if student is None:
            return
        need = services.need_declare(
            user=_user("pp@demo.continuite.fr") or direction,
            student=student,
            missing=["ordinateur", "connexion"],
            context="aucun",
            since=today - dt.timedelta(days=30),
            details=PAPER_DETAILS,
            ent_codes_ok=True,
            knows_tools=False,
        )
        services.need_decide(user=direction, need=need, decision=Decision.PAPER)
        # The demo needs history: the answer stands since three weeks (no service moves a date back).
        three_weeks_ago = timezone.now() - dt.timedelta(days=21)
        Need.objects.filter(pk=need.pk).update(declared_at=three_weeks_ago, decided_at=three_weeks_ago)
    student = need.student

    monday = today - dt.timedelta(days=today.weekday())
    work = [
        # The student reads the subject before the title ("Sciences économiques et sociales — Exercice : ...").
        ("Fiche de lecture à déposer", _school_days_before(today, 4), "papier"),
        ("Questionnaire en ligne", _school_days_before(today, 2), "non_rendu"),
        ("Étude de cas à déposer sur l'ENT", monday + dt.timedelta(days=9), None),
    ]
    for title, due, status in work:
        if Homework.objects.filter(etablissement=etablissement, group=ses, title=title).exists():
            continue
        try:
            homework = homework_create(
                etablissement=etablissement,
                title=title,
                given_on=min(due, today) - dt.timedelta(days=7),
                due_date=due,
                estimated_minutes=45,
                by=teacher,
                group=ses,
                hand_in_mode=HandInMode.ENT,
            )
        except ValidationError:
            continue  # a holiday that day: the demo does without this piece of work
        if status is not None:
            handin_mark(homework=homework, user=teacher.user, statuses={student.pk: status})


# What the form tutor and the référent found when they checked 1G3 (codes, tools, training, remark).
READINESS_OF_1G3 = [
    (True, True, False, ""),
    (False, True, False, "Codes ENT perdus : nouveaux codes demandés au secrétariat."),
    (True, False, True, "Ne sait pas déposer un fichier sur l'ENT."),
    (True, True, False, ""),
    (None, False, True, "Absent lors de la séance de prise en main."),
    (True, True, None, ""),
]


def _seed_readiness_of_1g3(*, etablissement) -> None:
    """The 1G3 students' readiness, most checked by the form tutor or the référent, a few not yet."""
    from continuite.ecole.models import Division

    from .models import DigitalReadiness
    from .readiness import readiness_record

    tutor = _user("pp@demo.continuite.fr")
    referent = _user("referent@demo.continuite.fr")
    division = Division.objects.filter(etablissement=etablissement, code="1G3").current().first()
    if tutor is None or referent is None or division is None:
        return
    # The first students of the list, by name: a second run finds them all checked and changes nothing.
    first = list(division.students.current().order_by("last_name", "first_name", "pk")[: 2 * len(READINESS_OF_1G3)])
    checked = set(DigitalReadiness.objects.filter(student__in=first).values_list("student_id", flat=True))
    for index, (student, (codes, tools, training, notes)) in enumerate(zip(first, READINESS_OF_1G3 * 2, strict=False)):
        if student.pk in checked:
            continue
        readiness_record(
            user=tutor if index % 2 else referent,
            student=student,
            ent_codes_given=codes,
            knows_tools=tools,
            needs_training=training,
            notes=notes,
        )
