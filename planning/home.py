"""Home page panels of the planning: what each role has today and what is due next.

The sessions' links are checked against the link policy as it stands (``planning.shown_links``), once
for the whole page whatever its panels.

Each panel's template reads its context as ``panel.<name>`` (see ``continuite.accounts.views``).
"""

from __future__ import annotations

from django.utils import timezone

from continuite.accounts.roles import Role
from continuite.ecole.models import Student
from continuite.french import week_label

from . import services
from .shown_links import check_links, link_checker
from .upcoming import REGISTER_MODALITIES, students_ahead, teacher_ahead, tutor_week
from .workload import RULES_TEXT, Thresholds


def panels(request) -> list[dict]:
    user = request.user
    roles = user.roles
    today = timezone.localdate()
    result = []
    if Role.ELEVE in roles:
        student = user.student_profile
        ahead, (own,) = students_ahead([student], etablissement_id=student.etablissement_id, today=today)
        check_links(_sessions([own]), link_checker(request))
        result.append(
            {
                "template": "planning/partials/home_student.html",
                # a session's link and consignes reach its students (and their guardians if the school allows it)
                "context": {"ahead": ahead, "children": [own], "is_student": True, "links_shown": True},
            }
        )
    if Role.PARENT in roles:
        # query: his children still at school (the panel's other queries do not depend on their number)
        children = list(
            Student.objects.current()
            .filter(guardian_links__guardian=user.guardian_profile, etablissement_id=user.etablissement_id)
            .select_related("division")
            .order_by("first_name", "pk")
        )
        if children:
            ahead, blocks = students_ahead(children, etablissement_id=user.etablissement_id, today=today)
            links_shown = services.links_for_guardians(etablissement_id=user.etablissement_id)
            if links_shown:
                check_links(_sessions(blocks), link_checker(request))
            result.append(
                {
                    "template": "planning/partials/home_student.html",
                    "context": {"ahead": ahead, "children": blocks, "is_student": False, "links_shown": links_shown},
                }
            )
    if Role.ENSEIGNANT in roles:
        data = teacher_ahead(user.staff_profile, today=today)
        if data.day is not None:
            check_links([occ.session for occ in data.day.items], link_checker(request))
        result.append(
            {
                "template": "planning/partials/home_teacher.html",
                "context": {
                    "data": data,
                    "register_modalities": [str(m) for m in REGISTER_MODALITIES],
                    "staff_id": user.staff_profile.pk,
                },
            }
        )
    if Role.PROF_PRINCIPAL in roles:
        # query: the school's thresholds
        thresholds = Thresholds.of(services.planning_settings_get(etablissement=user.etablissement))
        monday, days, weeks = tutor_week(
            user.tutored_division_ids, etablissement_id=user.etablissement_id, today=today, thresholds=thresholds
        )
        result.append(
            {
                "template": "planning/partials/home_tutor.html",
                "context": {
                    "monday": monday,
                    "parity": next((d.week_parity for d in days), ""),
                    # The label ends on the last day of the table below (a Saturday when it has classes).
                    "week_label": _capitalized(
                        week_label(
                            monday,
                            next((d.week_parity for d in days), ""),
                            last_day=max((d.date for d in days), default=None),
                        )
                    ),
                    "weeks": weeks,
                    "thresholds": thresholds,
                    "rules": RULES_TEXT,
                },
            }
        )
    return result


def _sessions(blocks) -> list:
    """The sessions of the students' coming days, each once (a parent's children may share one)."""
    return list({id(s): s for b in blocks for d in b.days for i in d.items if (s := i.session) is not None}.values())


def _capitalized(label: str) -> str:
    return label[:1].upper() + label[1:]
