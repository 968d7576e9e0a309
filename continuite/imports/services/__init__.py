"""Imports: the dry run (``import_check``) and the application (``import_apply``) of an uploaded file.

Both build the same ``Plan`` from the file and the database: what would be created, updated, left
alone and removed, with every problem and the element or line it is about. ``import_check`` stops
there; ``import_apply`` runs the plan's steps in one transaction, so that a failure leaves the
database as it was. Rows are written with bulk operations keyed by INE and STS id in memory: a
whole lycée is a few dozen queries, not tens of thousands.

Re-importing updates in place. Nothing is deleted that the portal may hold elsewhere: students
absent from a new SIECLE export are marked as left (``exit_date``), staff absent from STS-web as
gone (``left_on``); divisions and groups are never deleted by an import.
"""

from .accounts import Invitable, accounts_invite, invitable_people
from .directory import level_of, planned_exits_apply
from .jobs import (
    EXPECTED_FILES,
    PARSERS,
    import_apply,
    import_cancel,
    import_check,
    import_fail,
    import_is_stuck,
    import_job_create,
    import_progress,
    import_retry,
    import_run,
    import_start,
    progress_cache_key,
)
from .reports import Plan

__all__ = [
    "EXPECTED_FILES",
    "PARSERS",
    "Invitable",
    "Plan",
    "accounts_invite",
    "import_apply",
    "import_cancel",
    "import_check",
    "import_is_stuck",
    "import_fail",
    "import_job_create",
    "import_progress",
    "import_retry",
    "import_run",
    "import_start",
    "invitable_people",
    "level_of",
    "planned_exits_apply",
    "progress_cache_key",
]
