"""Per-school data versions, changed by the database in the same transaction as every write.

An app opts in with ``data_versioned = True`` on its ``AppConfig``; it may leave models out with
``data_unversioned = ("Model", ...)`` (rows no cached page shows, the reason beside them) and give a
model a version of its own with ``data_domains = {"Model": "name"}`` (rows written often that few
pages show: a student ticking a work done must not change every grid of his school). After
every ``migrate``, a trigger is (re)installed on each table of those apps, and on the many-to-many
tables their models declare: any INSERT, UPDATE or DELETE — a model saved, a queryset updated, a
bulk insert, an import, a COPY — sets the row ``DataVersion(établissement, app label)`` to a new
random value, for each school whose rows it touched. PostgreSQL runs one statement-level trigger
per statement (its transition tables name the schools at once); SQLite a row-level one.

A page caches what it renders under the versions it read *before* its data (``versions_of``, or
``request.user.data_versions``, read with the signed-in user in the same query): the data it then
reads is at least as new as those versions, and the write that changes it changes the key. The
trade-off: two transactions writing the same app's rows of the same school queue on that one row
until the first commits (writes are short; a long import delays that school's writes of that app).
"""

# ruff: noqa: S608 (trigger DDL written from model meta: table and column names, app labels checked
# against [a-z0-9_]; no value from input reaches it)
from __future__ import annotations

import re

from django.apps import apps
from django.db import connection, connections, transaction

TABLE = "ecole_dataversion"
REGION = 0  # rows of no school (the tools' shared catalogue): every school's pages read this version too
_NAME = re.compile(r"^[a-z0-9_]+$")


def versioned_apps() -> list:
    return [config for config in apps.get_app_configs() if getattr(config, "data_versioned", False)]


def _school_expression(model, alias: str, depth: int = 0) -> str:
    """SQL giving the school of the row ``alias`` of ``model`` (NULL when it has none)."""
    from .models import Etablissement

    if model is Etablissement:
        return f"{alias}.{model._meta.pk.column}"
    fields = [f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]
    for field in fields:
        if field.name == "etablissement" and field.related_model is Etablissement:
            return f"{alias}.{field.column}"
    if depth >= 2:
        raise LookupError(model)
    # A row of no school of its own belongs to its parent's: a model of the same app first, then the
    # directory's, then any (a user: accounts.User has a school too).
    label = model._meta.app_label

    def rank(field):
        target = field.related_model._meta.app_label
        return 0 if target == label else 1 if target == Etablissement._meta.app_label else 2

    for field in sorted((f for f in fields if f.related_model is not model), key=rank):
        parent = field.related_model
        try:
            inner = _school_expression(parent, f"p{depth}", depth + 1)
        except LookupError:
            continue
        table = connection.ops.quote_name(parent._meta.db_table)
        pk = parent._meta.pk.column
        return f"(SELECT {inner} FROM {table} p{depth} WHERE p{depth}.{pk} = {alias}.{field.column})"
    raise LookupError(model)


def versioned_tables() -> list[tuple[str, str, object]]:
    """``(table, domain, school_expression(alias))`` for every table whose writes change a version."""
    tables = []
    for config in versioned_apps():
        skipped = set(getattr(config, "data_unversioned", ()))
        own = getattr(config, "data_domains", {})
        for model in config.get_models():
            if model._meta.proxy or not model._meta.managed or model.__name__ in skipped:
                continue
            domain = own.get(model.__name__, config.label)
            if not _NAME.match(domain):
                raise ValueError(f"{domain!r} cannot name a data version")
            tables.append((model._meta.db_table, domain, _expression_for(model)))
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                if through._meta.auto_created:
                    column = field.m2m_column_name()
                    parent = _expression_for(model)
                    table = model._meta.db_table
                    pk = model._meta.pk.column

                    def via_parent(alias, parent=parent, table=table, pk=pk, column=column):
                        return f'(SELECT {parent("q")} FROM "{table}" q WHERE q.{pk} = {alias}.{column})'

                    tables.append((through._meta.db_table, domain, via_parent))
    return tables


def _expression_for(model):
    _school_expression(model, "r")  # fails now, at install, for a model with no way to its school
    return lambda alias: _school_expression(model, alias)


def _random(vendor: str) -> str:
    return "random()" if vendor == "sqlite" else "floor(random() * 9007199254740991)::bigint"


def _upsert(vendor: str, domain: str, schools_sql: str) -> str:
    return (
        f"INSERT INTO {TABLE} (etablissement_id, domain, value) "
        f"SELECT s.e, '{domain}', {_random(vendor)} FROM ({schools_sql}) s WHERE true "
        f"ON CONFLICT (etablissement_id, domain) DO UPDATE SET value = excluded.value"
    )


def _postgresql_statements(table: str, domain: str, school) -> list[str]:
    function = f"dv_{table}"[:63]

    def schools(rows: str) -> str:
        return f"SELECT coalesce({school('r')}, {REGION}) AS e FROM {rows} r"

    body = f"""
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_upsert("postgresql", domain, f"SELECT DISTINCT e FROM ({schools('new_rows')}) x")};
  ELSIF TG_OP = 'DELETE' THEN
    {_upsert("postgresql", domain, f"SELECT DISTINCT e FROM ({schools('old_rows')}) x")};
  ELSE
    {_upsert("postgresql", domain, f"{schools('new_rows')} UNION {schools('old_rows')}")};
  END IF;
  RETURN NULL;
END"""
    quoted = f'"{table}"'
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $dv${body}$dv$",
        f"CREATE TRIGGER dv_ins AFTER INSERT ON {quoted} REFERENCING NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER dv_upd AFTER UPDATE ON {quoted} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER dv_del AFTER DELETE ON {quoted} REFERENCING OLD TABLE AS old_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


def _sqlite_statements(table: str, domain: str, school) -> list[str]:
    def upsert(row: str) -> str:
        return _upsert("sqlite", domain, f"SELECT coalesce({school(row)}, {REGION}) AS e") + ";"

    return [
        f'CREATE TRIGGER "dv_{table}_ins" AFTER INSERT ON "{table}" BEGIN {upsert("NEW")} END',
        f'CREATE TRIGGER "dv_{table}_upd" AFTER UPDATE ON "{table}" BEGIN {upsert("OLD")} {upsert("NEW")} END',
        f'CREATE TRIGGER "dv_{table}_del" AFTER DELETE ON "{table}" BEGIN {upsert("OLD")} END',
    ]


def _installed_triggers(cursor, vendor: str) -> list[tuple[str, str]]:
    """(trigger, table) of every version trigger in the database."""
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dv\\_%' ESCAPE '\\'"
        )
    else:
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname IN ('dv_ins', 'dv_upd', 'dv_del')"
        )
    return cursor.fetchall()


def install(using: str = "default") -> int:
    """Drop every version trigger and create those of the current models; returns the tables covered."""
    db = connections[using]
    vendor = db.vendor
    if vendor not in ("postgresql", "sqlite"):
        return 0
    tables = versioned_tables()
    with transaction.atomic(using=using), db.cursor() as cursor:
        existing = set(db.introspection.table_names(cursor))
        for trigger, table in _installed_triggers(cursor, vendor):
            cursor.execute(f'DROP TRIGGER IF EXISTS "{trigger}"' + ("" if vendor == "sqlite" else f' ON "{table}"'))
        covered = 0
        for table, domain, school in tables:
            if table not in existing:
                continue
            statements = (_sqlite_statements if vendor == "sqlite" else _postgresql_statements)(table, domain, school)
            for statement in statements:
                cursor.execute(statement)
            covered += 1
    return covered


def installed_tables(using: str = "default") -> set[str]:
    db = connections[using]
    with db.cursor() as cursor:
        return {table for _trigger, table in _installed_triggers(cursor, db.vendor)}


def touch(etablissement_id: int, domain: str) -> None:
    """A new version of a school's data of ``domain``, in the current transaction: for a fact an app
    shows that is written in another app's tables (a notice the mail server refused, in the outbox)."""
    if not _NAME.match(domain):
        raise ValueError(f"{domain!r} cannot name a data version")
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert(connection.vendor, domain, f"SELECT {int(etablissement_id)} AS e"),
        )


# --- Reading -----------------------------------------------------------------------------------------


def parse(rows) -> dict[str, str]:
    """``{domain: "school value.region value"}`` from rows ``(etablissement_id, domain, value)``."""
    found: dict[str, list[int]] = {}
    for etablissement_id, domain, value in rows:
        found.setdefault(domain, [0, 0])[0 if etablissement_id != REGION else 1] = value
    return {domain: f"{school}.{region}" for domain, (school, region) in found.items()}


def versions_of(etablissement_id: int | None) -> dict[str, str]:
    """The school's data versions (one query); read them before the data they key."""
    if etablissement_id is None:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT etablissement_id, domain, value FROM {TABLE} WHERE etablissement_id IN (%s, %s)",
            [etablissement_id, REGION],
        )
        return parse(cursor.fetchall())


def key(versions: dict[str, str], *domains: str) -> str:
    """The part of a cache key that the given apps' data versions make (absent: never written)."""
    return ",".join(f"{domain}={versions.get(domain, '0.0')}" for domain in domains)


def for_request(request, etablissement_id: int | None) -> dict[str, str]:
    """The versions read with the signed-in user (no query) when they are his school's, else read now."""
    user = getattr(request, "user", None)
    known = getattr(user, "data_versions", None)
    if known is not None and getattr(user, "etablissement_id", None) == etablissement_id:
        return known
    cached = getattr(request, "_data_versions", {})
    if etablissement_id not in cached:
        cached[etablissement_id] = versions_of(etablissement_id)
        request._data_versions = cached
    return cached[etablissement_id]
