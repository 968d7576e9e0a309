"""Suivi: every write of the follow-up (registers, hand-ins, flags, signals, cases, notices).

Keyword-only, typed, atomic, validating; errors are ``ValidationError`` with a French message.
Each change of a student's follow-up is written to the access log (``continuite.audit``).
One module per concern; this package re-exports them so callers write ``services.case_open``.
"""

from .absences import (  # noqa: F401
    absence_correct,
    absence_justify,
    absence_settle,
    active_justification,
    handin_mark,
    justification_decide,
    justification_request,
    register_take,
)
from .cases import (  # noqa: F401
    action_owner_notify,
    actions_due_notify,
    case_action_add,
    case_action_done,
    case_close,
    case_escalate,
    case_interview_record,
    case_open,
    family_contact_log,
    reviews_due_notify,
)
from .common import (  # noqa: F401
    MAX_JUSTIFICATION_DAYS,
    MAX_NOTICE_LEVEL,
    REGISTER_MODALITIES,
    _audit,  # noqa: F401  (the case page logs its reads)
)
from .config import (  # noqa: F401
    check_placeholders,
    notice_template_update,
    notice_templates_get,
    settings_get,
    settings_update,
)
from .notices import (  # noqa: F401
    notice_blocked,
    notice_earliest,
    notice_figures,
    notice_next_step,
    notice_obligation,
    notice_render,
    notice_send,
    notice_signer,
    notice_statement,
    notice_step_in,
    step_key,
)
from .signals import (  # noqa: F401
    Evaluation,
    case_current_rule,
    flag_raise,
    signal_evaluate,
    signals_compute,
    signals_evaluate_school,
)
