"""Home page panels of the planning: what each role has today and what is due next.

The sessions' links are checked against the link policy as it stands (``planning.shown_links``), once
for the whole page whatever its panels.

Each panel's template reads its context as ``panel.<name>`` (see ``continuite.accounts.views``). Each
panel is kept in the cache per reader under the versions of what it shows: its context is a function,
called only when the panel is not cached (the link policy is the tools' rows: in the key too).
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

# What the panels show: the planning, the directory's names, the tools (and the link policy); a
# student's work ticked done; the registers still to take (the follow-up's).
DOMAINS = ("planning", "ecole", "outils")


def panels(request) -> list[dict]:
    user = request.user
    roles = user.roles
    today = timezone.localdate()
    result = []
    if Role.ELEVE in roles:
        student = user.student_profile

        def student_panel():
            ahead, (own,) = students_ahead([student], etablissement_id=student.etablissement_id, today=today)
            check_links(_sessions([own]), link_checker(request))
            # a session's link and consignes reach its students (and their guardians if the school allows it)
            return {"ahead": ahead, "children": [own], "is_student": True, "links_shown": True}

        result.append(
            {
                "template": "planning/partials/home_student.html",
                "context": student_panel,
                "cache": {"domains": (*DOMAINS, "planning_done"), "vary": ("eleve", student.pk)},
            }
        )
    if Role.PARENT in roles:

        def parent_panel():
            # query: his children still at school (the panel's other queries do not depend on their number)
            children = list(
                Student.objects.current()
                .filter(guardian_links__guardian=user.guardian_profile, etablissement_id=user.etablissement_id)
                .select_related("division")
                .order_by("first_name", "pk")
            )
            if not children:
                return None
            ahead, blocks = students_ahead(children, etablissement_id=user.etablissement_id, today=today)
            links_shown = services.links_for_guardians(etablissement_id=user.etablissement_id)
            if links_shown:
                check_links(_sessions(blocks), link_checker(request))
            return {"ahead": ahead, "children": blocks, "is_student": False, "links_shown": links_shown}

        result.append(
            {
                "template": "planning/partials/home_student.html",
                "context": parent_panel,
                "cache": {"domains": (*DOMAINS, "planning_done"), "vary": ("parent", user.guardian_profile.pk)},
            }
        )
    if Role.ENSEIGNANT in roles:
        staff = user.staff_profile

        def teacher_panel():
            data = teacher_ahead(staff, today=today)
            if data.day is not None:
                check_links([occ.session for occ in data.day.items], link_checker(request))
            return {
                "data": data,
                "register_modalities": [str(m) for m in REGISTER_MODALITIES],
                "staff_id": staff.pk,
            }

        result.append(
            {
                "template": "planning/partials/home_teacher.html",
                "context": teacher_panel,
                "cache": {"domains": (*DOMAINS, "suivi"), "vary": ("enseignant", staff.pk)},
            }
        )
    if Role.PROF_PRINCIPAL in roles:
        result.append(
            {
                "template": "planning/partials/home_tutor.html",
                "context": lambda: _tutor_panel(user, today),
                "cache": {"domains": DOMAINS, "vary": ("pp", user.pk, user.tutored_division_ids)},
            }
        )
    return result


def _sessions(blocks) -> list:
    """The sessions of the students' coming days, each once (a parent's children may share one)."""
    return list({id(s): s for b in blocks for d in b.days for i in d.items if (s := i.session) is not None}.values())


def _tutor_panel(user, today) -> dict:
    # query: the school's thresholds
    thresholds = Thresholds.of(services.planning_settings_get(etablissement=user.etablissement))
    monday, days, weeks = tutor_week(
        user.tutored_division_ids, etablissement_id=user.etablissement_id, today=today, thresholds=thresholds
    )
    parity = next((d.week_parity for d in days), "")
    return {
        "monday": monday,
        "parity": parity,
        # The label ends on the last day of the table below (a Saturday when it has classes).
        "week_label": _capitalized(week_label(monday, parity, last_day=max((d.date for d in days), default=None))),
        "weeks": weeks,
        "thresholds": thresholds,
        "rules": RULES_TEXT,
    }


def _capitalized(label: str) -> str:
    return label[:1].upper() + label[1:]
