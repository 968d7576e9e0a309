"""Home page panels of the planning (≤ 2 queries each)."""

from __future__ import annotations

from django.utils import timezone

from continuite.accounts.roles import Role

from .models import Homework, HomeworkDone, Session
from .queries import audience_q_for_student


def panels(request) -> list[dict]:
    user = request.user
    roles = user.roles
    today = timezone.localdate()
    result = []
    if Role.ELEVE in roles:
        student = user.student_profile
        audience = audience_q_for_student(student)
        from django.db.models import Exists, OuterRef

        result.append(
            {
                "template": "planning/partials/home_student.html",
                "context": {
                    # 1: today's sessions that differ from the timetable (visio, hybride, cancelled...)
                    "sessions": list(
                        Session.objects.filter(audience, date=today, etablissement_id=student.etablissement_id)
                        .select_related("subject")
                        .order_by("start")
                    ),
                    # 2: work due in the coming days, with "done"
                    "homework": list(
                        Homework.objects.filter(
                            audience, due_date__gte=today, etablissement_id=student.etablissement_id
                        )
                        .annotate(done=Exists(HomeworkDone.objects.filter(homework=OuterRef("pk"), student=student)))
                        .select_related("subject")
                        .order_by("due_date", "pk")[:8]
                    ),
                },
            }
        )
    if Role.ENSEIGNANT in roles:
        result.append(
            {
                "template": "planning/partials/home_teacher.html",
                # 1: the work he gave that is due from today on
                "context": {
                    "homework": list(
                        Homework.objects.given_by(user.staff_profile)
                        .filter(due_date__gte=today, etablissement_id=user.etablissement_id)
                        .select_related("division", "group")
                        .order_by("due_date", "pk")[:6]
                    )
                },
            }
        )
    return result
