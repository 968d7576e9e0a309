"""Bulk loading into PostgreSQL with COPY (~65,000 rows/s with foreign keys on this machine).

Rows are generated lazily and streamed in chunks, so a region of several million rows never sits
in memory at once. Ids are allocated by the generator (``IdAllocator``) so that rows can point to
each other before they reach the database; sequences are moved past them at the end.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.db import connection, models

CHUNK_ROWS = 50_000


class IdAllocator:
    """Hands out ids above what each table already holds."""

    def __init__(self):
        self.next: dict[str, int] = {}

    def take(self, model: type[models.Model], count: int = 1) -> int:
        table = model._meta.db_table
        if table not in self.next:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 (table name from models)
                self.next[table] = cursor.fetchone()[0] + 1
        first = self.next[table]
        self.next[table] += count
        return first

    def reset_sequences(self) -> None:
        with connection.cursor() as cursor:
            for table in self.next:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                    f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                )


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
