"""The signed-in user, read once per request with all that every page needs: one plain SQL query.

The query is written once from the models' meta (their columns, so a new field is read the day it is
added) and the instances are built with ``Model.from_db``: the ORM spent more time compiling a
six-table ``select_related`` with two subqueries on every request (~1 ms) than PostgreSQL took to run
it. The same row carries the school's data versions (``continuite.ecole.dataversions``), read before
any of the page's data, which the pages' caches key on.
"""

from __future__ import annotations

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend
from django.db import connection
from django.db.models import BooleanField, IntegerField
from django.db.models.expressions import RawSQL

from continuite.ecole import dataversions
from continuite.ecole.models import Division, Etablissement, Guardian, Staff, Student

from .models import User

# Scalar subqueries on the user's row: is he a form tutor (the ORM's way), his unread notices (the
# navigation bar's badge).
IS_FORM_TUTOR_SQL = (
    "EXISTS (SELECT 1 FROM ecole_division_form_tutors t JOIN ecole_staff s ON s.id = t.staff_id"
    " WHERE s.user_id = accounts_user.id)"
)
UNREAD_NOTIFICATIONS_SQL = (
    "(SELECT COUNT(*) FROM notifications_notification n"
    " WHERE n.user_id = accounts_user.id AND n.channel_portal AND n.read_at IS NULL)"
)
# The divisions he tutors (his roles, the pages' gates), as "level code id" items (sorted as the
# model's ordering in Python: SQLite's group_concat takes no ORDER BY), separated by char(31).
TUTORED_SQL = (
    "(SELECT {aggregate}(d.level || {sep} || d.code || {sep} || CAST(d.id AS TEXT), {sep})"
    " FROM ecole_division d JOIN ecole_division_form_tutors t ON t.division_id = d.id"
    " JOIN ecole_staff s ON s.id = t.staff_id WHERE s.user_id = accounts_user.id)"
)
SEP = "\x1f"
# The school's data versions, as "school:domain:value" items.
VERSIONS_SQL = (
    "(SELECT {aggregate}(CAST(v.etablissement_id AS TEXT) || ':' || v.domain || ':' || CAST(v.value AS TEXT), ',')"
    " FROM ecole_dataversion v WHERE v.etablissement_id IN (accounts_user.etablissement_id, 0))"
)

# (cache name on the instance it hangs from, model, alias, join, hangs from)
PROFILES = [
    ("etablissement", Etablissement, "e", "e.id = accounts_user.etablissement_id", "user"),
    ("staff", Staff, "s", "s.user_id = accounts_user.id", "user"),
    ("guardian", Guardian, "g", "g.user_id = accounts_user.id", "user"),
    ("student", Student, "st", "st.user_id = accounts_user.id", "user"),
    ("division", Division, "d", "d.id = st.division_id", "student"),
]


def portal_user_queryset():
    """The same user through the ORM (the admin, tests): his profiles, tutor flag and unread count."""
    return User.objects.select_related("etablissement", "staff", "guardian", "student__division").annotate(
        is_form_tutor=RawSQL(IS_FORM_TUTOR_SQL, [], output_field=BooleanField()),  # noqa: S611 (constant SQL)
        unread_notification_count=RawSQL(UNREAD_NOTIFICATIONS_SQL, [], output_field=IntegerField()),  # noqa: S611
    )


def _columns(model, alias: str) -> list[str]:
    return [f"{alias}.{connection.ops.quote_name(f.column)}" for f in model._meta.concrete_fields]


@cache
def _user_sql(vendor: str) -> str:
    """Built once per process from the models' meta; only the user's id is a parameter."""
    select = _columns(User, "accounts_user")
    joins = []
    for _name, model, alias, on, _parent in PROFILES:
        select += _columns(model, alias)
        joins.append(f"LEFT JOIN {connection.ops.quote_name(model._meta.db_table)} {alias} ON {on}")
    aggregate = "group_concat" if vendor == "sqlite" else "string_agg"
    select += [
        TUTORED_SQL.format(aggregate=aggregate, sep="char(31)" if vendor == "sqlite" else "chr(31)"),
        UNREAD_NOTIFICATIONS_SQL,
        VERSIONS_SQL.format(aggregate=aggregate),
    ]
    return f"SELECT {', '.join(select)} FROM accounts_user {' '.join(joins)} WHERE accounts_user.id = %s"  # noqa: S608 (names from model meta; the id is bound)


@cache
def _converters(model, vendor: str) -> list[tuple[int, object, list]]:
    """The backend's and the fields' converters by column (SQLite dates and booleans, aware datetimes),
    as the ORM's compiler applies them."""
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if functions:
            found.append((index, column, functions))
    return found


def _build(model, values) -> object:
    values = list(values)
    for index, column, functions in _converters(model, connection.vendor):
        for function in functions:
            values[index] = function(values[index], column, connection)
    return model.from_db(connection.alias, [f.attname for f in model._meta.concrete_fields], values)


def _versions(text: str | None) -> dict[str, str]:
    rows = []
    for item in (text or "").split(","):
        if item:
            school, domain, value = item.split(":")
            rows.append((int(school), domain, int(value)))
    return dataversions.parse(rows)


def _fetch(cursor, user_id: int):
    """PostgreSQL plans the six joins in ~0.7 ms and runs them in ~0.15: the query is prepared once per
    connection (a session-level statement, kept across transactions) and then only executed."""
    if connection.vendor != "postgresql":
        cursor.execute(_user_sql(connection.vendor), [user_id])
        return cursor.fetchone()
    raw = connection.connection
    if getattr(connection, "_portal_user_prepared", None) is not raw:
        with raw.cursor() as plain:  # not a query of the page: kept out of Django's query log
            plain.execute("DEALLOCATE ALL")
            plain.execute(f"PREPARE portal_user (bigint) AS {_user_sql('postgresql').replace('%s', '$1')}")
        connection._portal_user_prepared = raw
    cursor.execute("EXECUTE portal_user (%s)", [user_id])
    return cursor.fetchone()


def portal_user(user_id) -> User | None:
    """The user with his school, profiles, tutor flag, unread count and school's data versions."""
    with connection.cursor() as cursor:
        row = _fetch(cursor, user_id)
    if row is None:
        return None
    start = len(User._meta.concrete_fields)
    user = _build(User, row[:start])
    built = {"user": user}
    for name, model, _alias, _on, parent in PROFILES:
        fields = model._meta.concrete_fields
        values = row[start : start + len(fields)]
        start += len(fields)
        instance = None if values[0] is None else _build(model, values)
        owner = built.get(parent)
        if owner is not None:
            owner._state.fields_cache[name] = instance
        if instance is not None:
            built[name] = instance
            if parent == "user" and name != "etablissement":
                instance._state.fields_cache["user"] = user  # staff.user is the signed-in user, no query
    tutored, unread, versions = row[start:]
    staff = built.get("staff")
    items = tutored.split(SEP) if tutored else []
    tutored_ids = [int(pk) for _level, _code, pk in sorted(zip(items[::3], items[1::3], items[2::3], strict=True))]
    user.is_form_tutor = bool(tutored_ids)
    # the cached_property of the model, filled: a teacher's divisions, nobody else's
    user.__dict__["tutored_division_ids"] = tutored_ids if staff is not None and staff.is_teacher else []
    user.unread_notification_count = unread
    user.data_versions = _versions(versions)
    return user


class PortalAuthenticationBackend(AuthenticationBackend):
    """allauth's backend, loading the user with what every page needs in one query."""

    def get_user(self, user_id):
        try:
            user = portal_user(int(user_id))
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
