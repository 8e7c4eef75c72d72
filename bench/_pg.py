"""PostgreSQL helpers shared by the benchmarks: each benchmark has a database of its own."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit, urlunsplit


def pg_answers(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex((parts.hostname or "127.0.0.1", parts.port or 5432)) == 0


def pg_create_database(url: str) -> None:
    """Create the benchmark's database when missing; never touch `test` or the system ones."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in ("", "test", "postgres", "template0", "template1"):
        raise SystemExit(f"Vælg en egen database til benchmark, ikke {name!r}.")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
