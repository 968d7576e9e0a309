"""Links the follow-up adds to the directory's pages (a division's, a student's): no query, roles only.

The vie scolaire reaches a student's absences and opens a case by hand from his page; the page it
opens says when a case is already open (the CPE is then taken to it).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .access import VIE_SCOLAIRE


def division_links(user, division) -> list[tuple[str, str]]:
    if not user.roles & VIE_SCOLAIRE:
        return []
    query = urlencode({"division": division.pk, "state": "a_traiter"})
    return [
        (
            _("Absences à traiter de la %(code)s") % {"code": division.code},
            f"{reverse('suivi:absence_list')}?{query}",
        )
    ]


def student_links(user, student) -> list[tuple[str, str]]:
    if not user.roles & VIE_SCOLAIRE:
        return []
    links = [(_("Absences et suivi"), reverse("suivi:student_followup", args=[student.pk]))]
    if student.exit_date is None:
        links.append((_("Ouvrir un suivi"), reverse("suivi:case_open", args=[student.pk])))
    return links
