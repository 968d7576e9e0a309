import datetime as dt

import pytest

from continuite.ecole.demo import seed_directory
from suivi import demo
from suivi.models import AttendanceRegister, Case, CaseEvent, Notice

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 4)


def test_it_seeds_registers_levels_and_one_case_with_a_history_idempotently(frozen):
    etablissement = seed_directory(today=TODAY)
    demo.seed(etablissement=etablissement, today=TODAY)
    counts = (AttendanceRegister.objects.count(), Case.objects.count(), CaseEvent.objects.count())
    demo.seed(etablissement=etablissement, today=TODAY)
    assert (AttendanceRegister.objects.count(), Case.objects.count(), CaseEvent.objects.count()) == counts
    assert counts[0] >= 10
    assert set(Case.objects.values_list("level", flat=True)) == {"vigilance", "risque"}
    lea = Case.objects.get(student__first_name="Léa", student__last_name="DURAND")
    assert lea.events.filter(kind="entretien").exists() and lea.contacts.exists() and lea.actions.exists()
    notice = Notice.objects.get(case=lea, stage="avis")
    from continuite.notifications.models import Notification

    rows = Notification.objects.filter(kind="suivi.notice", object_id=notice.pk)
    assert rows.count() == 2 and rows.filter(acknowledged_at__isnull=False).count() == 1


def test_it_seeds_absences_to_process_and_a_pending_request_on_the_current_week(frozen):
    from suivi.models import AttendanceMark, Justification

    etablissement = seed_directory(today=TODAY)
    demo.seed(etablissement=etablissement, today=TODAY)
    demo.seed(etablissement=etablissement, today=TODAY)
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    pending = Justification.objects.get(status="en_attente")
    assert pending.student.full_name == "Léa DURAND" and pending.start >= monday
    assert Justification.objects.filter(status="refusee", student=pending.student).count() == 1
    to_process = AttendanceMark.objects.filter(absence_status="a_justifier", register__date__gte=monday)
    assert to_process.count() >= 2
    assert AttendanceMark.objects.filter(absence_status="reglee").exclude(settled_reason="").count() == 1
    assert AttendanceMark.objects.filter(absence_status="justifiee").exists()


def test_it_seeds_a_warning_stage_and_a_family_reached_by_post(frozen):
    from continuite.notifications.models import Notification

    etablissement = seed_directory(today=TODAY)
    demo.seed(etablissement=etablissement, today=TODAY)
    demo.seed(etablissement=etablissement, today=TODAY)
    # A case at the warning stage: the form tutor told, the family notice waiting for the delay.
    waiting = [
        case for case in Case.objects.open() if list(case.notices.values_list("stage", flat=True)) == ["avertissement"]
    ]
    assert len(waiting) == 1 and "(professeur principal)" in waiting[0].notices.get().told
    # A family without email: the notice failed for that guardian, a letter and a call task on the case.
    failed = Notification.objects.get(kind="suivi.notice", status="failed")
    notice = Notice.objects.get(pk=failed.object_id)
    assert failed.guardian.email == "" and failed.guardian.mobile
    assert notice.case.actions.filter(what__startswith=f"Appeler {failed.guardian}").count() == 1
    # The form tutor has actions of his own, one due on the day (and his reminder).
    assert Notification.objects.filter(kind="suivi.actions_due", user__email="pp@demo.continuite.fr").exists()
