"""Reference data cached per process, keyed by the version of what is loaded.

Terminology (code systems, value sets) and documentation templates change only when
`documentation_load` loads a new version, yet every page and every note write needs them. A
module registers the tables its reference data comes from (`reference_tables_register`), and
`cached(name, build)` returns what `build()` made for the tables as they are now: the key is a
stamp of every registered table (row count and newest `updated_at`), read with one query — at
most once per request (a request sees one version from start to end), on every call outside a
request. Loading a new version adds or saves rows, so the stamp changes and the next request
builds afresh; nothing stale is served, and nothing municipality-specific may be cached here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.signals import request_finished, request_started
from django.db import connection, models

T = TypeVar("T")

_TABLES: dict[str, type[models.Model]] = {}
_lock = threading.Lock()
_store: dict[str, Any] = {"stamp": None, "values": {}}
_request = threading.local()


def reference_tables_register(*tables: type[models.Model]) -> None:
    """Rows of these tables change only by loading a new version (and are saved, so
    `updated_at` moves, when they change)."""
    for table in tables:
        _TABLES[table._meta.db_table] = table


def _stamp_read() -> tuple[Any, ...]:
    names = sorted(_TABLES)
    if not names:
        return ()
    # Table names come from registered models' _meta, quoted: no input reaches this SQL.
    quote = connection.ops.quote_name
    parts = []
    for name in names:
        parts.append(f"(SELECT COUNT(*) FROM {quote(name)})")  # noqa: S608
        parts.append(f"(SELECT MAX({quote('updated_at')}) FROM {quote(name)})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return tuple(str(v) for v in row or ())


def reference_stamp() -> tuple[Any, ...]:
    """The version of the loaded reference data: one query, once per request."""
    if getattr(_request, "active", False):
        stamp = getattr(_request, "stamp", None)
        if stamp is None:
            stamp = _request.stamp = _stamp_read()
        return stamp
    return _stamp_read()


def cached(name: str, build: Callable[[], T]) -> T:
    """`build()` for the reference data as loaded now, built once per process and version."""
    stamp = reference_stamp()
    with _lock:
        if _store["stamp"] != stamp:
            _store["stamp"] = stamp
            _store["values"] = {}
        values: dict[str, Any] = _store["values"]
        if name in values:
            return values[name]  # type: ignore[no-any-return]
    value = build()
    with _lock:
        if _store["stamp"] == stamp:
            _store["values"][name] = value
    return value


@contextmanager
def reference_scope() -> Iterator[None]:
    """Work outside a request (a task, a benchmark's selector call) that should see one version
    from start to end, with the stamp read once, as a request does. Inside a request (or
    another scope) it changes nothing."""
    if getattr(_request, "active", False):
        yield
        return
    _request_start()
    try:
        yield
    finally:
        _request_end()


def _request_start(**kwargs: Any) -> None:
    _request.active = True
    _request.stamp = None


def _request_end(**kwargs: Any) -> None:
    _request.active = False
    _request.stamp = None


request_started.connect(_request_start, dispatch_uid="sammen-refcache-start")
request_finished.connect(_request_end, dispatch_uid="sammen-refcache-end")
