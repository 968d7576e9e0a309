"""Thin views of suivi: parse → gate → service → render or redirect."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from continuite.accounts.roles import Role
from continuite.ecole.access import require_role
from continuite.ecole.models import Guardian, GuardianLink, LinkKind, Student
from continuite.fragments import cached_value, fragment
from continuite.notifications.models import Notification
from planning.models import Homework, Session

from . import queries, services
from .access import access_case, access_case_action, access_homework, access_register
from .defaults import PLACEHOLDERS
from .forms import (
    ActionForm,
    CaseFilterForm,
    CloseForm,
    ContactForm,
    EscalateForm,
    FlagForm,
    InterviewForm,
    JustifyForm,
    NoticeSettingsForm,
    NoticeTemplateForm,
    OpenCaseForm,
    SettingsForm,
)
from .models import (
    AbsenceStatus,
    AttendanceMark,
    AttendanceStatus,
    Case,
    CaseAction,
    CaseEvent,
    FamilyContact,
    Flag,
    HandIn,
    HandInStatus,
    Justification,
    Level,
    Notice,
    NoticeStage,
)

TEACHING_ROLES = (Role.ENSEIGNANT, Role.PROF_PRINCIPAL)
FLAG_ROLES = (Role.ENSEIGNANT, Role.PROF_PRINCIPAL, Role.CPE, Role.DIRECTION)


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- Registers and work handed in ----------------------------------------------------------------


@login_required
def register_list(request):
    """The teacher's video and hybrid sessions of the last weeks, and his work to hand in."""
    require_role(request.user, *TEACHING_ROLES)
    staff = request.user.staff_profile
    today = timezone.localdate()
    since = today - dt.timedelta(days=21)
    sessions = (
        Session.objects.filter(
            teachers=staff,
            modality__in=("visio", "hybride"),
            date__range=(since, today),
            etablissement_id=staff.etablissement_id,
        )
        .select_related("subject", "division", "group", "register")
        .order_by("-date", "-start")
    )
    homework = (
        Homework.objects.filter(created_by=staff, due_date__range=(since, today + dt.timedelta(days=7)))
        .exclude(hand_in_mode="aucun")
        .select_related("subject", "division", "group")
        .annotate(marked=Count("hand_ins"))
        .order_by("-due_date")
    )
    return render(request, "suivi/register_list.html", {"sessions": sessions, "homework": homework})


@login_required
def register_take(request, session_pk: int):
    """The register of one session: all present by default, one POST for the whole list."""
    session = access_register(request.user, session_pk, for_write=request.method == "POST")
    students = list(queries.session_students(session))
    if request.method == "POST":
        marks, seen = {}, {}
        for student in students:
            value = request.POST.get(f"s{student.pk}", AttendanceStatus.PRESENT)
            if value != AttendanceStatus.PRESENT:
                marks[student.pk] = value
            shown = request.POST.get(f"seen{student.pk}")
            if shown is not None:
                seen[student.pk] = shown
        try:
            register = services.register_take(
                session=session, user=request.user, marks=marks, seen=seen if seen else None
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            if register.conflicts:
                labels = dict(AttendanceStatus.choices)
                names = {student.pk: student.full_name for student in students}
                changed = ", ".join(
                    f"{names[pk]} ({labels[status].lower()})" for pk, status in sorted(register.conflicts.items())
                )
                messages.warning(
                    request,
                    _(
                        "Appel enregistré, sauf pour %(students)s : quelqu'un d'autre a modifié leur présence "
                        "pendant que vous faisiez l'appel. Vérifiez ci-dessous et corrigez si besoin."
                    )
                    % {"students": changed},
                )
            else:
                messages.success(request, _("Appel enregistré."))
            return redirect("suivi:register_take", session_pk=session.pk)
    current = dict(AttendanceMark.objects.filter(register__session=session).values_list("student_id", "status"))
    gaps = queries.students_without_equipment(queries.session_students(session), day=session.date)
    without_equipment = {gap.student.pk for gap in gaps}
    rows = [
        (student, current.get(student.pk, AttendanceStatus.PRESENT), student.pk in without_equipment)
        for student in students
    ]
    can_write = session.teachers.filter(pk=request.user.staff_profile.pk).exists() or Role.CPE in request.user.roles
    return render(
        request,
        "suivi/register_take.html",
        {
            "session": session,
            "rows": rows,
            "choices": AttendanceStatus.choices,
            "taken": bool(current),
            "can_write": can_write,
            "equipment_students": gaps,
            "equipment_hint": _(
                "Sans ordinateur ou sans connexion à la maison, une absence à une classe virtuelle peut venir du "
                "matériel plutôt que d'un décrochage."
            ),
        },
    )


@login_required
def handin_mark(request, homework_pk: int):
    homework = access_homework(request.user, homework_pk, for_write=request.method == "POST")
    students = list(queries.homework_students(homework))
    if request.method == "POST":
        statuses = {
            s.pk: request.POST.get(f"s{s.pk}", HandInStatus.HANDED_IN)
            for s in students
            if request.POST.get(f"s{s.pk}", HandInStatus.HANDED_IN) != HandInStatus.HANDED_IN
        }
        try:
            services.handin_mark(homework=homework, user=request.user, statuses=statuses)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Travaux rendus enregistrés."))
            return redirect("suivi:handin_mark", homework_pk=homework.pk)
    current = dict(HandIn.objects.filter(homework=homework).values_list("student_id", "status"))
    gaps = queries.students_without_equipment(queries.homework_students(homework), day=homework.due_date)
    online = homework.hand_in_mode in queries.ONLINE_HAND_IN_MODES
    without_equipment = {gap.student.pk for gap in gaps}
    rows = [
        _handin_row(
            student,
            current.get(student.pk, HandInStatus.HANDED_IN),
            lacking=student.pk in without_equipment,
            online=online,
        )
        for student in students
    ]
    if online:
        hint = _(
            "« Rendu sur papier » est proposé pour un élève sans équipement. Un travail en ligne qu'il n'a pas pu "
            "rendre est une question d'équipement : il ne compte pas dans ses signaux de décrochage."
        )
    else:
        hint = _("Ce travail se rend sur papier : un élève sans équipement peut le faire comme les autres.")
    return render(
        request,
        "suivi/handin_mark.html",
        {"homework": homework, "rows": rows, "equipment_students": gaps, "equipment_hint": hint},
    )


def _handin_row(student, status: str, *, lacking: bool, online: bool) -> tuple:
    """One student's line of the hand-in page: his name, his state, the states offered to him.

    A student without a device or a connection may hand in on paper; for online work, "non rendu"
    says it is an equipment matter (it does not feed his signals).
    """
    choices = [(HandInStatus.HANDED_IN, HandInStatus.HANDED_IN.label)]
    if lacking or status == HandInStatus.PAPER:
        choices.append((HandInStatus.PAPER, HandInStatus.PAPER.label))
    choices.append(
        (HandInStatus.MISSING, _("Non rendu (équipement)") if lacking and online else HandInStatus.MISSING.label)
    )
    choices.append((HandInStatus.LATE, HandInStatus.LATE.label))
    return student, status, choices, lacking


# --- Flags ---------------------------------------------------------------------------------------


@login_required
def flag_create(request):
    """The "fiche de repérage" of a staff member."""
    require_role(request.user, *FLAG_ROLES)
    students = Student.objects.visible_to(request.user).current().select_related("division")
    form = FlagForm(request.POST or None, students=students, initial={"student": request.GET.get("eleve")})
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_raise(
                user=request.user,
                student=form.cleaned_data["student"],
                kind=form.cleaned_data["kind"],
                observed=form.cleaned_data["observed"],
                since=form.cleaned_data["since"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Fiche de repérage transmise au CPE."))
            return redirect("suivi:flag_list")
    return render(request, "suivi/flag_create.html", {"form": form})


@login_required
def flag_list(request):
    """The flags the user raised (the CPE and the direction: every flag of the school)."""
    require_role(request.user, *FLAG_ROLES)
    flags = Flag.objects.visible_to(request.user).select_related("student__division", "raised_by", "case__opened_by")[
        :200
    ]
    return render(request, "suivi/flag_list.html", {"flags": flags, "can_open": Role.CPE in request.user.roles})


# --- The CPE's queue and the case file -----------------------------------------------------------


@login_required
def case_open(request, student_pk: int):
    """The CPE opens a student's follow-up by hand; an open one is shown instead of a second."""
    require_role(request.user, Role.CPE)
    student = get_object_or_404(
        Student.objects.current().select_related("division"),
        pk=student_pk,
        etablissement_id=request.user.etablissement_id,
    )
    existing = Case.objects.open().filter(student=student).first()
    if existing is not None:
        messages.info(request, _("Un suivi est déjà ouvert pour cet élève."))
        return redirect(existing)
    form = OpenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(student=student, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Suivi ouvert."))
            return redirect(case)
    return render(request, "suivi/case_open.html", {"form": form, "student": student})


@login_required
def case_list(request):
    """The queue: the CPE's every case, the direction's escalated ones; filters by level, division, state,
    review due and age."""
    require_role(request.user, Role.CPE, Role.DIRECTION)
    today = timezone.localdate()
    user = request.user

    def context():
        form = CaseFilterForm(request.GET or None)
        cases = Case.objects.visible_to(user).select_related("student__division")
        data = form.cleaned_data if form.is_valid() else {}
        status = data.get("status") or "ouvert"
        if status != "tous":
            cases = cases.filter(status=status)
        if data.get("level"):
            cases = cases.filter(level=data["level"])
        if data.get("division"):
            cases = cases.filter(student__division__code__iexact=data["division"].strip())
        if data.get("review_due"):
            cases = cases.filter(review_on__lte=today)
        if data.get("older_than") is not None:
            cases = cases.filter(opened_at__lt=timezone.now() - dt.timedelta(days=data["older_than"]))
        return {
            "cases": cases.by_urgency().with_undelivered_notice()[:500],
            "form": form,
            "today": today,
            "is_cpe": Role.CPE in user.roles,
        }

    if request.GET.get("older_than"):
        body = render_to_string("suivi/partials/case_list_body.html", context())  # "older than": to the hour
    else:
        body = fragment(
            request,
            "suivi-case-list",
            etablissement_id=user.etablissement_id,
            # the CPE's every case, the direction's escalated ones (Case.objects.visible_to)
            domains=("suivi", "ecole"),
            vary=(Role.CPE in user.roles, sorted(request.GET.items())),
            template="suivi/partials/case_list_body.html",
            context=context,
        )
    return render(request, "suivi/case_list.html", {"body": body})


def _timeline(case: Case) -> list[dict]:
    """Every step of a case, in time order: one query per table, whatever the number of steps."""
    entries: list[dict] = []
    for event in CaseEvent.objects.filter(case=case).select_related("author"):  # query: events
        entries.append({"at": event.occurred_at, "type": "event", "obj": event})
    for flag in Flag.objects.filter(case=case).select_related("raised_by"):  # query: flags
        entries.append({"at": flag.raised_at, "type": "flag", "obj": flag})
    for action in CaseAction.objects.filter(case=case).select_related("owner"):  # query: actions
        entries.append({"at": action.created_at, "type": "action", "obj": action})
    for contact in FamilyContact.objects.filter(case=case).select_related("guardian", "logged_by"):  # query: contacts
        entries.append({"at": contact.occurred_at, "type": "contact", "obj": contact})
    for notice in Notice.objects.filter(case=case).select_related("sent_by"):  # query: notices
        if notice.figures.get("start"):
            notice.figures_start = dt.date.fromisoformat(notice.figures["start"])
            notice.figures_end = dt.date.fromisoformat(notice.figures["end"])
        entries.append({"at": notice.sent_at, "type": "notice", "obj": notice})
    entries.sort(key=lambda entry: entry["at"])
    return entries


def _with_receipts(entries: list[dict]) -> list[dict]:
    """The outbox rows of the timeline's notices, with each guardian's acknowledgement: always read
    (one query when there are notices), the outbox being written all day by the mail workers."""
    notices = [entry["obj"] for entry in entries if entry["type"] == "notice"]
    receipts: dict[int, list] = {}
    if notices:
        # query: the outbox rows of these notices, with each guardian's acknowledgement
        for row in Notification.objects.filter(
            content_type__app_label="suivi", content_type__model="notice", object_id__in=[n.pk for n in notices]
        ).order_by("recipient_name", "pk"):
            receipts.setdefault(row.object_id, []).append(row)
    for notice in notices:
        notice.receipts = receipts.get(notice.pk, [])
        notice.undelivered = any(row.status == "failed" for row in notice.receipts)
    return entries


# What a case page shows of the follow-up, the directory, the planning (school days) and the equipment.
CASE_DOMAINS = ("suivi", "ecole", "planning", "equipement")


@login_required
def case_detail(request, pk: int):
    """The case file; each opening is written to the access log. ``?formulaire=<name>`` opens one of
    its forms (``&fragment=1``: that form alone, which the page's script fetches when its box opens)."""
    case = access_case(request.user, pk)
    name = request.GET.get("formulaire", "")
    if request.GET.get("fragment") and name in CASE_FORMS:
        if Role.CPE not in request.user.roles or not case.is_open:
            raise PermissionDenied
        return render(request, "suivi/partials/case_form.html", _case_form_context(case, name))
    return _case_page(request, case, open_form=name if name in CASE_FORMS else "")


# The forms of the case page, each in a box that loads it when opened (no form is built before):
# name -> (form, its view, the button's label, the button's style).
CASE_FORMS = {
    "contact": (
        lambda case: ContactForm(guardians=_guardians(case)),
        "suivi:case_contact",
        _lazy("Enregistrer le contact"),
        "btn-primary",
    ),
    "entretien": (
        lambda case: InterviewForm(),
        "suivi:case_interview",
        _lazy("Enregistrer l'entretien"),
        "btn-primary",
    ),
    "action": (
        lambda case: ActionForm(student=case.student),
        "suivi:case_action",
        _lazy("Ajouter l'action"),
        "btn-primary",
    ),
    "justification": (
        lambda case: JustifyForm(prefix="justif"),
        "suivi:case_justify",
        _lazy("Enregistrer la justification"),
        "btn-outline-primary",
    ),
    "direction": (
        lambda case: EscalateForm(),
        "suivi:case_escalate",
        _lazy("Transmettre à la direction"),
        "btn-warning",
    ),
    "cloture": (lambda case: CloseForm(), "suivi:case_close", _lazy("Clore le suivi"), "btn-outline-danger"),
}


def _guardians(case: Case):
    return Guardian.objects.filter(links__student=case.student).order_by("links__kind")


def _case_form_context(case: Case, name: str, form=None) -> dict:
    build, url_name, label, style = CASE_FORMS[name]
    form = form or build(case)
    return {"case": case, "name": name, "form": form, "url_name": url_name, "label": label, "style": style}


def _case_facts(case: Case, *, can_write: bool, today: dt.date) -> dict:
    """What the case page computes from the follow-up's rows: kept under their data versions (the
    timeline without its outbox rows, the rule of today, the next step of the notices)."""
    timeline = _timeline(case)
    facts = {
        "timeline": timeline,
        "justification": services.active_justification(case.student, today),
        # query: what the student lacks in equipment today (absences he could not follow are not signals)
        "equipment_gap": queries.student_equipment_gap(case.student, day=today),
        # queries: the rule and figures of today, as the signals read them (the history keeps the old ones)
        "current": services.case_current_rule(case, today=today),
        "next_step": None,
    }
    if can_write and case.notice_level < services.MAX_NOTICE_LEVEL:
        notices = [entry["obj"] for entry in timeline if entry["type"] == "notice"]
        stage, level, warning = services.notice_step_in(case, notices)
        # queries: the school's settings, the figures of today, the checks of ``notice_send``: the
        # page says up front when the next step would not leave, and why (no button then)
        settings = services.settings_get(etablissement=case.etablissement)
        facts["next_step"] = {
            "key": services.step_key(stage, level),
            "stage": stage,
            "level": level,
            "label": str(NoticeStage(stage).label),
            "earliest": services.notice_earliest(warning=warning, settings=settings),
            "blocked": str(
                services.notice_blocked(
                    case=case,
                    stage=stage,
                    level=level,
                    figures=services.notice_figures(student=case.student, settings=settings, today=today),
                    settings=settings,
                    today=today,
                )
            ),
        }
    return facts


def _case_page(request, case: Case, *, open_form: str = "", bound_name: str = "", bound=None):
    """The case page; ``bound`` is a refused form (``bound_name``), shown again as typed with its errors."""
    services._audit(user=request.user, action="view", obj=case, student=case.student, request=request)
    today = timezone.localdate()
    can_write = Role.CPE in request.user.roles and case.is_open
    facts = cached_value(
        request,
        "suivi-case",
        etablissement_id=case.etablissement_id,
        domains=CASE_DOMAINS,
        vary=(case.pk, can_write),
        compute=lambda: _case_facts(case, can_write=can_write, today=today),
    )
    context = {"case": case, "can_write": can_write, "today": today, **facts}
    context["timeline"] = _with_receipts(facts["timeline"])
    if can_write:
        # Only the form asked for (or refused) is built and drawn; the others load when their box opens.
        opened = bound_name or open_form
        context["forms"] = {
            name: _case_form_context(case, name, bound if name == bound_name else None) if name == opened else None
            for name in CASE_FORMS
        }
    return render(request, "suivi/case_detail.html", context)


# Where each form of the case page sits on it (to show a refused one again).
_CASE_FORMS = {
    InterviewForm: "entretien",
    ActionForm: "action",
    ContactForm: "contact",
    EscalateForm: "direction",
    CloseForm: "cloture",
    JustifyForm: "justification",
}


def _case_post(request, pk: int, form_class, apply, success: str, **form_kwargs):
    """Apply a form of the case page; a refused one comes back as typed, the error next to its
    field, instead of an emptied form."""
    case = access_case(request.user, pk, for_write=True)
    kwargs = {key: value(case) for key, value in form_kwargs.items()}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            apply(case, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, success)
            return redirect(case)
    messages.error(request, _("Rien n'est enregistré : corrigez le formulaire ci-dessous."))
    name = _CASE_FORMS[getattr(form_class, "func", form_class)]
    return _case_page(request, case, bound_name=name, bound=form)


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''} : {' '.join(errs)}"
        for name, errs in form.errors.items()
    )


@login_required
@require_POST
def case_interview(request, pk: int):
    return _case_post(
        request,
        pk,
        InterviewForm,
        lambda case, d: services.case_interview_record(
            case=case, user=request.user, text=d["text"], occurred_on=d["occurred_on"]
        ),
        _("Entretien enregistré."),
    )


@login_required
@require_POST
def case_action(request, pk: int):
    return _case_post(
        request,
        pk,
        ActionForm,
        lambda case, d: _action_added(
            request,
            services.case_action_add(
                case=case, user=request.user, what=d["what"], owner=d["owner"], review_on=d["review_on"]
            ),
        ),
        _("Action ajoutée."),
        student=lambda case: case.student,
    )


def _action_added(request, action: CaseAction) -> None:
    """Say who was told: an owner without an account must be told another way."""
    owner = action.owner
    if owner is not None and owner.user_id is None:
        messages.warning(
            request,
            _("%(owner)s n'a pas de compte sur le portail : prévenez-le vous-même de cette action.") % {"owner": owner},
        )
    elif owner is not None and owner.user_id != request.user.pk:
        messages.info(request, _("%(owner)s est prévenu de cette action (courriel et portail).") % {"owner": owner})


@login_required
@require_POST
def case_action_done(request, pk: int, action_pk: int):
    action = access_case_action(request.user, pk, action_pk)
    try:
        services.case_action_done(action=action, user=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Action marquée comme faite."))
    return redirect(action.case)


@login_required
@require_POST
def case_contact(request, pk: int):
    return _case_post(
        request,
        pk,
        ContactForm,
        lambda case, d: services.family_contact_log(
            student=case.student,
            case=case,
            user=request.user,
            channel=d["channel"],
            outcome=d["outcome"],
            guardian=d["guardian"],
            note=d["note"],
        ),
        _("Contact avec la famille enregistré."),
        guardians=lambda case: Guardian.objects.filter(links__student=case.student),
    )


@login_required
@require_POST
def case_notice(request, pk: int):
    case = access_case(request.user, pk, for_write=True)
    try:
        notice = services.notice_send(case=case, user=request.user, expected_step=request.POST.get("step") or None)
    except ValidationError as exc:
        _error(request, exc)
    else:
        if notice.stage == NoticeStage.WARNING:
            messages.success(
                request,
                _("Avertissement de niveau %(level)s envoyé à %(told)s.")
                % {"level": notice.level, "told": notice.told},
            )
        else:
            messages.success(
                request,
                _("Avis de niveau %(level)s envoyé aux responsables légaux : %(told)s.")
                % {"level": notice.level, "told": notice.told},
            )
    return redirect(case)


@login_required
@require_POST
def case_escalate(request, pk: int):
    return _case_post(
        request,
        pk,
        EscalateForm,
        lambda case, d: services.case_escalate(case=case, user=request.user, text=d["text"]),
        _("Dossier transmis à la direction."),
    )


@login_required
@require_POST
def case_close(request, pk: int):
    return _case_post(
        request,
        pk,
        CloseForm,
        lambda case, d: services.case_close(case=case, user=request.user, outcome=d["outcome"], text=d["text"]),
        _("Suivi clos."),
    )


@login_required
@require_POST
def case_justify(request, pk: int):
    return _case_post(
        request,
        pk,
        partial(JustifyForm, prefix="justif"),
        lambda case, d: services.absence_justify(
            user=request.user,
            student=case.student,
            start=d["start"],
            end=d["end"],
            reason=d["reason"],
            explanation=d["explanation"],
        ),
        _("Justification enregistrée."),
    )


# --- Form tutor, direction, settings, families ----------------------------------------------------


@login_required
def tutor_summary(request):
    """The form tutor's summary of his division: levels and counts, no case file."""
    require_role(request.user, Role.PROF_PRINCIPAL)
    today = timezone.localdate()
    students = (
        Student.objects.current()
        .filter(division_id__in=request.user.tutored_division_ids)
        .select_related("division")
        .annotate(open_cases=Count("suivi_cases", filter=Q(suivi_cases__status="ouvert")))
        .order_by("division__code", "last_name", "first_name")
    )
    # his divisions' students only, not the school's (each aggregate narrowed by a subquery)
    evaluations = services.signals_evaluate_school(
        etablissement_id=request.user.etablissement_id,
        today=today,
        student_ids=Student.objects.filter(division_id__in=request.user.tutored_division_ids).values("pk"),
    )
    rows = [(student, evaluations.get(student.pk)) for student in students]

    def urgency(row):
        # the students at risk first, then in vigilance, each the most absences first; then the rest by name
        evaluation = row[1]
        if evaluation is None:
            return (0, 0, 0)
        evidence = evaluation.evidence or {}
        return (-Level.rank(evaluation.level), -(evidence.get("unexcused") or 0), -(evidence.get("missing_work") or 0))

    rows.sort(key=urgency)  # stable: the division and name order stays within equal urgency
    levels = [Level.rank(evaluation.level) if evaluation else 0 for _student, evaluation in rows]
    return render(
        request,
        "suivi/tutor_summary.html",
        {"rows": rows, "today": today, "at_risk": levels.count(2), "vigilance": levels.count(1)},
    )


@login_required
def gpds(request):
    """The weekly list of the GPDS meeting: open cases at risk or escalated, and reviews due this week."""
    require_role(request.user, Role.DIRECTION, Role.CPE)
    today = timezone.localdate()
    week_end = today + dt.timedelta(days=6 - today.weekday())
    cases = (
        Case.objects.filter(etablissement_id=request.user.etablissement_id)
        .open()
        .filter(Q(level=Level.RISQUE) | Q(escalated_at__isnull=False) | Q(review_on__lte=week_end))
        .select_related("student__division")
        .prefetch_related(
            Prefetch("actions", queryset=CaseAction.objects.filter(done_at__isnull=True).select_related("owner"))
        )
        .order_by("student__division__code", "student__last_name")
    )
    return render(
        request,
        "suivi/gpds.html",
        {"cases": cases, "today": today, "week_end": week_end, "is_cpe": Role.CPE in request.user.roles},
    )


@login_required
def settings_edit(request):
    """The school's window and thresholds, and the texts of its notices (direction and CPE)."""
    require_role(request.user, Role.DIRECTION, Role.CPE)
    etablissement = request.user.etablissement
    current = services.settings_get(etablissement=etablissement)
    templates = services.notice_templates_get(etablissement=etablissement)
    which = request.POST.get("form") if request.method == "POST" else None
    form = SettingsForm(request.POST if which == "settings" else None, instance=current)
    notice_form = NoticeSettingsForm(request.POST if which == "notices" else None, instance=current, prefix="envoi")
    template_forms = [
        NoticeTemplateForm(request.POST if which == f"notice{t.level}" else None, instance=t, prefix=f"notice{t.level}")
        for t in templates
    ]
    if which == "settings" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.settings_update(etablissement=etablissement, user=request.user, **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Seuils enregistrés."))
            return redirect("suivi:settings")
    if which == "notices" and notice_form.is_valid():
        values = {name: notice_form.cleaned_data[name] for name in notice_form.fields}
        try:
            services.settings_update(etablissement=etablissement, user=request.user, **values)
        except ValidationError as exc:
            notice_form.add_error(None, exc)
        else:
            messages.success(request, _("Réglages des avis enregistrés."))
            return redirect("suivi:settings")
    for template_form, template in zip(template_forms, templates, strict=True):
        if which == f"notice{template.level}" and template_form.is_valid():
            try:
                services.notice_template_update(
                    etablissement=etablissement,
                    user=request.user,
                    level=template.level,
                    subject=template_form.cleaned_data["subject"],
                    body=template_form.cleaned_data["body"],
                )
            except ValidationError as exc:
                template_form.add_error(None, exc)
            else:
                messages.success(request, _("Texte de l'avis enregistré."))
                return redirect("suivi:settings")
    if which is not None and which != "settings" and not which.startswith("notice"):
        raise PermissionDenied
    return render(
        request,
        "suivi/settings.html",
        {
            "form": form,
            "notice_form": notice_form,
            "template_forms": list(zip(templates, template_forms, strict=True)),
            "placeholders": PLACEHOLDERS,
        },
    )


@login_required
def family_absences(request):
    """A guardian's view of his children's absences from video classes, with a form to justify them."""
    require_role(request.user, Role.PARENT)
    children = Student.objects.filter(guardian_links__guardian=request.user.guardian_profile).select_related("division")
    # A refused request keeps what the family typed, with the reason next to the field.
    forms_kept: dict[int, JustifyForm] = {}
    if request.method == "POST":
        student_pk = request.POST.get("student", "")
        if not student_pk.isdigit():
            raise Http404
        student = get_object_or_404(children, pk=int(student_pk))
        form = JustifyForm(request.POST, prefix=f"c{student.pk}")
        if form.is_valid():
            try:
                services.justification_request(
                    user=request.user,
                    student=student,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    reason=form.cleaned_data["reason"],
                    explanation=form.cleaned_data["explanation"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Merci : votre demande est transmise à la vie scolaire, qui vous répondra ici."),
                )
                return HttpResponseRedirect(request.path)
        forms_kept[student.pk] = form
    since = timezone.localdate() - dt.timedelta(days=60)
    absences = (
        AttendanceMark.objects.filter(student__in=children, status=AttendanceStatus.ABSENT, register__date__gte=since)
        .with_pending_request()
        .select_related("register__session__subject", "student")
        .order_by("-register__date")
    )
    by_child: dict[int, list] = {}
    for mark in absences:
        by_child.setdefault(mark.student_id, []).append(mark)
    requests_by_child: dict[int, list] = {}
    for justification in Justification.objects.filter(student__in=children, given_at__date__gte=since).order_by(
        "-given_at"
    ):
        requests_by_child.setdefault(justification.student_id, []).append(justification)
    rows = [
        (
            child,
            by_child.get(child.pk, []),
            requests_by_child.get(child.pk, []),
            forms_kept.get(child.pk) or JustifyForm(prefix=f"c{child.pk}"),
        )
        for child in children
    ]
    days_ahead = services.settings_get(etablissement=request.user.etablissement_id).justification_days_ahead
    return render(
        request,
        "suivi/family_absences.html",
        {"rows": rows, "to_justify": AbsenceStatus.TO_JUSTIFY, "days_ahead": days_ahead},
    )


@login_required
def export_csv(request):
    """The follow-up for the administration: cases, levels and status, without any free text."""
    require_role(request.user, Role.CPE, Role.DIRECTION)
    from continuite.audit.services import audit_record
    from continuite.csvexport import csv_name, csv_response

    cases = Case.objects.visible_to(request.user).select_related("student__division").order_by("opened_at")
    audit_record(
        user=request.user, action="export", obj=request.user.etablissement, detail="suivi.csv", request=request
    )
    return csv_response(
        "suivi.csv",
        [
            "Dossier",
            "INE",
            "Élève",
            "Division",
            "Niveau",
            "État",
            "Ouvert le",
            "Point de suivi",
            "Niveau d'avis",
            "Signalé à la direction le",
            "Clos le",
            "Issue",
        ],
        (
            [
                case.pk,
                case.student.ine,
                csv_name(case.student),
                case.student.division.code if case.student.division else "",
                case.get_level_display(),
                case.get_status_display(),
                timezone.localtime(case.opened_at).date(),
                case.review_on,
                case.notice_level,
                timezone.localtime(case.escalated_at).date() if case.escalated_at else None,
                timezone.localtime(case.closed_at).date() if case.closed_at else None,
                case.get_outcome_display() if case.outcome else "",
            ]
            for case in cases
        ),
    )


# --- Letters to print, and each staff member's actions ------------------------------------------------


# A letter is addressed to one guardian: "Madame, Monsieur," becomes "Madame," or "Monsieur," when his
# civility says which (the mail, sent to both, keeps the general form).
SALUTATIONS = {"m.": "Monsieur", "m": "Monsieur", "monsieur": "Monsieur", "mme": "Madame", "madame": "Madame"}


def _addressed(body: str, civility: str) -> str:
    salutation = SALUTATIONS.get((civility or "").strip().lower())
    return body.replace("Madame, Monsieur", salutation) if salutation else body


@login_required
def notice_letter(request, pk: int, notice_pk: int):
    """The notice as the school's letter, one page per legal guardian, to print and hand over (a family
    without email gets it this way); the same text as the mail, with the acknowledgement slip."""
    case = access_case(request.user, pk)
    notice = get_object_or_404(
        Notice.objects.filter(case=case, stage=NoticeStage.NOTICE).select_related("sent_by"), pk=notice_pk
    )
    # query: the outbox rows of this notice (one per guardian), with the guardian
    rows = list(
        Notification.objects.filter(content_type__app_label="suivi", content_type__model="notice", object_id=notice.pk)
        .select_related("guardian")
        .order_by("recipient_name", "pk")
    )
    undelivered = [row for row in rows if row.status == "failed"]
    letters = undelivered if undelivered and request.GET.get("tous") is None else rows
    signer = services.notice_signer(user=notice.sent_by, etablissement=case.etablissement)
    for row in letters:
        row.letter_body = _addressed(notice.body, getattr(row.guardian, "civility", ""))
    services._audit(user=request.user, action="view", obj=case, student=case.student, request=request)
    return render(
        request,
        "suivi/notice_letter.html",
        {
            "case": case,
            "notice": notice,
            "letters": letters,
            "only_undelivered": letters is undelivered and len(undelivered) < len(rows),
            "signer": signer,
            "sent_on": timezone.localtime(notice.sent_at).date(),
        },
    )


@login_required
def my_actions(request):
    """The actions given to the signed-in staff member: open ones, overdue first, with the date of the point."""
    staff = request.user.staff_profile
    if staff is None:
        raise PermissionDenied
    today = timezone.localdate()
    # query: his open actions on open cases, with the student and his division
    actions = list(
        CaseAction.objects.filter(owner=staff, done_at__isnull=True, case__status="ouvert")
        .select_related("case__student__division")
        .order_by("review_on", "pk")[:200]
    )
    student_ids = {action.case.student_id for action in actions}
    # An action given by the vie scolaire is a need to know: its owner reads the legal guardians'
    # phone numbers (to call the family) and opens the student's page when his role lets him.
    contacts: dict[int, list] = {}
    visible: set[int] = set()
    if student_ids:
        # query: the legal guardians of the students of his actions, with their contacts
        for link in (
            GuardianLink.objects.filter(student_id__in=student_ids, kind__in=(LinkKind.LEGAL_1, LinkKind.LEGAL_2))
            .select_related("guardian")
            .order_by("kind", "pk")
        ):
            contacts.setdefault(link.student_id, []).append(link)
        # query: which of these students his role lets him open
        visible = set(Student.objects.visible_to(request.user).filter(pk__in=student_ids).values_list("pk", flat=True))
    for action in actions:
        action.contacts = contacts.get(action.case.student_id, [])
        action.student_visible = action.case.student_id in visible
    return render(
        request,
        "suivi/my_actions.html",
        {
            "actions": actions,
            "overdue": sum(1 for action in actions if action.review_on < today),
            "today": today,
            "is_cpe": Role.CPE in request.user.roles,
        },
    )


@login_required
@require_POST
def my_action_done(request, action_pk: int):
    """The owner marks his action done (the CPE does it from the case page)."""
    staff = request.user.staff_profile
    if staff is None:
        raise PermissionDenied
    action = get_object_or_404(
        CaseAction.objects.select_related("case__student"), pk=action_pk, owner=staff, case__status="ouvert"
    )
    try:
        services.case_action_done(action=action, user=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Action marquée comme faite : %(what)s") % {"what": action.what})
    return redirect("suivi:my_actions")
