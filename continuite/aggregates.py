"""SQL aggregates the portal needs on both of its databases (SQLite embedded, PostgreSQL in production)."""

from __future__ import annotations

from django.db import models


class Joined(models.Aggregate):
    """A text column's values in one string, separated by ``separator``: GROUP_CONCAT on SQLite,
    STRING_AGG on PostgreSQL. The order of the values is the database's: sort them after splitting."""

    function = "GROUP_CONCAT"
    output_field = models.TextField()

    def __init__(self, expression, *, separator: str = " ", **extra):
        super().__init__(expression, models.Value(separator, output_field=models.TextField()), **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)
