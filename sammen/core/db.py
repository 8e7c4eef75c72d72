"""Database-level guarantees that the ORM alone cannot give: append-only tables.

`append_only_operation(table)` is a migration operation that installs triggers refusing UPDATE
and DELETE on PostgreSQL and SQLite. With `delete_permit_table`, DELETE is allowed only while
a row exists in that table (SQLite) or while `SET LOCAL sammen.delete_permit = 'on'` is in
force (PostgreSQL): the retention job's one door, which it logs itself.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

APPEND_ONLY_MESSAGE = "append-only table: UPDATE and DELETE are refused"


def _postgres_sql(
    table: str, permit: bool, allow_update: bool = False
) -> tuple[list[str], list[str]]:
    fn = f"{table}_append_only"
    delete_check = (
        "IF TG_OP = 'DELETE' AND current_setting('sammen.delete_permit', true) = 'on' THEN "
        "RETURN OLD; END IF; "
        if permit
        else ""
    )
    forward = [
        f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{delete_check}RAISE EXCEPTION '{APPEND_ONLY_MESSAGE} ({table})'; END $$;",
        *(
            []
            if allow_update
            else [
                f"CREATE TRIGGER {fn}_upd BEFORE UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {fn}();"
            ]
        ),
        f"CREATE TRIGGER {fn}_del BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}();",
        f"CREATE TRIGGER {fn}_trunc BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}();",
    ]
    backward = [
        f"DROP TRIGGER IF EXISTS {fn}_upd ON {table};",
        f"DROP TRIGGER IF EXISTS {fn}_del ON {table};",
        f"DROP TRIGGER IF EXISTS {fn}_trunc ON {table};",
        f"DROP FUNCTION IF EXISTS {fn}();",
    ]
    return forward, backward


def _sqlite_sql(
    table: str, permit_table: str | None, allow_update: bool = False
) -> tuple[list[str], list[str]]:
    fn = f"{table}_append_only"
    # Table names come from migrations, never from input.
    when = f" WHEN NOT EXISTS (SELECT 1 FROM {permit_table})" if permit_table else ""  # noqa: S608
    forward = [
        *(
            []
            if allow_update
            else [
                f"CREATE TRIGGER {fn}_upd BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE} ({table})'); END;"
            ]
        ),
        f"CREATE TRIGGER {fn}_del BEFORE DELETE ON {table}{when} "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE} ({table})'); END;",
    ]
    backward = [f"DROP TRIGGER IF EXISTS {fn}_upd;", f"DROP TRIGGER IF EXISTS {fn}_del;"]
    return forward, backward


def append_only_operation(
    table: str, *, delete_permit_table: str | None = None, allow_update: bool = False
) -> migrations.RunPython:
    """`allow_update=True` makes a table undeletable but updatable (a chain head)."""

    def statements(schema_editor: Any) -> tuple[list[str], list[str]]:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            return _postgres_sql(table, delete_permit_table is not None, allow_update)
        if vendor == "sqlite":
            return _sqlite_sql(table, delete_permit_table, allow_update)
        raise NotImplementedError(f"append-only triggers not written for {vendor}")

    def forward(apps: Any, schema_editor: Any) -> None:
        for sql in statements(schema_editor)[0]:
            schema_editor.execute(sql)

    def backward(apps: Any, schema_editor: Any) -> None:
        for sql in statements(schema_editor)[1]:
            schema_editor.execute(sql)

    return migrations.RunPython(forward, backward)
