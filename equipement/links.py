"""What the equipment app adds to the directory's pages (see continuite.ecole.views.page_links)."""

from __future__ import annotations

from django.utils import timezone

from continuite.accounts.roles import Role
from continuite.ecole.models import Student

from .queries import students_without_equipment

STAFF_ROLES = {Role.DIRECTION, Role.CPE, Role.GESTIONNAIRE, Role.ENSEIGNANT, Role.PROF_PRINCIPAL}


def division_links(user, division) -> list[tuple[str, str]]:
    return []


def student_links(user, student) -> list[tuple[str, str]]:
    return []


def student_panels(user, student) -> list[dict]:
    """For the staff: what the student lacks in equipment today and the school's answer (1 query);
    a teacher then knows why he cannot follow at a distance."""
    if not user.roles & STAFF_ROLES:
        return []
    gaps = students_without_equipment(students=Student.objects.filter(pk=student.pk), day=timezone.localdate())
    if not gaps:
        return []
    return [{"template": "equipement/partials/student_panel.html", "context": {"equipment_gap": gaps[0]}}]
