"""Small builders shared by the tests of suivi."""

import datetime as dt

from planning.tests.factories import SessionFactory

from .factories import MarkFactory, RegisterFactory


def remote_session(world, day: dt.date, *, modality="visio", start=dt.time(10, 0), end=dt.time(11, 0)):
    extra = {"hybrid_room_half": "A", "hybrid_remote_mode": "live"} if modality == "hybride" else {}
    return SessionFactory(
        division=world.division,
        subject=world.subject,
        date=day,
        start=start,
        end=end,
        modality=modality,
        teachers=[world.teacher],
        **extra,
    )


def registers(student, statuses, *, first_day=dt.date(2026, 11, 23), **mark):
    """One register per status, on consecutive days, for ``student``; returns the marks."""
    marks = []
    for n, status in enumerate(statuses):
        register = RegisterFactory(
            session__division=student.division, session__date=first_day + dt.timedelta(days=n % 5)
        )
        marks.append(MarkFactory(register=register, student=student, status=status, **mark))
    return marks
