"""Thin views: parse → access → service → render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from continuite import french
from continuite.accounts.roles import Role
from continuite.audit.models import AuditAction
from continuite.audit.services import audit_record
from continuite.csvexport import csv_name, csv_response
from continuite.ecole.access import require_role
from continuite.fragments import fragment

from . import services
from .access import access_device, access_loan, access_need, access_readiness_division, access_readiness_student
from .forms import (
    DecisionForm,
    DeviceForm,
    HandOverForm,
    ImportForm,
    NeedForm,
    ReadinessForm,
    ReturnForm,
    SettingsForm,
)
from .models import ACTIVE_LOAN_STATES, Device, DigitalReadiness, Loan, Need, NeedStatus
from .queries import (
    MANAGERS,
    READINESS_SCHOOL_READERS,
    dashboard_counts,
    readiness_divisions,
    readiness_overview,
    readiness_rows,
)
from .readiness import readiness_record

MANAGER_ROLES = tuple(MANAGERS)
# Everyone who may declare a need (staff for himself, parents and students for the child).
DECLARER_ROLES = tuple(Role)


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _log_view(request, obj, student) -> None:
    """A student's equipment file tells about his family's situation: every reading is in the access log."""
    if student is not None:
        audit_record(user=request.user, action=AuditAction.VIEW, obj=obj, student=student, request=request)


# --- Needs ---------------------------------------------------------------------------------------


@login_required
def need_list(request):
    require_role(request.user, *DECLARER_ROLES)
    needs = (
        Need.objects.visible_to(request.user)
        .select_related("student__division", "staff")
        .order_by("-declared_at", "-pk")[:200]
    )
    return render(request, "equipement/need_list.html", {"needs": needs})


@login_required
def need_create(request):
    require_role(request.user, *DECLARER_ROLES)
    form = NeedForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_declare(user=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Le besoin est signalé ; la direction va l'examiner."))
            return redirect(need)
    return render(request, "equipement/need_create.html", {"form": form})


@login_required
def need_detail(request, pk: int):
    need = access_need(request.user, pk)
    _log_view(request, need, need.student)
    is_manager = bool(request.user.roles & MANAGERS)
    loans = need.loans.select_related("device").order_by("-approved_at")
    form = None
    if is_manager and need.status == NeedStatus.WAITING:
        form = DecisionForm(etablissement=need.etablissement)
    readiness = DigitalReadiness.objects.filter(student_id=need.student_id).first() if need.student_id else None
    can_keep_readiness = (
        need.student_id is not None
        and readiness_divisions(request.user, for_write=True).filter(pk=need.student.division_id).exists()
    )
    return render(
        request,
        "equipement/need_detail.html",
        {
            "need": need,
            "loans": loans,
            "form": form,
            "is_manager": is_manager,
            "readiness": readiness,
            "can_keep_readiness": can_keep_readiness,
        },
    )


@login_required
@require_POST
def need_decide(request, pk: int):
    need = access_need(request.user, pk, for_write=True)
    form = DecisionForm(request.POST, etablissement=need.etablissement)
    if not form.is_valid():
        messages.error(request, _("La réponse n'est pas valide : vérifiez le formulaire."))
        return redirect(need)
    data = form.cleaned_data
    try:
        services.need_decide(
            user=request.user,
            need=need,
            decision=data["decision"],
            reference=data["reference"],
            access_slot=data["access_slot"],
            refusal_reason=data["refusal_reason"],
            device=data["device"],
            expected_return=data["expected_return"],
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("La décision est enregistrée et les familles sont prévenues."))
    return redirect(need)


@login_required
@require_POST
def need_close(request, pk: int):
    need = access_need(request.user, pk, for_write=True)
    try:
        services.need_close(user=request.user, need=need)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Le besoin est clos."))
    return redirect(need)


# --- The direction's page ------------------------------------------------------------------------


@login_required
def dashboard(request):
    require_role(request.user, *MANAGER_ROLES)
    etablissement = request.user.etablissement
    today = timezone.localdate()

    def context():
        waiting = (
            Need.objects.filter(etablissement=etablissement)
            .waiting()
            .select_related("student__division", "staff")
            .order_by("declared_at", "pk")
        )
        loans = list(
            Loan.objects.filter(etablissement=etablissement, status__in=ACTIVE_LOAN_STATES)
            .select_related("device", "need__student__division", "need__staff")
            .order_by("expected_return", "pk")
        )
        return {
            "counts": dashboard_counts(etablissement=etablissement, today=today),
            "waiting": waiting,
            "loans": loans,
            # The overdue list comes from the same rows: no second query.
            "overdue": [loan for loan in loans if loan.status == "remis" and loan.expected_return < today],
            "today": today,
        }

    body = fragment(
        request,
        "equipement-dashboard",
        etablissement_id=etablissement.pk,
        domains=("equipement", "ecole"),
        template="equipement/partials/dashboard_body.html",
        context=context,
    )
    return render(request, "equipement/dashboard.html", {"body": body})


@login_required
def export_csv(request):
    require_role(request.user, *MANAGER_ROLES)
    today = timezone.localdate()
    needs = (
        Need.objects.filter(etablissement_id=request.user.etablissement_id)
        .select_related("student__division", "staff")
        .prefetch_related(Prefetch("loans", queryset=Loan.objects.select_related("device").order_by("approved_at")))
        .order_by("declared_at", "pk")
    )
    header = [
        _("Personne"),
        _("Division"),
        _("Ce qui manque"),
        _("Signalé le"),
        _("État"),
        _("Décision"),
        _("Référence"),
        _("Matériel"),
        _("État du prêt"),
        _("Retour prévu"),
        _("En retard"),
        _("Convention acceptée le"),
    ]

    def rows():
        for need in needs:
            for loan in list(need.loans.all()) or [None]:
                late = loan is not None and loan.status == "remis" and loan.expected_return < today
                yield [
                    csv_name(need.person),
                    need.student.division.code if need.student_id and need.student.division_id else "",
                    need.missing_label,
                    timezone.localtime(need.declared_at).date(),
                    need.get_status_display(),
                    need.get_decision_display() if need.decision else "",
                    need.decision_reference,
                    loan.device.asset_tag if loan else "",
                    loan.get_status_display() if loan else "",
                    loan.expected_return if loan else "",
                    _("oui") if late else "",
                    timezone.localtime(loan.agreement_accepted_at).date()
                    if loan and loan.agreement_accepted_at
                    else "",
                ]

    # The project's one CSV download: names and references typed by people are neutralised there.
    return csv_response(f"equipement-{today:%Y-%m-%d}.csv", header, rows())


@login_required
def settings_edit(request):
    require_role(request.user, *MANAGER_ROLES)
    current = services.settings_for(request.user.etablissement)
    form = SettingsForm(
        request.POST or None,
        initial={
            "agreement_text": current.agreement_text,
            "default_loan_days": current.default_loan_days,
            "reminder_days_before": current.reminder_days_before,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.equipment_settings_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Les réglages sont enregistrés ; les conventions déjà acceptées ne changent pas.")
            )
            return redirect("equipement:settings")
    return render(request, "equipement/settings_edit.html", {"form": form})


# --- Inventory -----------------------------------------------------------------------------------


@login_required
def device_list(request):
    require_role(request.user, *MANAGER_ROLES)
    devices = Device.objects.visible_to(request.user).with_current_loan().order_by("kind", "asset_tag")
    return render(request, "equipement/device_list.html", {"devices": devices})


@login_required
def device_create(request):
    require_role(request.user, *MANAGER_ROLES)
    form = DeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.device_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Le matériel est ajouté à l'inventaire."))
            return redirect("equipement:device_list")
    return render(request, "equipement/device_form.html", {"form": form, "device": None})


@login_required
def device_edit(request, pk: int):
    require_role(request.user, *MANAGER_ROLES)
    device = access_device(request.user, pk, for_write=True)
    form = DeviceForm(request.POST or None, instance=Device.objects.get(pk=device.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.device_update(user=request.user, device=device, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Le matériel est modifié."))
            return redirect("equipement:device_list")
    loans = device.loans.select_related("need__student", "need__staff").order_by("-approved_at")
    return render(request, "equipement/device_form.html", {"form": form, "device": device, "loans": loans})


@login_required
def device_import(request):
    require_role(request.user, *MANAGER_ROLES)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            content = form.cleaned_data["file"].read().decode("utf-8")
            created, updated = services.devices_import_csv(user=request.user, content=content)
        except UnicodeDecodeError:
            form.add_error("file", _("Le fichier doit être encodé en UTF-8."))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Import terminé : %(c)s créé(s), %(u)s mis à jour.") % {"c": created, "u": updated}
            )
            return redirect("equipement:device_list")
    return render(request, "equipement/device_import.html", {"form": form, "columns": services.CSV_COLUMNS})


@login_required
def device_export(request):
    require_role(request.user, *MANAGER_ROLES)
    devices = Device.objects.visible_to(request.user).order_by("kind", "asset_tag")
    # Read back by the inventory import, which strips the neutralising apostrophe (round trip).
    return csv_response(
        "inventaire.csv",
        services.CSV_COLUMNS,
        (
            [d.asset_tag, d.kind, d.model, d.serial_number, d.owner, d.state, d.location, d.kit, d.notes]
            for d in devices
        ),
    )


# --- Loans ---------------------------------------------------------------------------------------


@login_required
def loan_detail(request, pk: int):
    loan = access_loan(request.user, pk)
    _log_view(request, loan, loan.need.student)
    is_manager = bool(request.user.roles & MANAGERS)
    context = {"loan": loan, "is_manager": is_manager, "today": timezone.localdate()}
    if is_manager:
        context["hand_over_form"] = HandOverForm(loan=loan)
        context["return_form"] = ReturnForm()
    guardian = request.user.guardian_profile
    if guardian is not None and loan.agreement_required and loan.agreement_accepted_at is None and loan.is_active:
        token = services.agreement_token(loan=loan, guardian=guardian)
        context["agreement_url"] = reverse("equipement:agreement", kwargs={"token": token})
    return render(request, "equipement/loan_detail.html", context)


@login_required
@require_POST
def loan_agreement_resend(request, pk: int):
    loan = access_loan(request.user, pk, for_write=True)
    try:
        sent = services.loan_agreement_resend(user=request.user, loan=loan)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "Un nouveau lien vers la convention a été envoyé au responsable légal.",
                "Un nouveau lien vers la convention a été envoyé aux %(count)d responsables légaux.",
                sent,
            )
            % {"count": sent},
        )
    return redirect(loan)


@login_required
@require_POST
def loan_prepare(request, pk: int):
    loan = access_loan(request.user, pk, for_write=True)
    try:
        services.loan_prepare(user=request.user, loan=loan)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Le matériel est prêt à être remis."))
    return redirect(loan)


@login_required
@require_POST
def loan_hand_over(request, pk: int):
    loan = access_loan(request.user, pk, for_write=True)
    form = HandOverForm(request.POST, loan=loan)
    if not form.is_valid():
        messages.error(request, _("Choisissez un responsable légal de l'élève."))
        return redirect(loan)
    try:
        services.loan_hand_over(user=request.user, loan=loan, signed_by=form.cleaned_data["signed_by"])
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Le matériel est remis."))
    return redirect(loan)


@login_required
@require_POST
def loan_return(request, pk: int):
    loan = access_loan(request.user, pk, for_write=True)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez l'issue du prêt."))
        return redirect(loan)
    try:
        services.loan_return(user=request.user, loan=loan, **form.cleaned_data)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Le retour est enregistré."))
    return redirect(loan)


# --- The guardian's agreement (public: a signed link) --------------------------------------------


def agreement(request, token: str):
    """The agreement's text and an « J'accepte » button, reached from the mail without logging in."""
    try:
        loan, guardian = services.agreement_from_token(token)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    text = services.settings_for(loan.etablissement).agreement_text
    if request.method == "POST":
        try:
            loan = services.agreement_accept(loan=loan, guardian=guardian, shown_digest=request.POST.get("digest", ""))
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Merci : la convention de prêt est acceptée."))
        return redirect("equipement:agreement", token=token)
    return render(
        request,
        "equipement/agreement.html",
        {
            "loan": loan,
            "guardian": guardian,
            "text": loan.agreement_text if loan.agreement_accepted_at else text,
            "digest": services.text_digest(text),
            "can_accept": loan.agreement_accepted_at is None and loan.is_active and loan.agreement_required,
        },
    )


# --- Digital readiness -----------------------------------------------------------------------------

READINESS_ROLES = (*READINESS_SCHOOL_READERS, Role.PROF_PRINCIPAL)


@login_required
def readiness_list(request):
    """The students of a class and what each still lacks: ENT codes, tools, training, equipment."""
    require_role(request.user, *READINESS_ROLES)
    today = timezone.localdate()
    divisions = readiness_divisions(request.user)
    if request.GET.get("classe", "").isdigit():
        division = access_readiness_division(request.user, int(request.GET["classe"]))
    else:
        # Several classes: one line each, to pick the class to look at; a single class: that class.
        overview = readiness_overview(divisions=divisions, day=today)
        if len(overview) != 1:
            return render(request, "equipement/readiness_list.html", {"overview": overview, "division": None})
        division = overview[0]
    context = {"divisions": list(divisions.order_by("code")), "division": division}
    if division is not None:
        rows = readiness_rows(division=division, day=today)
        can_keep = readiness_divisions(request.user, for_write=True).filter(pk=division.pk).exists()
        context.update(rows=rows, can_keep=can_keep, summary=_readiness_summary(rows))
    return render(request, "equipement/readiness_list.html", context)


def _readiness_summary(rows) -> dict:
    return {
        "unchecked": sum(1 for r in rows if r.readiness is None),
        "no_codes": sum(1 for r in rows if r.readiness and r.readiness.ent_codes_given is False),
        "tools": sum(1 for r in rows if r.readiness and r.readiness.knows_tools is False),
        "training": sum(1 for r in rows if r.readiness and r.readiness.needs_training),
        "equipment": sum(1 for r in rows if r.equipment is not None),
    }


def _yes_no_unknown(value) -> str:
    return {True: _("Oui"), False: _("Non"), None: _("Non renseigné")}[value]


@login_required
def readiness_export(request, pk: int):
    """The readiness of one class as a spreadsheet for the référent numérique."""
    require_role(request.user, *READINESS_ROLES)
    division = access_readiness_division(request.user, pk)
    rows = readiness_rows(division=division, day=timezone.localdate())
    audit_record(
        user=request.user,
        action="export",
        obj=division,
        detail=f"preparation-numerique-{division.code}.csv",
        request=request,
    )
    header = [
        _("Nom"),
        _("Prénom"),
        _("Classe"),
        _("Codes ENT remis"),
        _("Connaît les outils"),
        _("Formation nécessaire"),
        _("Équipement manquant"),
        _("Réponse de l'établissement"),
        _("Remarques"),
        _("Mis à jour le"),
    ]
    return csv_response(
        f"preparation-numerique-{division.code}.csv",
        header,
        (
            [
                row.student.last_name,
                row.student.first_name,
                division.code,
                _yes_no_unknown(row.readiness.ent_codes_given if row.readiness else None),
                _yes_no_unknown(row.readiness.knows_tools if row.readiness else None),
                _yes_no_unknown(row.readiness.needs_training if row.readiness else None),
                ", ".join(row.equipment.lacks) if row.equipment else "",
                ", ".join(row.equipment.answers) if row.equipment else "",
                row.readiness.notes if row.readiness else "",
                timezone.localtime(row.readiness.updated_at).date() if row.readiness else "",
            ]
            for row in rows
        ),
    )


@login_required
def readiness_edit(request, student_pk: int):
    student = access_readiness_student(request.user, student_pk, for_write=True)
    readiness = DigitalReadiness.objects.filter(student=student).first()
    form = ReadinessForm(request.POST or None, initial=ReadinessForm.initial_of(readiness))
    if request.method == "POST" and form.is_valid():
        try:
            readiness_record(user=request.user, student=student, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Préparation numérique %(of_name)s enregistrée.") % {"of_name": french.de(student.full_name)}
            )
            return redirect(reverse("equipement:readiness_list") + f"?classe={student.division_id}")
    return render(request, "equipement/readiness_edit.html", {"student": student, "readiness": readiness, "form": form})
