"""Links the planning adds to the directory's pages (a division's, a student's): no query, roles only.

The pages they lead to check access themselves; these only spare a link to those who could not use it.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from continuite import french
from continuite.accounts.roles import Role

from .access import TIMETABLE_READERS

STAFF_ROLES = frozenset(
    {Role.ENSEIGNANT, Role.PROF_PRINCIPAL, Role.CPE, Role.DIRECTION, Role.GESTIONNAIRE, Role.REFERENT_NUMERIQUE}
)


def division_links(user, division) -> list[tuple[str, str]]:
    roles = user.roles
    links = []
    if roles & TIMETABLE_READERS or Role.ENSEIGNANT in roles:
        links.append(
            (
                _("Emploi du temps de la %(code)s") % {"code": division.code},
                reverse("planning:division_timetable", args=[division.pk]),
            )
        )
    if roles & STAFF_ROLES:
        # a class feed is a staff member's (his secret token): the agenda page gives it
        links.append(
            (
                _("S'abonner au calendrier de la %(code)s") % {"code": division.code},
                reverse("planning:calendar_links") + f"?classe={division.pk}#classe",
            )
        )
    if Role.DIRECTION in roles or division.pk in user.tutored_division_ids:
        links.append(
            (
                _("Carte de charge de la %(code)s") % {"code": division.code},
                reverse("planning:division_load", args=[division.pk]),
            )
        )
    return links


def student_links(user, student) -> list[tuple[str, str]]:
    roles = user.roles
    label = _("La semaine %(of_name)s") % {"of_name": french.de(student.first_name)}
    if roles & TIMETABLE_READERS or (student.division_id and student.division_id in user.tutored_division_ids):
        return [(label, reverse("planning:student_timetable", args=[student.pk]))]
    if Role.PARENT in roles:
        return [(label, reverse("planning:my_week") + f"?eleve={student.pk}")]
    if Role.ELEVE in roles:
        return [(_("Ma semaine"), reverse("planning:my_week"))]
    return []
