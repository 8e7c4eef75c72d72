"""Database-level guarantees that the ORM alone cannot give: append-only tables.

`append_only_triggers(table)` (below) is the migration operation in use: triggers refusing
UPDATE and DELETE (and TRUNCATE on PostgreSQL), with the retention role as the only door.
`append_only_operation` is its first form, kept because old migrations call it: its
delete-permit door (a `SET LOCAL` any session could issue, or a row anyone could insert) was
closed by access migration 0007, which replaced those triggers.
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


# --- Append-only, second form: privileges first, triggers as a second wall ----------------------
# The database role the app logs in as has no UPDATE/DELETE/TRUNCATE on these tables at all
# (`sammen.core.db_roles`); the triggers stop the owner and any other role by mistake. The one
# door is the retention role: on PostgreSQL a DELETE passes only while the current role is
# RETENTION_ROLE (which the app login cannot become); on SQLite, a single-user embedded file,
# the retention job drops and re-creates the DELETE trigger inside its own transaction
# (`db_roles.retention_door`) — anyone with the file can do the same, which is why the sealed
# checkpoints outside the database exist.

RETENTION_ROLE = "sammen_retention"


def append_only_sql(vendor: str, table: str, *, deletable: bool) -> tuple[list[str], list[str]]:
    fn = f"{table}_append_only"
    if vendor == "postgresql":
        door = (
            # Only the retention role itself: not a superuser or the owner by mistake.
            f"IF TG_OP = 'DELETE' AND current_user = '{RETENTION_ROLE}' THEN RETURN OLD; END IF; "
            if deletable
            else ""
        )
        forward = [
            f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{door}RAISE EXCEPTION '{APPEND_ONLY_MESSAGE} ({table})'; END $$;",
            f"CREATE TRIGGER {fn}_upd BEFORE UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {fn}();",
            f"CREATE TRIGGER {fn}_del BEFORE DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {fn}();",
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
    if vendor == "sqlite":
        forward = [
            f"CREATE TRIGGER {fn}_upd BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE} ({table})'); END;",
            f"CREATE TRIGGER {fn}_del BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE} ({table})'); END;",
        ]
        backward = [f"DROP TRIGGER IF EXISTS {fn}_upd;", f"DROP TRIGGER IF EXISTS {fn}_del;"]
        return forward, backward
    raise NotImplementedError(f"append-only triggers not written for {vendor}")


def append_only_triggers(table: str, *, deletable: bool = False) -> migrations.RunPython:
    """Install (forward) or remove (backward) the append-only triggers of `table`."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for sql in append_only_sql(schema_editor.connection.vendor, table, deletable=deletable)[0]:
            schema_editor.execute(sql)

    def backward(apps: Any, schema_editor: Any) -> None:
        for sql in append_only_sql(schema_editor.connection.vendor, table, deletable=deletable)[1]:
            schema_editor.execute(sql)

    return migrations.RunPython(forward, backward)


def append_only_triggers_dropped(table: str, *, deletable: bool = False) -> migrations.RunPython:
    """The reverse of `append_only_triggers`: remove before a schema change, put back after."""
    op = append_only_triggers(table, deletable=deletable)
    return migrations.RunPython(op.reverse_code, op.code)  # type: ignore[arg-type]
