"""The attacker of SECURITY.md T10: an insider with a database superuser login.

Inside the test's transaction the connection stops being the app's role (PostgreSQL: `RESET
ROLE` to the superuser session and `session_replication_role = replica`, which silences every
trigger; SQLite: the append-only triggers are dropped). Everything is undone with the test's
rollback or explicitly on leaving.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection


@contextmanager
def insider() -> Iterator[Any]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("RESET ROLE")
            cursor.execute("SET LOCAL session_replication_role = replica")
            try:
                yield cursor
            finally:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
                if settings.SAMMEN_DB_ROLE:
                    cursor.execute(f'SET ROLE "{settings.SAMMEN_DB_ROLE}"')
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
            ["%append_only%"],
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield cursor
        finally:
            for _name, sql in triggers:
                cursor.execute(sql)
