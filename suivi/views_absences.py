"""The vie scolaire's absence pages: the list to process, a student's absences and requests, the
decisions on the families' requests. Thin views: parse → gate → service → redirect."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from continuite import french
from continuite.ecole.models import Division
from continuite.fragments import fragment

from . import queries, services
from .access import access_followed_student, access_justification, access_mark, require_vie_scolaire
from .forms import AbsenceFilterForm, CorrectForm, DecisionForm, JustifyForm, MarkJustifyForm, SettleForm
from .models import AbsenceStatus, AttendanceMark, Case, Justification, JustificationReason

PAGE_SIZE = 50
LIST_DAYS = 30  # the list shows the last 30 days unless a day is chosen (the DASEN month)


def _back(request, default: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


@login_required
def absence_list(request):
    """The absences to process: filters by day, class and student; "à justifier" first; the
    families' requests waiting for a decision; each student's half-days over 30 days."""
    require_vie_scolaire(request.user)
    etablissement_id = request.user.etablissement_id
    today = timezone.localdate()

    def context():
        divisions = Division.objects.filter(etablissement_id=etablissement_id).order_by("code")
        form = AbsenceFilterForm(request.GET or None, divisions=divisions)
        data = form.cleaned_data if form.is_valid() else {}
        marks = AttendanceMark.objects.filter(register__etablissement_id=etablissement_id, status="absent")
        if data.get("day"):
            marks = marks.filter(register__date=data["day"])
        else:
            marks = marks.filter(register__date__range=(today - dt.timedelta(days=LIST_DAYS - 1), today))
        if data.get("division"):
            marks = marks.filter(student__division=data["division"])
        if data.get("student"):
            name = data["student"].strip()
            marks = marks.filter(Q(student__last_name__icontains=name) | Q(student__first_name__icontains=name))
        if (data.get("state") or "a_traiter") == "a_traiter":
            marks = marks.filter(absence_status=AbsenceStatus.TO_JUSTIFY)
        marks = (
            marks.with_pending_request()
            .to_process_first()
            .select_related(
                "student__division", "register__session__subject", "settled_by", "justification__decided_by"
            )
        )
        page = Paginator(marks, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        counts = queries.half_days_by_student(
            etablissement_id=etablissement_id,
            start=today - dt.timedelta(days=queries.DASEN_DAYS - 1),
            end=today,
            student_ids={mark.student_id for mark in rows},
        )
        settings = services.settings_get(etablissement=etablissement_id)
        requests = (
            Justification.objects.pending()
            .filter(etablissement_id=etablissement_id)
            .select_related("student__division", "given_by")
            .order_by("given_at")
        )
        students = {mark.student_id: mark.student for mark in rows}
        summary = sorted(
            ((students[pk], counts.get(pk, {})) for pk in students),
            key=lambda item: (-item[1].get("unexcused_half_days", 0), item[0].last_name, item[0].first_name),
        )
        query = request.GET.copy()
        query.pop("page", None)
        return {
            "form": form,
            "page": page,
            "rows": rows,
            "summary": summary,
            "requests": requests,
            "dasen": settings.dasen_half_days,
            "reasons": JustificationReason.choices,
            "today": today,
            "query": query.urlencode(),
            "back": request.get_full_path(),
        }

    body = fragment(
        request,
        "suivi-absence-list",
        etablissement_id=etablissement_id,
        domains=("suivi", "ecole", "planning"),
        vary=(request.get_full_path(),),
        template="suivi/partials/absence_list_body.html",
        context=context,
    )
    return render(request, "suivi/absence_list.html", {"body": body})


@login_required
@require_POST
def absence_justify(request, pk: int):
    """The vie scolaire justifies one absence (its day) with a receivable reason."""
    mark = access_mark(request.user, pk)
    form = MarkJustifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un motif dans la liste."))
        return _back(request, "suivi:absence_list")
    try:
        services.absence_justify(
            user=request.user,
            student=mark.student,
            start=mark.register.date,
            end=mark.register.date,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Absences %(of_name)s du %(day)s justifiées.")
            % {"of_name": french.de(mark.student.full_name), "day": mark.register.date.strftime("%d/%m/%Y")},
        )
    return _back(request, "suivi:absence_list")


def _process_absence(request, pk: int, form_class, invalid: str, process, done: str):
    """One absence processed from the list (rectified, settled): the form checked, the French message, back."""
    mark = access_mark(request.user, pk)
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(invalid)
        process(user=request.user, mark=mark, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            done
            % {
                "name": mark.student.full_name,
                "of_name": french.de(mark.student.full_name),
                "day": mark.register.date.strftime("%d/%m/%Y"),
            },
        )
    return _back(request, "suivi:absence_list")


@login_required
@require_POST
def absence_correct(request, pk: int):
    """The vie scolaire corrects a mistaken register ("appel erroné"): the absence no longer exists."""
    return _process_absence(
        request,
        pk,
        CorrectForm,
        _("Indiquez comment l'élève a suivi la séance."),
        services.absence_correct,
        _("Appel du %(day)s rectifié pour %(name)s : l'absence est retirée."),
    )


@login_required
@require_POST
def absence_settle(request, pk: int):
    """The vie scolaire settles ("règle") one absence with a reason."""
    return _process_absence(
        request,
        pk,
        SettleForm,
        _("Indiquez le motif du règlement de l'absence."),
        services.absence_settle,
        _("Absence %(of_name)s du %(day)s réglée."),
    )


@login_required
@require_POST
def justification_decide(request, pk: int):
    """The vie scolaire accepts or refuses a family's request (a refusal says why)."""
    justification = access_justification(request.user, pk)
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choisissez d'accepter ou de refuser la demande."))
        accept = form.cleaned_data["decision"] == "accepter"
        services.justification_decide(
            user=request.user, justification=justification, accept=accept, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = justification.student.full_name
        messages.success(
            request,
            _("Demande de justification pour %(name)s acceptée.") % {"name": name}
            if accept
            else _("Demande de justification pour %(name)s refusée : la famille en est informée.") % {"name": name},
        )
    return _back(request, "suivi:absence_list")


@login_required
def student_followup(request, pk: int):
    """A student's absences for the vie scolaire: counts by session and half-day, his absences,
    every justification and request with its decision, his case (or the button to open one)."""
    student = access_followed_student(request.user, pk)
    today = timezone.localdate()
    since = today - dt.timedelta(days=queries.DASEN_DAYS - 1)
    counts = queries.half_days_by_student(
        etablissement_id=student.etablissement_id, start=since, end=today, student_ids=[student.pk]
    ).get(student.pk, {})
    absences = (
        AttendanceMark.objects.filter(student=student, status="absent").with_pending_request().to_process_first()
    ).select_related("register__session__subject", "settled_by", "student__division", "justification__decided_by")[:100]
    justifications = (
        Justification.objects.filter(student=student)
        .select_related("student", "given_by", "decided_by")
        .order_by("-given_at")
    )
    cases = Case.objects.filter(student=student).order_by("-opened_at")
    open_case = next((case for case in cases if case.is_open), None)
    settings = services.settings_get(etablissement=student.etablissement_id)
    return render(
        request,
        "suivi/student_followup.html",
        {
            "student": student,
            "equipment_gap": queries.student_equipment_gap(student, day=today),
            "counts": counts,
            "since": since,
            "absences": absences,
            "justifications": justifications,
            "cases": cases,
            "open_case": open_case,
            "dasen": settings.dasen_half_days,
            "reasons": JustificationReason.choices,
            "justify_form": JustifyForm(prefix="justif"),
            "today": today,
        },
    )


@login_required
@require_POST
def student_justify(request, pk: int):
    """The vie scolaire justifies a student's absences over a period, without any case."""
    student = access_followed_student(request.user, pk)
    form = JustifyForm(request.POST, prefix="justif")
    try:
        if not form.is_valid():
            raise ValidationError(_("Indiquez les dates (du, au) et le motif de la justification."))
        services.absence_justify(user=request.user, student=student, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Justification enregistrée."))
    return redirect("suivi:student_followup", pk=student.pk)
