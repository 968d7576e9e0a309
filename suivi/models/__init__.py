"""Suivi: attendance of remote sessions, work handed in, dropout signals and the CPE's cases.

Split by sub-domain: ``config`` (the school's thresholds and notice texts), ``attendance``
(registers, justifications, hand-ins) and ``cases`` (flags, cases and their timeline).
"""

from .attendance import (
    AbsenceStatus,
    AttendanceMark,
    AttendanceRegister,
    AttendanceStatus,
    HalfDay,
    HandIn,
    HandInStatus,
    Justification,
    JustificationReason,
    JustificationStatus,
)
from .cases import (
    Case,
    CaseAction,
    CaseEvent,
    CaseOutcome,
    CaseStatus,
    ContactChannel,
    ContactOutcome,
    EventKind,
    FamilyContact,
    Flag,
    FlagKind,
    Level,
    Notice,
    NoticeStage,
)
from .config import NoticeTemplate, SuiviSettings

__all__ = [
    "AbsenceStatus",
    "AttendanceMark",
    "AttendanceRegister",
    "AttendanceStatus",
    "Case",
    "CaseAction",
    "CaseEvent",
    "CaseOutcome",
    "CaseStatus",
    "ContactChannel",
    "ContactOutcome",
    "EventKind",
    "FamilyContact",
    "Flag",
    "FlagKind",
    "HalfDay",
    "HandIn",
    "HandInStatus",
    "Justification",
    "JustificationReason",
    "JustificationStatus",
    "Level",
    "Notice",
    "NoticeStage",
    "NoticeTemplate",
    "SuiviSettings",
]
