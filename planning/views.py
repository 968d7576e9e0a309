"""Pages of the planning: parse → access → service → render/redirect."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from continuite.accounts.roles import Role
from continuite.csvexport import csv_response
from continuite.ecole.access import require_role
from continuite.ecole.models import SchoolYear, Student
from continuite.fragments import conditional_page, fragment
from continuite.french import long_date, plural
from continuite.item_messages import item_message, item_messages, item_url, place

from . import services
from .access import access_division_load, access_homework, access_session, access_slot
from .conflicts import school_conflicts, slot_label
from .forms import (
    DivisionSwitchForm,
    HomeworkForm,
    ModalityForm,
    SessionCreateForm,
    SlotDeleteForm,
    SlotForm,
    ThresholdsForm,
    WeekCopyForm,
    audience_choices,
    parse_audience,
)
from .lighter import lighter_days
from .models import CalendarFeed, HomeworkKind, Modality, RemoteMode, Session, TimetableSlot
from .queries import audience_students_q, homework_students, monday_of, session_students
from .selectors import (
    audience_items,
    division_heatmap,
    groups_drawn_from,
    next_lesson_date,
    school_overview,
    student_week,
    teacher_week,
    week_days,
)
from .shown_links import check_links, link_checker
from .timetable import slot_overrides_from
from .workload import RULES_TEXT, Extra, Load, Thresholds, audience_load, student_loads

PLANNERS = (Role.ENSEIGNANT, Role.DIRECTION)
# What a week grid shows: the planning's rows, the directory's names, the tools' names.
GRID_DOMAINS = ("planning", "ecole", "outils")


def _monday(request) -> dt.date:
    """The week asked for; without one, this week, or the coming one once this one is over (a Sunday,
    or a Saturday without classes), as the home pages do."""
    try:
        return monday_of(dt.date.fromisoformat(request.GET.get("semaine", "")))
    except ValueError:
        pass
    from .models import SchoolDay

    today = timezone.localdate()
    over = today.weekday() == 6 or (
        today.weekday() == 5
        and not SchoolDay.objects.filter(
            etablissement_id=request.user.etablissement_id, date=today, is_holiday=False
        ).exists()
    )
    return monday_of(today) + dt.timedelta(days=7) if over else monday_of(today)


def _week_context(monday: dt.date) -> dict:
    return {
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7),
        "rules": RULES_TEXT,
    }


def _thresholds(user) -> Thresholds:
    return Thresholds.of(services.planning_settings_get(etablissement=user.etablissement))


def _paper_count(etablissement, students) -> int | None:
    """How many students of the audience get paper copies (the equipment answers), or None without that app."""
    try:
        from equipement.queries import paper_student_ids
    except ImportError:
        return None
    return students.filter(pk__in=paper_student_ids(etablissement=etablissement)).count()


def _equipment_context(user, *, audience: str = "", students=None) -> dict:
    """The students without a device or a connection, by name, for the homework form (the equipment
    app's selector; nothing without that app): those of the audience when it is known, else all the
    students the teacher has."""
    try:
        from equipement.queries import students_without_equipment
    except ImportError:
        return {}
    show_division = False
    if students is None:
        division, group = parse_audience(audience, user)
        if division or group:
            students = Student.objects.current().filter(
                audience_students_q(division_id=division and division.pk, group_id=group and group.pk)
            )
        else:
            students, show_division = Student.objects.visible_to(user).current(), True
    return {
        "equipment_students": students_without_equipment(students=students, day=timezone.localdate()),
        "equipment_show_division": show_division,
        "equipment_hint": _(
            "Prévoyez une version papier. Un travail en ligne non rendu faute d'équipement ne compte pas dans les "
            "signaux de décrochage de l'élève."
        ),
    }


# --- Teacher ---------------------------------------------------------------------------------------


@login_required
def week(request):
    """The teacher's week: days × slots for all his divisions and groups."""
    require_role(request.user, Role.ENSEIGNANT)
    monday = _monday(request)
    staff = request.user.staff_profile
    cached = {"etablissement_id": staff.etablissement_id, "domains": GRID_DOMAINS, "vary": (staff.pk, monday)}

    def context():
        grid = teacher_week(staff, monday)
        # His links as the policy has them now: a refused one is flagged with the reason and a way to
        # change it (the school's policy is the tools' rows: in the key).
        check_links([*grid.sessions(), *grid.homework], link_checker(request))
        return {**_week_context(monday), "grid": grid}

    def respond():
        body = fragment(
            request, "planning-week", template="planning/partials/week_body.html", context=context, **cached
        )
        context_ = {**_week_context(monday), "body": body, "copy_form": WeekCopyForm()}
        return render(request, "planning/week.html", context_)

    return conditional_page(request, "planning-week", respond=respond, **cached)


THEN_HOMEWORK = "travail"


def _add_service_error(form, exc: ValidationError) -> None:
    """A service's refusal on the form: on the field it concerns when the form names one for its code
    (``service_error_fields``), so that the field itself says what is wrong (``aria-invalid``, its message
    read with it) and the summary links to it; otherwise above the fields. A refused link names the tools
    to use instead as links to their pages, on the link typed (or on the tool chosen, without a link)."""
    from outils.policy import LinkRefused

    fields = getattr(form, "service_error_fields", {})
    for error in exc.error_list if hasattr(exc, "error_list") else [exc]:
        if isinstance(error, LinkRefused):
            field = "link" if "link" in form.fields and form["link"].value() else "tool"
            form.add_error(field if field in form.fields else None, error.refusal.html())
            continue
        field = fields.get(getattr(error, "code", None))
        form.add_error(field if field in form.fields else None, error)


def _session_saved_message(data: dict, saved: str = "") -> str:
    """« Séance enregistrée. », and why a link (or a tool) typed for a session that gives none was not kept."""
    saved = saved or _("Séance enregistrée.")
    reason = services.dropped_link_reason(data.get("modality", ""))
    if not reason:
        return saved
    if data.get("link"):
        return f"{saved} " + _("Le lien n'a pas été gardé : %(reason)s.") % {"reason": reason}
    if data.get("tool"):
        return f"{saved} " + _("L'outil n'a pas été gardé : %(reason)s.") % {"reason": reason}
    return saved


@login_required
def slot_occurrence(request, pk: int, date: str):
    """Plan one occurrence of a slot: its modality that week (creates or changes the override)."""
    require_role(request.user, *PLANNERS)
    slot = access_slot(request.user, pk, for_write=True)
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise Http404 from None
    session = Session.objects.filter(slot=slot, date=day).first()
    if session is not None:
        return redirect("planning:session_edit", pk=session.pk)
    form = ModalityForm(request.POST or None, initial={"modality": Modality.PRESENCE}, etablissement=slot.etablissement)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_plan(slot=slot, date=day, by=request.user.staff_profile, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _session_saved_message(form.cleaned_data))
            return _after_session_saved(request, session, slot=slot, date=day)
    audience_key = f"d{slot.division_id}" if slot.division_id else f"g{slot.group_id}"
    minutes = (slot.end.hour * 60 + slot.end.minute) - (slot.start.hour * 60 + slot.start.minute)
    return render(
        request,
        "planning/session_form.html",
        {
            "form": form,
            "slot": slot,
            "date": day,
            "audience_key": audience_key,
            "minutes": minutes,
            "rules": RULES_TEXT,
            **_session_gauge(request, form, audience_key=audience_key, date=day, minutes=minutes),
        },
    )


def _week_url(day: dt.date) -> str:
    from django.urls import reverse

    return reverse("planning:week") + f"?semaine={monday_of(day).isoformat()}"


def _after_session_saved(request, session: Session | None, *, slot=None, date=None):
    """Back to the week, or on to the work of that session ("Enregistrer et donner un travail")."""
    from django.urls import reverse
    from django.utils.http import urlencode

    if request.POST.get("then") != THEN_HOMEWORK:
        return redirect(_week_url(session.date if session else date))
    if session is not None:
        return redirect(reverse("planning:homework_new") + "?" + urlencode({"seance": session.pk}))
    # Back in class with nothing stored: the work is given for that lesson all the same.
    query = {"pour": slot.audience_key, "matiere": slot.subject_id, "donne": date.isoformat()}
    return redirect(reverse("planning:homework_new") + "?" + urlencode(query))


@login_required
def session_edit(request, pk: int):
    session = access_session(request.user, pk, for_write=True)
    initial = {name: getattr(session, name) for name in ModalityForm.base_fields if hasattr(session, name)}
    form = ModalityForm(request.POST or None, initial=initial, etablissement=session.etablissement)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.session_update(session=session, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _session_saved_message(form.cleaned_data))
            return _after_session_saved(request, saved, slot=session.slot, date=session.date)
    staff = request.user.staff_profile
    check_links([session], link_checker(request))
    return render(
        request,
        "planning/session_form.html",
        {
            "form": form,
            "session": session,
            "slot": session.slot,
            "date": session.date,
            "audience_key": session.audience_key,
            "minutes": session.minutes,
            "homework": list(session.homework.select_related("subject").order_by("due_date", "pk")),
            "can_delete": session.is_outside_timetable
            and staff is not None
            and (staff.is_direction or session.created_by_id == staff.pk),
            "paper_count": _paper_count(session.etablissement, session_students(session))
            if session.modality == Modality.ASYNC_DISTANCE
            else None,
            "rules": RULES_TEXT,
            **_session_gauge(
                request,
                form,
                audience_key=session.audience_key,
                date=session.date,
                minutes=session.minutes,
                session_pk=session.pk,
            ),
        },
    )


@login_required
@require_POST
def session_delete(request, pk: int):
    """Delete a session outside the timetable (its author; refused once the register has marks)."""
    require_role(request.user, *PLANNERS)
    session = access_session(request.user, pk, for_write=True)
    try:
        services.session_delete(session=session, by=request.user.staff_profile)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("planning:session_edit", pk=session.pk)
    messages.success(
        request,
        _("Séance du %(date)s supprimée : %(subject)s, %(audience)s.")
        % {"date": long_date(session.date, year=False), "subject": session.subject, "audience": session.audience},
    )
    return redirect(_week_url(session.date))


def _time_param(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return None


@login_required
def session_new(request):
    """A session outside the timetable (or the planner's own slot, when it is that slot)."""
    require_role(request.user, *PLANNERS)
    initial = {"modality": Modality.VISIO}
    # Prefilled from the week: ?date=2026-12-02&debut=14:00&fin=15:00&pour=d12
    for name, param in (("date", "date"), ("start", "debut"), ("end", "fin"), ("audience", "pour")):
        if request.GET.get(param):
            initial[name] = request.GET[param]
    staff = request.user.staff_profile
    if initial.get("audience") and staff is not None:
        division, group = parse_audience(initial["audience"], request.user)
        subject = services.homework_default_subject(by=staff, division=division, group=group)
        if subject is not None:
            initial["subject"] = subject.pk
    form = SessionCreateForm(request.POST or None, user=request.user, initial=initial)
    existing_session = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("audience")
        try:
            session = services.session_create(
                etablissement=request.user.etablissement, teachers=[staff], by=staff, **data
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
            planned = next((e for e in exc.error_list if e.code == "already_planned"), None)
            if planned is not None:
                existing_session = get_object_or_404(Session, pk=planned.params["pk"])
        else:
            if session is not None and session.is_outside_timetable:
                saved = _("Séance enregistrée, hors emploi du temps de la classe.")
                messages.warning(request, _session_saved_message(data, saved))
            else:
                messages.success(request, _session_saved_message(data))
            if session is None:
                return redirect(_week_url(data["date"]))
            return _after_session_saved(request, session)
    date = _value(form, "date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            date = None
    start, end = _value(form, "start"), _value(form, "end")
    start = _time_param(start) if isinstance(start, str) else start
    end = _time_param(end) if isinstance(end, str) else end
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) if start and end and start < end else 0
    return render(
        request,
        "planning/session_new.html",
        {
            "form": form,
            "existing_session": existing_session,
            "rules": RULES_TEXT,
            **_session_gauge(request, form, audience_key=str(_value(form, "audience")), date=date, minutes=minutes),
        },
    )


NOT_COPIED = _lazy("Les séances hors emploi du temps et les travaux ne sont pas copiés : ajoutez-les dans la semaine.")


@login_required
@require_POST
def week_copy(request):
    require_role(request.user, Role.ENSEIGNANT)
    monday = _monday(request)
    form = WeekCopyForm(request.POST)
    if form.is_valid():
        targets = [monday + dt.timedelta(days=7 * k) for k in range(1, form.cleaned_data["weeks"] + 1)]
        try:
            done = services.week_copy(
                staff=request.user.staff_profile,
                from_monday=monday,
                to_mondays=targets,
                replace=form.cleaned_data["replace"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            parts = [plural(done.copied, str(_("séance copiée")), str(_("séances copiées")))]
            if done.kept:
                parts.append(
                    plural(
                        done.kept,
                        str(_("séance déjà planifiée laissée telle quelle")),
                        str(_("séances déjà planifiées laissées telles quelles")),
                    )
                    + str(_(" (cochez « Remplacer » pour les écraser)"))
                )
            if done.links_dropped:
                parts.append(
                    plural(
                        done.links_dropped,
                        str(_("lien refusé par les règles de l'établissement non copié")),
                        str(_("liens refusés par les règles de l'établissement non copiés")),
                    )
                    + str(_(" : donnez-en un autre dans la semaine"))
                )
            messages.success(
                request,
                _("%(done)s. %(rest)s") % {"done": " ; ".join(parts), "rest": NOT_COPIED},
            )
    else:
        # The form sits in the week page: its errors come back there, nothing copied.
        problems = " ".join(
            f"« {form.fields[name].label} » : {' '.join(errors)}" for name, errors in form.errors.items()
        )
        messages.error(request, _("Rien n'a été copié. %(problems)s") % {"problems": problems})
    return redirect(_week_url(monday))


# --- Homework ----------------------------------------------------------------------------------------


THEN_ANOTHER = "autre"


@login_required
def homework_new(request):
    """Give work; from a session (``?seance=``) its audience, subject and dates are filled in."""
    require_role(request.user, *PLANNERS)
    staff = request.user.staff_profile
    session = None
    if request.GET.get("seance", "").isdigit():
        session = access_session(request.user, int(request.GET["seance"]), for_write=True)
    today = timezone.localdate()
    initial = {"given_on": today, "due_date": today + dt.timedelta(days=1)}
    if session is not None:
        initial.update(audience=session.audience_key, subject=session.subject_id, given_on=session.date)
    else:
        if request.GET.get("pour"):
            initial["audience"] = request.GET["pour"]
        if request.GET.get("matiere", "").isdigit():
            initial["subject"] = int(request.GET["matiere"])
        try:
            initial["given_on"] = dt.date.fromisoformat(request.GET.get("donne", ""))
        except ValueError:
            pass
    division, group = parse_audience(initial.get("audience", ""), request.user)
    if division or group:
        if "subject" not in initial and staff is not None:
            subject = services.homework_default_subject(by=staff, division=division, group=group)
            initial["subject"] = subject.pk if subject else None
        initial["due_date"] = next_lesson_date(
            staff, division=division, group=group, after=initial["given_on"]
        ) or initial["given_on"] + dt.timedelta(days=1)
    form = HomeworkForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("audience")
        try:
            homework = services.homework_create(
                etablissement=request.user.etablissement, by=staff, session=session, **data
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Travail enregistré : %(title)s.") % {"title": homework.heading})
            if request.POST.get("then") == THEN_ANOTHER:
                return redirect(request.get_full_path())
            return redirect(_week_url(homework.due_date))
    return render(
        request,
        "planning/homework_form.html",
        {
            "form": form,
            "session": session,
            "rules": RULES_TEXT,
            **_equipment_context(request.user, audience=form["audience"].value() or ""),
            **_homework_gauge(request, form),
        },
    )


@login_required
def homework_edit(request, pk: int):
    homework = access_homework(request.user, pk, for_write=True)
    initial = {
        "audience": homework.audience_key,
        "subject": homework.subject_id,
        "title": homework.title,
        "instructions": homework.instructions,
        "tool": homework.tool_id,
        "link": homework.link,
        "kind": homework.kind,
        "given_on": homework.given_on,
        "due_date": homework.due_date,
        "estimated_minutes": homework.estimated_minutes,
        "hand_in_mode": homework.hand_in_mode,
    }
    form = HomeworkForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("audience")
        try:
            services.homework_update(homework=homework, by=request.user.staff_profile, **data)
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, _("Travail enregistré : %(title)s.") % {"title": homework.heading})
            return redirect(_week_url(homework.due_date))
    check_links([homework], link_checker(request))
    return render(
        request,
        "planning/homework_form.html",
        {
            "form": form,
            "homework": homework,
            "rules": RULES_TEXT,
            **_equipment_context(request.user, students=homework_students(homework)),
            **_homework_gauge(request, form, homework_pk=homework.pk),
        },
    )


@login_required
@require_POST
def homework_delete(request, pk: int):
    """Delete a piece of work (its author or the direction); the load of its audience goes down."""
    require_role(request.user, *PLANNERS)
    homework = access_homework(request.user, pk, for_write=True)
    heading = homework.heading
    if request.POST.get("confirmer") != "oui":
        messages.error(request, _("Cochez « Je confirme la suppression de ce travail » pour le supprimer."))
        return redirect("planning:homework_edit", pk=homework.pk)
    try:
        services.homework_delete(homework=homework, by=request.user.staff_profile)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("planning:homework_edit", pk=homework.pk)
    messages.success(request, _("Travail supprimé : %(title)s.") % {"title": heading})
    return redirect(_week_url(homework.due_date))


@login_required
@require_POST
def homework_done(request, pk: int):
    """The student ticks (or unticks) a piece of work done."""
    homework = access_homework(request.user, pk)
    student = request.user.student_profile
    if student is None:
        raise PermissionDenied
    done = request.POST.get("done") != "0"
    try:
        services.homework_mark_done(homework=homework, student=student, done=done)
    except ValidationError as exc:
        level, text = messages.ERROR, " ".join(exc.messages)
    else:
        level = messages.SUCCESS
        if done:
            text = _("Travail noté comme fait : %(title)s.") % {"title": homework.heading}
        else:
            text = _("Travail noté comme pas encore fait : %(title)s.") % {"title": homework.heading}
    # Said in the piece of work itself: the page opens there, out of view of its top.
    item_message(request, level, text, item=f"travail-{homework.pk}")
    # Back to the same piece of work, not to the top of the week.
    return redirect(item_url(reverse_week("planning:my_week", homework.due_date), f"travail-{homework.pk}"))


def reverse_week(name: str, day: dt.date) -> str:
    from django.urls import reverse

    return reverse(name) + f"?semaine={monday_of(day).isoformat()}"


# --- The gauge ---------------------------------------------------------------------------------------


def _int(value: str | None) -> int:
    try:
        return max(0, min(int(value or 0), 1440))
    except ValueError:
        return 0


@login_required
@require_GET
def gauge(request):
    """The load of an audience for the day and the week of ``date``, with the change being considered.

    Answers an HTML fragment (the page replaces its gauge with it, without reloading). Parameters:
    ``pour`` (d<pk>/g<pk>), ``date``, ``minutes`` (work), ``kind``, ``video`` (minutes of a video
    session), ``distance`` (hybride: the half at a distance), ``travail``/``seance`` (the item being
    edited, left out of the stored load).
    """
    require_role(request.user, *PLANNERS)
    user = request.user
    html = fragment(
        request,
        "planning-gauge",
        etablissement_id=user.etablissement_id,
        domains=GRID_DOMAINS,
        # per reader: the audiences he may plan for, the work of the others than him
        vary=(user.pk, sorted(request.GET.items())),
        template="planning/partials/gauge.html",
        context=lambda: _gauge_context(user, request.GET),
    )
    return HttpResponse(html)


def _gauge_context(user, params) -> dict:
    """The gauge's context from its parameters: the fragment fetched by the page, or drawn with it (no JS)."""
    division, group = parse_audience(params.get("pour", ""), user)
    try:
        date = dt.date.fromisoformat(str(params.get("date", "")))
    except ValueError:
        date = None
    if (division is None and group is None) or date is None:
        return {"empty": True}
    monday = monday_of(date)
    days = week_days(user.etablissement_id, monday)
    thresholds = _thresholds(user)
    minutes = _int(params.get("minutes"))
    video = _int(params.get("video"))
    extra = Load(
        async_minutes=minutes,
        assessments=1 if minutes and params.get("kind") == HomeworkKind.ASSESSMENT else 0,
        video=video,
        remote=video,
    )
    distance = params.get("distance") if params.get("distance") in ("A", "B") else None
    in_room = {"A": "B", "B": "A"}.get(distance) if distance else None
    students = Student.objects.current().filter(
        audience_students_q(division_id=division.pk if division else None, group_id=group.pk if group else None)
    )
    rows = student_loads(
        students=students,
        days=days,
        exclude_homework_id=_int(params.get("travail")) or None,
        exclude_session_id=_int(params.get("seance")) or None,
        extras=[Extra(date=date, load=extra, only_remote_half_of=in_room)],
    )
    load = audience_load(rows, days, thresholds)
    cell = next((c for c in load.days if c.day.date == date), None)
    overloaded = bool(minutes and cell and cell.overs)
    staff = user.staff_profile
    items = audience_items(
        etablissement_id=user.etablissement_id,
        students=students,
        monday=monday,
        exclude_staff_id=staff.pk if staff else None,
    )
    return {
        "audience": division or group,
        "date": date,
        "cell": cell,
        "load": load,
        # what the verdict names: the rules exceeded on that day or over its week
        "excesses": [e for e in load.excesses if e.date in (None, date)],
        "thresholds": thresholds,
        "lighter": _lighter(user, params, students, date, minutes, thresholds) if overloaded else [],
        "items": items,
        "rules": RULES_TEXT,
    }


def _value(form, name: str, fallback=""):
    """A field's current value: what was posted, else its initial value (for the gauge drawn with the page)."""
    value = form[name].value() if name in form.fields else None
    return fallback if value in (None, "") else value


def _gauge_parts(request, params: dict) -> dict:
    """The gauge drawn with the page, and its one-line verdict for the form (``forms.GAUGE_VERDICT``)."""
    context = _gauge_context(request.user, params)
    return {
        "gauge": render_to_string("planning/partials/gauge.html", context, request=request),
        "gauge_verdict": render_to_string("planning/partials/gauge_verdict.html", context, request=request),
    }


def _session_gauge(request, form, *, audience_key: str, date, minutes: int, session_pk=None) -> dict:
    """The gauge of a session form as the script computes it: a video class counts its minutes."""
    modality = _value(form, "modality")
    params = {"pour": audience_key, "date": date.isoformat() if date else ""}
    if modality == Modality.VISIO:
        params["video"] = minutes
    elif modality == Modality.HYBRIDE and _value(form, "hybrid_remote_mode") == RemoteMode.LIVE:
        params["video"] = minutes
        params["distance"] = {"A": "B", "B": "A"}.get(_value(form, "hybrid_room_half"), "")
    if session_pk:
        params["seance"] = session_pk
    return _gauge_parts(request, params)


def _homework_gauge(request, form, homework_pk=None) -> dict:
    due = _value(form, "due_date")
    given = _value(form, "given_on")
    params = {
        "pour": _value(form, "audience"),
        "date": due.isoformat() if isinstance(due, dt.date) else due,
        "donne": given.isoformat() if isinstance(given, dt.date) else given,
        "minutes": _value(form, "estimated_minutes", 0),
        "kind": _value(form, "kind"),
    }
    if homework_pk:
        params["travail"] = homework_pk
    return _gauge_parts(request, params)


def _lighter(user, params, students, due_date: dt.date, minutes: int, thresholds: Thresholds):
    """The gauge's "Jours plus légers" (see ``planning.lighter``); ``donne`` is the day the work is given."""
    today = timezone.localdate()
    try:
        given_on = dt.date.fromisoformat(str(params.get("donne", "")))
    except ValueError:
        given_on = today
    return lighter_days(
        etablissement_id=user.etablissement_id,
        students=students,
        due_date=due_date,
        given_on=given_on,
        today=today,
        minutes=minutes,
        is_assessment=params.get("kind") == HomeworkKind.ASSESSMENT,
        thresholds=thresholds,
        exclude_homework_id=_int(params.get("travail")) or None,
    )


# --- Students and parents ------------------------------------------------------------------------------


@login_required
def my_week(request):
    """The week of a student, or of a parent's child (``?eleve=``)."""
    require_role(request.user, Role.ELEVE, Role.PARENT)
    monday = _monday(request)
    children = []
    if request.user.student_profile is not None:
        student = request.user.student_profile
    else:
        children = list(Student.objects.visible_to(request.user).order_by("first_name"))
        if not children:
            raise Http404
        wanted = request.GET.get("eleve", "")
        student = next((c for c in children if str(c.pk) == wanted), children[0])
    is_student = request.user.student_profile is not None
    cached = {
        "etablissement_id": student.etablissement_id,
        "domains": (*GRID_DOMAINS, "planning_done"),
        "vary": (student.pk, monday, is_student),
    }

    def context():
        grid = student_week(student, monday)
        own = student_loads(students=Student.objects.filter(pk=student.pk), days=grid.days)
        # a session's link reaches its students, their guardians only if the school allows it
        may_see_links = is_student or services.links_for_guardians(etablissement_id=student.etablissement_id)
        if may_see_links:
            # and only while the link policy allows it, whatever it allowed when the link was saved
            check_links([*grid.sessions(), *grid.homework], link_checker(request))
        return {
            **_week_context(monday),
            "grid": grid,
            "student": student,
            "is_student": is_student,
            "may_see_links": may_see_links,
            # a family that sees no link is told where its child finds them, on a week with virtual classes
            "links_elsewhere": not may_see_links
            and any(s.modality in (Modality.VISIO, Modality.HYBRIDE) for s in grid.sessions()),
            "own_load": own[0] if own else None,
            # the week links keep the child being read
            "extra_query": "" if is_student else f"&eleve={student.pk}",
        }

    def respond():
        template = "planning/partials/my_week_body.html"
        # A piece of work just ticked says so itself: the body is then drawn for this request only.
        waiting = item_messages(request)

        def context_with_messages():
            values = context()
            for hw in values["grid"].homework:
                hw.item_messages = place(waiting, f"travail-{hw.pk}")
            return values

        body = fragment(
            request,
            "planning-my-week",
            template=template,
            context=context_with_messages if waiting else context,
            fresh=bool(waiting),
            **cached,
        )
        return render(
            request,
            "planning/my_week.html",
            {"body": body, "student": student, "children": children, "is_student": is_student, "monday": monday},
        )

    return conditional_page(request, "planning-my-week", respond=respond, **cached)


# --- Form tutor and direction --------------------------------------------------------------------------


@login_required
def division_load(request, pk: int):
    """The form tutor's heat map: days × kinds of load, per group, each teacher's share."""
    division = access_division_load(request.user, pk)
    monday = _monday(request)

    def context():
        thresholds = _thresholds(request.user)
        data = division_heatmap(division, monday, thresholds)
        return {
            **_week_context(monday),
            **data,
            **_rules_context(thresholds),
            "week_cell": {"overs": data["load"].week_overs},
            "division": division,
            "thresholds": thresholds,
        }

    body = fragment(
        request,
        "planning-division-load",
        etablissement_id=division.etablissement_id,
        domains=GRID_DOMAINS,
        vary=(division.pk, monday),
        template="planning/partials/division_load_body.html",
        context=context,
    )
    return render(request, "planning/division_load.html", {"division": division, "body": body})


def _rules_context(thresholds: Thresholds) -> dict:
    return {"day_rules": thresholds.rules_of("day"), "week_rules": thresholds.rules_of("week")}


@login_required
def my_division_load(request):
    """The navigation's "Charge de ma classe": the tutor's (first) division."""
    require_role(request.user, Role.PROF_PRINCIPAL)
    return redirect("planning:division_load", pk=request.user.tutored_division_ids[0])


@login_required
def school_load(request):
    require_role(request.user, Role.DIRECTION)
    monday = _monday(request)
    thresholds = _thresholds(request.user)
    weeks = school_overview(request.user.etablissement_id, [monday, monday + dt.timedelta(days=7)], thresholds)
    return render(
        request,
        "planning/school_load.html",
        {**_week_context(monday), **_rules_context(thresholds), "weeks": weeks, "thresholds": thresholds},
    )


@login_required
def thresholds_edit(request):
    require_role(request.user, Role.DIRECTION)
    current = services.planning_settings_get(etablissement=request.user.etablissement)
    form = ThresholdsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.planning_settings_update(etablissement=request.user.etablissement, **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Réglages enregistrés."))
            return redirect("planning:thresholds")
    return render(request, "planning/thresholds.html", {"form": form})


@login_required
def division_switch(request, pk: int):
    """Switch a whole division for a period (lockdown, hybrid A/B rota), with the groups drawn from it."""
    division = access_division_load(request.user, pk)
    drawn = groups_drawn_from(division)
    shared = [d for d in drawn if d.is_shared]
    form = DivisionSwitchForm(
        request.POST or None,
        initial={"hybrid_remote_mode": RemoteMode.LIVE, "modality": Modality.VISIO},
        division=division,
        shared=shared,
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.division_modality_switch(
                division=division, by=request.user.staff_profile, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(sessions)s planifiées pour la %(code)s et ses groupes.")
                % {"sessions": plural(count, str(_("séance"))), "code": division.code},
            )
            start = form.cleaned_data["start"]
            # The switched week, not the current one: what the direction just decided.
            return redirect(
                reverse("planning:division_load", kwargs={"pk": division.pk})
                + f"?semaine={monday_of(start).isoformat()}"
            )
    return render(
        request,
        "planning/division_switch.html",
        {
            "form": form,
            "division": division,
            "own_groups": [d.group for d in drawn if not d.other_divisions and d.has_lessons],
            "shared": [(d, form[f"groupe_{d.group.pk}"]) for d in shared],
        },
    )


def _current_year(user) -> SchoolYear:
    year = SchoolYear.objects.filter(etablissement_id=user.etablissement_id, is_current=True).first()
    if year is None:
        raise ValidationError(_("Aucune année scolaire en cours."))
    return year


def _decisions(post) -> dict[int, str]:
    """``decision_<session pk>`` radios of the confirmation page: "keep" or "cancel"."""
    return {
        int(key.removeprefix("decision_")): value
        for key, value in post.items()
        if key.startswith("decision_") and key.removeprefix("decision_").isdigit()
    }


def _slot_list_url(audience_key: str) -> str:
    from django.urls import reverse

    return reverse("planning:slot_list") + f"?pour={audience_key}"


@login_required
def slot_list(request):
    """The school's timetable: its conflicts, then the slots of one class or group, to change or remove."""
    require_role(request.user, Role.DIRECTION)
    today = timezone.localdate()
    year = SchoolYear.objects.filter(etablissement_id=request.user.etablissement_id, is_current=True).first()
    conflicts = (
        school_conflicts(etablissement_id=request.user.etablissement_id, school_year_id=year.pk, today=today)
        if year
        else []
    )
    choices = audience_choices(request.user)
    wanted = request.GET.get("pour", "")
    division, group = parse_audience(wanted, request.user) if wanted else (None, None)
    slots = []
    if division or group:
        slots = list(
            TimetableSlot.objects.filter(etablissement_id=request.user.etablissement_id)
            .for_audience(division_id=division.pk if division else None, group_id=group.pk if group else None)
            .current()
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .select_related("subject")
            .prefetch_related("teachers")
            .order_by("weekday", "start", "valid_from")
        )
    return render(
        request,
        "planning/slot_list.html",
        {
            "conflicts": conflicts,
            "choices": choices,
            "wanted": wanted,
            "audience": division or group,
            "slots": slots,
            "today": today,
        },
    )


@login_required
def slot_new(request):
    """Enter a recurring slot of the timetable; a conflict is refused unless confirmed."""
    require_role(request.user, Role.DIRECTION)
    weekdays = services.planning_settings_get(etablissement=request.user.etablissement).weekdays
    initial = {"audience": request.GET.get("pour", "")}
    form = SlotForm(request.POST or None, user=request.user, weekdays=weekdays, initial=initial)
    decision = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        audience = data.pop("audience")
        try:
            year = _current_year(request.user)
            services.school_calendar_build(school_year=year)
            services.slot_create(
                etablissement=request.user.etablissement,
                school_year=year,
                confirm_conflicts=request.POST.get("confirm_conflicts") == "1",
                **data,
            )
        except services.SlotDecisionNeeded as exc:
            decision = exc
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Créneau ajouté à l'emploi du temps."))
            return redirect(_slot_list_url(audience))
    return render(request, "planning/slot_form.html", {"form": form, "decision": decision})


@login_required
def slot_edit(request, pk: int):
    """Change a slot from a date: the weeks before keep it as it was; planned sessions are kept or listed."""
    require_role(request.user, Role.DIRECTION)
    slot = access_slot(request.user, pk, for_write=True)
    today = timezone.localdate()
    weekdays = services.planning_settings_get(etablissement=slot.etablissement).weekdays
    initial = {
        "audience": slot.audience_key,
        "subject": slot.subject,
        "teachers": list(slot.teachers.all()),
        "weekday": slot.weekday,
        "start": slot.start,
        "end": slot.end,
        "week_pattern": slot.week_pattern,
        "room": slot.room,
        "from_date": max(today, slot.valid_from or today),
    }
    form = SlotForm(request.POST or None, user=request.user, weekdays=weekdays, with_from_date=True, initial=initial)
    decision = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        audience = data.pop("audience")
        try:
            services.slot_change(
                slot=slot,
                decisions=_decisions(request.POST),
                confirm_conflicts=request.POST.get("confirm_conflicts") == "1",
                by=request.user.staff_profile,
                today=today,
                **data,
            )
        except services.SlotDecisionNeeded as exc:
            decision = exc
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Créneau modifié à partir du %(date)s ; les semaines d'avant restent inchangées.")
                % {"date": long_date(data["from_date"])},
            )
            return redirect(_slot_list_url(audience))
    planned = slot_overrides_from(slot=slot, from_date=today, today=today) if decision is None else []
    return render(
        request,
        "planning/slot_form.html",
        {"form": form, "decision": decision, "slot": slot, "slot_label": slot_label(slot), "planned": planned},
    )


@login_required
def slot_delete(request, pk: int):
    """Remove a slot from a date on; each session planned on it from then is kept (outside the timetable) or not."""
    require_role(request.user, Role.DIRECTION)
    slot = access_slot(request.user, pk, for_write=True)
    today = timezone.localdate()
    form = SlotDeleteForm(request.POST or None, initial={"from_date": max(today, slot.valid_from or today)})
    error = None
    if request.method == "POST" and form.is_valid():
        from_date = form.cleaned_data["from_date"]
        try:
            services.slot_delete(
                slot=slot, from_date=from_date, decisions=_decisions(request.POST), by=request.user.staff_profile
            )
        except ValidationError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Créneau retiré de l'emploi du temps à partir du %(date)s.") % {"date": long_date(from_date)},
            )
            return redirect(_slot_list_url(slot.audience_key))
        shown_from = from_date
    else:
        shown_from = form.initial["from_date"]
    planned = slot_overrides_from(slot=slot, from_date=max(shown_from, today), today=today)
    return render(
        request,
        "planning/slot_delete.html",
        {"form": form, "slot": slot, "slot_label": slot_label(slot), "planned": planned, "error": error},
    )


# --- Exports -----------------------------------------------------------------------------------------


@login_required
def division_week_csv(request, pk: int):
    division = access_division_load(request.user, pk)
    monday = _monday(request)
    thresholds = _thresholds(request.user)
    data = division_heatmap(division, monday, thresholds)
    return csv_response(
        f"charge-{division.code}-{monday.isoformat()}.csv",
        [
            "Date",
            "Jour férié ou vacances",
            "Classe virtuelle (min)",
            "Travail (min)",
            "Évaluations",
            "À distance (min)",
            "Seuils dépassés",
        ],
        (
            [
                cell.day.date,
                cell.day.holiday_name,
                cell.load.video,
                cell.load.async_minutes,
                cell.load.assessments,
                cell.load.remote,
                " ; ".join(thresholds.rule("day", metric) for metric in cell.overs),
            ]
            for cell in data["load"].days
        ),
    )


@login_required
def school_load_csv(request):
    require_role(request.user, Role.DIRECTION)
    monday = _monday(request)
    (week_data,) = school_overview(request.user.etablissement_id, [monday], _thresholds(request.user))
    return csv_response(
        f"charge-etablissement-{monday.isoformat()}.csv",
        [
            "Semaine",
            "Division",
            "Classe virtuelle (min)",
            "Travail (min)",
            "Évaluations",
            "Part de classe virtuelle (%)",
            "Seuils dépassés",
        ],
        (
            [
                monday,
                division.code,
                load.week.video,
                load.week.async_minutes,
                load.week.assessments,
                load.video_share,
                " ; ".join(load.rules),
            ]
            for division, load in week_data["divisions"]
        ),
    )


# --- Calendar feeds ----------------------------------------------------------------------------------


@login_required
def calendar_links(request):
    """The reader's secret feed and, for staff, the feed of a class (``?classe=``), as links to copy or
    to open in a calendar (``webcal://``)."""
    feed = services.calendar_feed_get(user=request.user)
    divisions, division = [], None
    if request.user.staff_profile is not None:
        from continuite.ecole.models import Division

        divisions = list(Division.objects.visible_to(request.user).current().order_by("code"))
        wanted = request.GET.get("classe", "")
        division = next((d for d in divisions if str(d.pk) == wanted), None)
    return render(
        request,
        "planning/calendar_links.html",
        {
            "feed": feed,
            "own": _subscription(reverse("planning:ical_feed", args=[feed.token])),
            "divisions": divisions,
            "division": division,
            "division_feed": _subscription(reverse("planning:ical_division", args=[feed.token, division.pk]))
            if division
            else None,
        },
    )


def _subscription(path: str) -> dict:
    """A feed's address on the portal's own host (SITE_URL), and the same as ``webcal://`` for a calendar app."""
    from urllib.parse import urlsplit

    url = settings.SITE_URL + path
    return {"url": url, "webcal": "webcal://" + urlsplit(url).netloc + path}


@login_required
@require_POST
def calendar_renew(request):
    services.calendar_feed_renew(user=request.user)
    messages.success(request, _("Nouveau lien créé : les anciens liens ne fonctionnent plus."))
    return redirect("planning:calendar_links")


@require_http_methods(["GET", "HEAD"])
def ical_feed(request, token: str):
    from .ical import feed_for_user

    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        raise Http404
    user, today = feed.user, timezone.localdate()
    # The owner's own feed: his profiles and roles are the directory's rows, keyed by its version.
    return _ics(
        request, "planning-ical", user.etablissement_id or 0, (user.pk, token), lambda: feed_for_user(user, today)
    )


@require_http_methods(["GET", "HEAD"])
def ical_division(request, token: str, pk: int):
    from continuite.ecole.models import Division

    from .ical import feed_for_division

    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active or feed.user.staff_profile is None:
        raise Http404
    division = get_object_or_404(Division.objects.visible_to(feed.user), pk=pk)
    today = timezone.localdate()
    return _ics(
        request,
        "planning-ical-division",
        division.etablissement_id,
        (division.pk, feed.user.pk, token),  # a session's link only for its teachers: per reader
        lambda: feed_for_division(division, today, reader=feed.user),
    )


# How long the portal remembers when a feed's bytes last changed (they change at least once a day).
FEED_STAMP_TTL = 3 * 24 * 3600


def _feed_last_modified(path: str, etag: str) -> int:
    """When these bytes of this feed were first served (a Unix time in whole seconds).

    The feed's last change is known only as the first time the portal served the same bytes (same
    ETag), remembered in the cache. A new ETag always gets a time after the previous one, even within
    the same second, so that a client's If-Modified-Since never hides a change. A lost cache only
    dates the feed later: the client downloads it once more.
    """
    import hashlib
    import time

    key = "ical-last-modified:" + hashlib.sha256(path.encode()).hexdigest()[:32]
    seen = cache.get(key)
    if seen and seen[0] == etag:
        return seen[1]
    stamp = int(time.time())
    if seen:
        stamp = max(stamp, seen[1] + 1)
    cache.set(key, (etag, stamp), timeout=FEED_STAMP_TTL)
    return stamp


def _ics(request, name: str, etablissement_id: int, vary: tuple, build) -> HttpResponse:
    """The feed, kept under the data versions it shows. Its ETag is its key (the same versions, day
    and reader give the same bytes), with a Last-Modified: a client that holds it gets a 304, by
    If-None-Match or, failing that, If-Modified-Since (Django's rules of RFC 9110), before anything
    is read or built."""
    from django.utils.cache import get_conditional_response
    from django.utils.http import http_date

    from continuite.ecole import dataversions
    from continuite.fragments import cache_key

    versions = dataversions.for_request(request, etablissement_id)
    key = cache_key(name, etablissement_id, versions, GRID_DOMAINS, vary)
    etag = f'"{key.rsplit(":", 1)[1][:32]}"'
    last_modified = _feed_last_modified(request.path, etag)
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        body = cache.get(key)
        if body is None:
            body = build()
            cache.set(key, body, 24 * 3600)
        response = HttpResponse(b"" if request.method == "HEAD" else body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="planning.ics"'
        if request.method == "HEAD":
            response["Content-Length"] = str(len(body))
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    return response
