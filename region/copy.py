"""Bulk loading into PostgreSQL with COPY (~65,000 rows/s with foreign keys on this machine).

Rows are generated lazily and streamed in chunks, so a region of several million rows never sits
in memory at once. Ids are allocated by the generator (``IdAllocator``) so that rows can point to
each other before they reach the database; they are reserved from the sequences, block by block.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.db import connection, models

CHUNK_ROWS = 50_000


# Any number: the key of the advisory lock under which generators reserve ids.
ALLOCATION_LOCK = 4_202_611


class IdAllocator:
    """Reserves blocks of ids from each table's sequence, so that rows can point to each other
    before they reach the database, and several generators (processes) can run at once.

    A reservation moves the sequence past the block under an advisory lock: two generators never
    get the same ids, and the sequence always stays ahead of what is written (sequences are not
    transactional, so a rolled-back batch only leaves a gap).
    """

    def __init__(self):
        self.sequences: dict[str, str] = {}

    def _sequence(self, cursor, table: str) -> str:
        sequence = self.sequences.get(table)
        if sequence is None:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [f'"{table}"'])
            sequence = self.sequences[table] = cursor.fetchone()[0]
            # Rows written by other means (the portal, an earlier seed) stay below the sequence.
            cursor.execute(
                f'SELECT setval(%s, GREATEST((SELECT COALESCE(MAX(id), 0) FROM "{table}"), '  # noqa: S608 (model table)
                f"(SELECT last_value FROM {sequence}), 1))",
                [sequence],
            )
        return sequence

    def take(self, model: type[models.Model], count: int = 1) -> int:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [ALLOCATION_LOCK])
            try:
                sequence = self._sequence(cursor, table)
                cursor.execute("SELECT nextval(%s)", [sequence])
                first = cursor.fetchone()[0]
                if count > 1:
                    cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ALLOCATION_LOCK])
        return first


def with_defaults(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]):
    """Add the model's NOT NULL columns that the generator does not name, with their defaults.

    COPY bypasses Django, and the database knows no default: a field added to a model later (a
    blank link, a flag) would otherwise stop the region generator with a not-null violation.
    """
    extra_columns, extra_values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.null or field.primary_key:
            continue
        if field.has_default() or field.empty_strings_allowed:
            extra_columns.append(field.column)
            extra_values.append(field.get_default())
    if not extra_columns:
        return list(columns), rows
    extra = tuple(extra_values)
    return [*columns, *extra_columns], (tuple(row) + extra for row in rows)


def _csv_value(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY rows (tuples in ``columns`` order) into ``table``; returns how many were written."""
    total = 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    column_list = ", ".join(f'"{c}"' for c in columns)
    sql = f"COPY \"{table}\" ({column_list}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"

    def flush():
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, buffer)
        buffer.seek(0)
        buffer.truncate()

    pending = 0
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        pending += 1
        if pending >= CHUNK_ROWS:
            flush()
            total += pending
            pending = 0
    if pending:
        flush()
        total += pending
    return total


def table(model: type[models.Model]) -> str:
    return model._meta.db_table


def m2m_table(model: type[models.Model], field: str) -> tuple[str, str, str]:
    """(table, source column, target column) of a many-to-many field's join table."""
    through = model._meta.get_field(field).remote_field.through
    source, target = None, None
    for f in through._meta.fields:
        if f.is_relation and f.related_model is model and source is None:
            source = f.column
        elif f.is_relation:
            target = f.column
    return through._meta.db_table, source, target


class ModelRows:
    """Rows for every concrete column of a model: given values, else the field's default.

    COPY bypasses Django, so a column the generator does not name still needs its default; taking
    it from the model keeps the generator right when an app adds a field with a default.
    """

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.columns = [f.column for f in self.fields]
        self.defaults = {}
        for f in self.fields:
            if f.has_default() and not callable(f.default):
                self.defaults[f.attname] = f.default
            elif f.null:
                self.defaults[f.attname] = None
            elif f.get_internal_type() in ("CharField", "TextField", "URLField", "EmailField", "SlugField"):
                self.defaults[f.attname] = ""
            elif f.get_internal_type() == "JSONField":
                self.defaults[f.attname] = "{}"

    def row(self, **values) -> tuple:
        try:
            return tuple(values[f.attname] if f.attname in values else self.defaults[f.attname] for f in self.fields)
        except KeyError as exc:
            raise KeyError(f"{self.model.__name__}: no value for the required column {exc}") from None

    def copy(self, rows) -> int:
        return copy_rows(table(self.model), self.columns, rows)
