"""The access log for the direction, the data-subject rights pages, and the public statements."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from continuite.accounts.roles import Role
from continuite.ecole.access import access_guardian, access_student, require_role
from continuite.ecole.models import Guardian, Student

from . import services
from .forms import AuditFilterForm, GuardianRectifyForm, StudentRectifyForm, SubjectSearchForm
from .models import AuditAction, AuditEntry
from .retention import all_rules
from .subject_export import export_guardian, export_student

PAGE_SIZE = 50
SEARCH_LIMIT = 30


def _etablissement(request):
    user = request.user
    return user.etablissement if user.is_authenticated else None


def privacy_notice(request):
    # The retention rules the nightly job runs, each with its own sentence: the page cannot promise
    # a purge that does not happen.
    return render(
        request,
        "pages/privacy_notice.html",
        {
            "etablissement": _etablissement(request),
            "retention_rules": [rule.description or rule.name for rule in all_rules()],
        },
    )


def accessibility_statement(request):
    return render(request, "pages/accessibility_statement.html", {"etablissement": _etablissement(request)})


@login_required
def entry_list(request):
    require_role(request.user, Role.DIRECTION)
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.visible_to(request.user).select_related("student")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        entries = entries.about_student_named(data["student"]).by_user_named(data["user"])
        entries = entries.between(data["start"], data["end"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/entry_list.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
def subject_search(request):
    require_role(request.user, Role.DIRECTION)
    form = SubjectSearchForm(request.GET or None)
    students = guardians = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        query = Q()
        for word in form.cleaned_data["q"].split()[:4]:
            query &= Q(last_name__icontains=word) | Q(first_name__icontains=word)
        students = Student.objects.visible_to(request.user).filter(query).select_related("division")[:SEARCH_LIMIT]
        guardians = Guardian.objects.visible_to(request.user).filter(query)[:SEARCH_LIMIT]
    return render(request, "audit/subject_search.html", {"form": form, "students": students, "guardians": guardians})


def _download(request, person, data: dict) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = slugify(f"donnees-{person.last_name}-{person.first_name}-{timezone.localdate():%Y%m%d}") or "donnees"
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


def _rectify(request, person, form_class, initial: dict, service, template: str, export_url: str):
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = service(form.cleaned_data)
        except ValidationError as exc:
            # as non-field errors: a model error may name a field this form does not show
            form.add_error(None, exc.messages)
        else:
            if changed:
                messages.success(request, _("Rectification enregistrée (%(fields)s).") % {"fields": ", ".join(changed)})
            else:
                messages.info(request, _("Aucune donnée n'a changé."))
            return redirect(request.path)
    return render(request, template, {"person": person, "form": form, "export_url": export_url})


@login_required
def student_rectify(request, pk: int):
    require_role(request.user, Role.DIRECTION)
    student = access_student(request.user, pk, for_write=True)
    return _rectify(
        request,
        student,
        StudentRectifyForm,
        {"last_name": student.last_name, "first_name": student.first_name, "birth_date": student.birth_date},
        lambda data: services.student_rectify(user=request.user, student=student, request=request, **data),
        "audit/student_rectify.html",
        "audit:student_export",
    )


@login_required
def student_export(request, pk: int):
    require_role(request.user, Role.DIRECTION)
    student = access_student(request.user, pk, for_write=True)
    services.audit_record(user=request.user, action=AuditAction.EXPORT, obj=student, student=student, request=request)
    return _download(request, student, export_student(student))


@login_required
def guardian_rectify(request, pk: int):
    require_role(request.user, Role.DIRECTION)
    guardian = access_guardian(request.user, pk, for_write=True)
    return _rectify(
        request,
        guardian,
        GuardianRectifyForm,
        {
            "last_name": guardian.last_name,
            "first_name": guardian.first_name,
            "email": guardian.email,
            "mobile": guardian.mobile,
        },
        lambda data: services.guardian_rectify(user=request.user, guardian=guardian, request=request, **data),
        "audit/guardian_rectify.html",
        "audit:guardian_export",
    )


@login_required
def guardian_export(request, pk: int):
    require_role(request.user, Role.DIRECTION)
    guardian = access_guardian(request.user, pk, for_write=True)
    services.audit_record(user=request.user, action=AuditAction.EXPORT, obj=guardian, request=request)
    return _download(request, guardian, export_guardian(guardian))
