"""PostgreSQL roles: the app may only INSERT and SELECT the tables that must never change.

Three roles (see docs/architecture.md, "Database roles"):

- the owner (whoever runs `migrate`) owns every table and trigger;
- `sammen_app`, what the web app and workers log in as: SELECT/INSERT/UPDATE/DELETE on ordinary
  tables, but only SELECT and INSERT on append-only tables (every table with an append-only
  trigger: access log, citizen copy, checkpoints, change log, journal entries). It owns nothing,
  so it cannot disable a trigger or alter a table;
- `sammen_retention`, what the retention job logs in as: it may also DELETE old access-log rows
  and citizen copies (the triggers let only this role through).

`db_roles_apply` creates the roles when missing and (re)grants; it runs after every `migrate`
on PostgreSQL (post_migrate) and as `manage.py db_roles`. In production each role logs in
with its own password (set by the operator: `ALTER ROLE sammen_app PASSWORD ...`). For a
development or test server that has one superuser login, `SAMMEN_DB_ROLE=sammen_app` makes
every new connection `SET ROLE sammen_app`, so privileges are checked as in production.

SQLite is a single file owned by one OS user: there are no roles. The triggers refuse UPDATE and
DELETE through the app, but whoever can open the file can drop them; what holds there is the
signed checkpoints written outside the database (`access.sealing`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from sammen.core.db import RETENTION_ROLE, append_only_sql

APP_ROLE = "sammen_app"
ROLES = (APP_ROLE, RETENTION_ROLE)
# Tables the retention role may prune (the rest of the append-only tables are never deleted).
PRUNABLE = ("access_accesslogentry", "access_citizenaccessrecord")


def _session_role() -> str:
    return str(getattr(settings, "SAMMEN_DB_ROLE", "") or "")


def on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    role = _session_role()
    if connection.vendor == "postgresql" and role:
        with connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{role}"')


def append_only_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT DISTINCT event_object_table FROM information_schema.triggers "
        "WHERE trigger_name LIKE %s AND trigger_schema = current_schema()",
        ["%append_only%"],
    )
    return sorted(row[0] for row in cursor.fetchall())


def db_roles_apply(*, login: bool = False) -> list[str]:
    """Create the roles if missing and grant. Idempotent; PostgreSQL only. Returns the
    append-only tables it protected."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        for role in ROLES:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                try:
                    cursor.execute(f'CREATE ROLE "{role}" {"LOGIN" if login else "NOLOGIN"}')
                except Exception as error:  # a parallel test worker made it first
                    if "already exists" not in str(error):
                        raise
            elif login:
                cursor.execute(f'ALTER ROLE "{role}" LOGIN')
        locked = append_only_tables(cursor)
        schema = "public"
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0] or schema
        for role in ROLES:
            cursor.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
            cursor.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{role}"')
            cursor.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"')
        cursor.execute(
            f'GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO "{APP_ROLE}"'
        )
        cursor.execute(f'REVOKE TRUNCATE ON ALL TABLES IN SCHEMA "{schema}" FROM "{APP_ROLE}"')
        for table in locked:
            cursor.execute(
                f'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "{table}" '
                f'FROM "{APP_ROLE}"'
            )
        for table in PRUNABLE:
            if table in locked:
                cursor.execute(f'GRANT INSERT, DELETE ON "{table}" TO "{RETENTION_ROLE}"')
        # The retention job logs its own pruning.
        cursor.execute(f'GRANT INSERT ON "access_accesslogentry" TO "{RETENTION_ROLE}"')
    return locked


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    if connection.vendor == "postgresql" and sender.label == "core":
        db_roles_apply()


@contextmanager
def retention_door() -> Iterator[None]:
    """Inside the caller's transaction: act as the retention role. PostgreSQL: `SET LOCAL ROLE`
    (allowed only where the login may become that role — a development superuser, or the
    retention login itself; the app login may not). SQLite: drop the DELETE triggers of the
    prunable tables and put them back before the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            if cursor.fetchone()[0] != RETENTION_ROLE:
                cursor.execute(f'SET LOCAL ROLE "{RETENTION_ROLE}"')
        yield  # on an error the rollback undoes the SET LOCAL
        role = _session_role()
        if role:
            with connection.cursor() as cursor:
                cursor.execute(f'SET LOCAL ROLE "{role}"')
        return
    statements = {t: append_only_sql("sqlite", t, deletable=True) for t in PRUNABLE}
    with connection.cursor() as cursor:
        for table in PRUNABLE:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_del")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in PRUNABLE:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_del")
                create = [s for s in statements[table][0] if "_del BEFORE DELETE" in s]
                cursor.execute(create[0])
