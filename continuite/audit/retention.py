"""Retention rules: what the portal deletes, and when (GDPR: data kept no longer than needed).

Each rule is ``callable(now, dry_run) -> int``: it deletes what it must (nothing on a dry run)
and returns how many records go. The audit app brings the rules about people and its own log;
other apps add theirs in one of two ways:

- a module ``<app>/retention.py`` with ``RULES = [Rule("suivi_closed_cases", purge_closed_cases)]``
  (found by convention, like ``navigation.py``), or
- ``register_rule("notifications_tokens", purge_tokens)`` from their ``AppConfig.ready``.

``manage.py retention [--dry-run]`` and the periodic task ``continuite.audit.tasks.retention_apply``
run them all. Each rule carries the sentence that tells families what it does: the privacy page
lists ``all_rules()`` with these sentences, so it states exactly the rules that run.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

AUDIT_RETENTION_MONTHS = 12
LEFT_PERSON_RETENTION_MONTHS = 3


@dataclass(frozen=True)
class Rule:
    name: str
    apply: Callable[[dt.datetime, bool], int]
    # What the rule keeps and for how long, in French for the privacy page.
    description: str = ""


RULES: list[Rule] = []


def register_rule(name: str, apply: Callable[[dt.datetime, bool], int], description: str = "") -> None:
    """Add (or replace, so that a second ``ready()`` is harmless) a retention rule."""
    RULES[:] = [rule for rule in RULES if rule.name != name]
    RULES.append(Rule(name, apply, description))


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def school_year_of(day: dt.date) -> str:
    """The school year a day belongs to, as its label (a year starts on 1 September)."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def record_counts(kind: str, counts: Counter) -> None:
    """Add anonymised counts ``{(etablissement_id, year): n}`` to the statistics."""
    from .models import RetentionStat

    for (etablissement_id, year), count in counts.items():
        stat, _ = RetentionStat.objects.get_or_create(etablissement_id=etablissement_id, year=year, kind=kind)
        RetentionStat.objects.filter(pk=stat.pk).update(count=F("count") + count)


def _delete_accounts(user_ids: set[int]) -> None:
    """Delete accounts left without any profile (a parent who is also staff keeps his account)."""
    from continuite.accounts.models import User

    User.objects.filter(
        pk__in=user_ids, staff__isnull=True, guardian__isnull=True, student__isnull=True, is_superuser=False
    ).delete()


def purge_audit_entries(now: dt.datetime, dry_run: bool) -> int:
    """Access-log entries are kept 12 months."""
    from .models import AuditEntry

    day = months_before(now.date(), AUDIT_RETENTION_MONTHS)
    limit = now.replace(year=day.year, month=day.month, day=day.day)
    entries = AuditEntry.objects.older_than(limit)
    count = entries.count()
    if not dry_run and count:
        entries.delete()
    return count


def purge_students_left(now: dt.datetime, dry_run: bool) -> int:
    """Students gone for more than 3 months are deleted with all their rows; counts stay."""
    from continuite.ecole.models import Student

    limit = months_before(timezone.localdate(now), LEFT_PERSON_RETENTION_MONTHS)
    students = list(
        Student.objects.filter(exit_date__lt=limit).values("pk", "etablissement_id", "exit_date", "user_id")
    )
    if not dry_run and students:
        record_counts(
            "élèves sortis", Counter((s["etablissement_id"], school_year_of(s["exit_date"])) for s in students)
        )
        Student.objects.filter(pk__in=[s["pk"] for s in students]).delete()
        _delete_accounts({s["user_id"] for s in students if s["user_id"]})
    return len(students)


def purge_orphan_guardians(now: dt.datetime, dry_run: bool) -> int:
    """A guardian with no remaining student has no reason to stay in the directory."""
    from continuite.ecole.models import Guardian

    guardians = list(Guardian.objects.filter(links__isnull=True).values("pk", "etablissement_id", "user_id"))
    if not dry_run and guardians:
        year = school_year_of(timezone.localdate(now))
        record_counts("responsables retirés", Counter((g["etablissement_id"], year) for g in guardians))
        Guardian.objects.filter(pk__in=[g["pk"] for g in guardians]).delete()
        _delete_accounts({g["user_id"] for g in guardians if g["user_id"]})
    return len(guardians)


def purge_staff_left(now: dt.datetime, dry_run: bool) -> int:
    """Staff gone for more than 3 months are deleted, and their accounts with them."""
    from continuite.ecole.models import Staff

    limit = months_before(timezone.localdate(now), LEFT_PERSON_RETENTION_MONTHS)
    staff = list(Staff.objects.filter(left_on__lt=limit).values("pk", "etablissement_id", "left_on", "user_id"))
    if not dry_run and staff:
        record_counts(
            "personnels partis", Counter((s["etablissement_id"], school_year_of(s["left_on"])) for s in staff)
        )
        Staff.objects.filter(pk__in=[s["pk"] for s in staff]).delete()
        _delete_accounts({s["user_id"] for s in staff if s["user_id"]})
    return len(staff)


def purge_expired_sessions(now: dt.datetime, dry_run: bool) -> int:
    """Expired login sessions (Django keeps them in the database until cleared)."""
    from django.contrib.sessions.models import Session

    sessions = Session.objects.filter(expire_date__lt=now)
    count = sessions.count()
    if not dry_run and count:
        sessions.delete()
    return count


BUILTIN_RULES = [
    Rule(
        "journal_des_acces",
        purge_audit_entries,
        format_lazy(_("Journal des accès : supprimé après {months} mois."), months=AUDIT_RETENTION_MONTHS),
    ),
    Rule(
        "eleves_sortis",
        purge_students_left,
        format_lazy(
            _(
                "Données d'un élève qui a quitté l'établissement : supprimées {months} mois après son départ, "
                "avec son compte ; seuls des décomptes anonymes sont conservés."
            ),
            months=LEFT_PERSON_RETENTION_MONTHS,
        ),
    ),
    Rule(
        "personnels_partis",
        purge_staff_left,
        format_lazy(
            _("Données d'un personnel parti : supprimées {months} mois après son départ, avec son compte."),
            months=LEFT_PERSON_RETENTION_MONTHS,
        ),
    ),
    # After the students: their guardians are orphans only once the students are gone.
    Rule(
        "responsables_sans_eleve",
        purge_orphan_guardians,
        _("Responsables qui n'ont plus d'enfant dans l'établissement : supprimés, avec leur compte, la nuit suivante."),
    ),
    Rule(
        "sessions_expirees",
        purge_expired_sessions,
        _("Sessions de connexion : supprimées à leur expiration."),
    ),
]


def _as_rule(item) -> Rule:
    return item if isinstance(item, Rule) else Rule(*item)


def all_rules() -> list[Rule]:
    """App rules first (a closed case goes before its student), then the built-in ones."""
    rules: list[Rule] = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.retention"
        if module_name == __name__:
            continue
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        rules.extend(_as_rule(item) for item in getattr(module, "RULES", []))
    rules.extend(RULES)
    rules.extend(BUILTIN_RULES)
    return rules


def retention_apply(*, now: dt.datetime | None = None, dry_run: bool = False) -> list[tuple[str, int]]:
    """Run every rule (each in its own transaction); return ``[(rule name, count), ...]``."""
    now = now or timezone.now()
    results = []
    for rule in all_rules():
        with transaction.atomic():
            results.append((rule.name, rule.apply(now, dry_run)))
    return results
