"""Timetables read by the staff: a division's, a group's and a student's week (parse → access → render)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from continuite import french
from continuite.accounts.roles import Role
from continuite.fragments import conditional_page, fragment

from .access import (
    TIMETABLE_READERS,
    access_division_timetable,
    access_group_timetable,
    access_student_timetable,
    readable_group_ids,
)
from .models import REMOTE_MODALITIES, Modality
from .selectors import student_week
from .timetables import division_week, group_week, with_day_homework
from .upcoming import subjects_shown
from .views import GRID_DOMAINS, _monday, _week_context


def _week(request) -> dt.date:
    """The week asked for; without one, this week, or the coming one once this one is over."""
    return _monday(request)


def _counts(grid) -> dict:
    held = [o for occs in grid.cells.values() for o in occs if not o.is_cancelled]
    return {
        "sessions": len(held),
        # A hybrid session has half of its students in the room: counted apart, not "à distance".
        "remote": sum(1 for o in held if o.modality in REMOTE_MODALITIES and o.modality != Modality.HYBRIDE),
        "hybrid": sum(1 for o in held if o.modality == Modality.HYBRIDE),
        "works": len(grid.homework),
    }


def _render(request, *, name: str, audience, monday: dt.date, title: str, vary=(), build):
    """The page; its body cached per audience and week under the data versions (``build()`` gives the
    grid and what the body shows, and runs only when the body is not cached). With an ETag."""
    vary = (audience.pk, monday, *vary)
    cached = {"etablissement_id": audience.etablissement_id, "domains": GRID_DOMAINS, "vary": vary}

    def context():
        extra = build()
        grid = extra.pop("grid")
        return {
            **_week_context(monday),
            "grid": grid,
            "day_homework": with_day_homework(grid),
            "counts": _counts(grid),
            "title": title,
            **extra,
        }

    def respond():
        body = fragment(request, name, template="planning/partials/timetable_body.html", context=context, **cached)
        return render(request, "planning/timetable.html", {"title": title, "body": body})

    return conditional_page(request, name, respond=respond, **cached)


@login_required
def division_timetable(request, pk: int):
    """A division's week: its slots and its groups', their modality, the work due."""
    division = access_division_timetable(request.user, pk)
    monday = _week(request)
    # the heat map's own gate: the division's form tutors and the direction
    can_see_load = Role.DIRECTION in request.user.roles or division.pk in request.user.tutored_division_ids
    # the groups' weeks he may open: all of them for the school's readers and the division's tutors,
    # else his own (the body is then his own too)
    reads_all = bool(request.user.roles & TIMETABLE_READERS) or division.pk in request.user.tutored_division_ids

    def build():
        grid, groups = division_week(division, monday)
        readable = readable_group_ids(request.user, division, groups)
        return {
            "grid": grid,
            "caption": _("Séances de la %(code)s et de ses groupes") % {"code": division.code},
            "division": division,
            "groups": [g for g in groups if g.pk in readable],
            "other_groups": [g for g in groups if g.pk not in readable],
            "can_see_load": can_see_load,
        }

    return _render(
        request,
        name="planning-division-timetable",
        audience=division,
        monday=monday,
        title=_("Emploi du temps de la %(code)s") % {"code": division.code},
        vary=(can_see_load, "tous" if reads_all else request.user.pk),
        build=build,
    )


@login_required
def group_timetable(request, pk: int):
    group = access_group_timetable(request.user, pk)
    monday = _week(request)
    return _render(
        request,
        name="planning-group-timetable",
        audience=group,
        monday=monday,
        title=_("Emploi du temps : %(group)s") % {"group": group},
        build=lambda: {
            "grid": group_week(group, monday),
            "caption": _("Séances du groupe %(code)s") % {"code": group.code},
            "group": group,
        },
    )


@login_required
def student_timetable(request, pk: int):
    """A student's week, for his form tutors, the CPE and the direction."""
    student = access_student_timetable(request.user, pk)
    monday = _week(request)

    def build():
        grid = student_week(student, monday)
        subjects_shown(grid.homework)
        return {
            "grid": grid,
            "caption": _("Séances %(of_name)s") % {"of_name": french.de(student.full_name)},
            "student": student,
            # his groups, to read which half-group is in class when (one query)
            "student_groups": list(student.groups.order_by("kind", "code")),
        }

    return _render(
        request,
        name="planning-student-timetable",
        audience=student,
        monday=monday,
        title=_("La semaine %(of_name)s") % {"of_name": french.de(student.full_name)},
        build=build,
    )
