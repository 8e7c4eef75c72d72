"""Writing and verifying the access log.

`access_log_record` must be called inside the same transaction as the read it records (the
selectors are `@transaction.atomic`): if the row cannot be written, the read fails and no data
is served. Writing takes no lock: rows are ordered by their sequence number and closed into
signed checkpoints by the sealer (`access.sealing`), which is also where they are verified.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from sammen.access.models import (
    AccessLogEntry,
    CitizenAccessRecord,
    Outcome,
    Purpose,
    Severity,
)
from sammen.core.actor import Actor
from sammen.core.cpr import mask_cpr_in_text


class Logged(NamedTuple):
    """A row just written to the access log."""

    seq: int
    citizen_id: uuid.UUID | None


def access_log_record(
    *,
    actor: Actor,
    citizen_ids: Iterable[uuid.UUID | None],
    operation: str,
    purpose: str = Purpose.CARE_RELATION,
    criterion: str = "",
    object_type: str = "citizen",
    grant_id: uuid.UUID | None = None,
    outcome: str = Outcome.SUCCESS,
    severity: str = Severity.NORMAL,
) -> list[Logged]:
    """Append one row per citizen (one row with no citizen for an empty search)."""
    return _append(
        municipality_id=actor.municipality.pk,
        citizen_ids=citizen_ids,
        base={
            "staff_id": actor.staff.pk,
            "role": actor.role,
            "unit_id": actor.unit.pk,
            "unit_name": actor.unit.name,
            "request_id": actor.request_id,
            "client_ip": actor.client_ip,
        },
        operation=operation,
        purpose=purpose,
        criterion=criterion,
        object_type=object_type,
        grant_id=grant_id,
        outcome=outcome,
        severity=severity,
    )


def access_log_record_system(
    *,
    municipality_id: uuid.UUID,
    citizen_ids: Iterable[uuid.UUID | None],
    operation: str,
    purpose: str,
    unit_name: str = "Sammen (system)",
    criterion: str = "",
    object_type: str = "",
    at: dt.datetime | None = None,
) -> list[Logged]:
    """Rows written by the system itself (retention job) or by a citizen reading their own data."""
    return _append(
        municipality_id=municipality_id,
        citizen_ids=citizen_ids,
        base={"staff_id": None, "role": "", "unit_id": None, "unit_name": unit_name},
        operation=operation,
        purpose=purpose,
        criterion=criterion,
        object_type=object_type,
        at=at,
    )


def _append(
    *,
    municipality_id: uuid.UUID,
    citizen_ids: Iterable[uuid.UUID | None],
    base: dict[str, Any],
    operation: str,
    purpose: str,
    criterion: str = "",
    object_type: str = "",
    grant_id: uuid.UUID | None = None,
    outcome: str = Outcome.SUCCESS,
    severity: str = Severity.NORMAL,
    at: dt.datetime | None = None,
) -> list[Logged]:
    """One multi-row INSERT (plus one for the citizen copies) in the caller's
    transaction. No lock and no chain here: the sealer orders and signs the rows later."""
    ids = list(dict.fromkeys(citizen_ids)) or [None]
    common: dict[str, Any] = {
        "at": at or timezone.now(),
        "municipality_id": municipality_id,
        "criterion": mask_cpr_in_text(criterion)[:200],  # never a CPR number
        "operation": operation,
        "purpose": purpose,
        "outcome": outcome,
        "severity": severity,
        "object_type": object_type,
        "grant_id": grant_id,
        "request_id": "",
        "client_ip": "",
    } | base
    rows = [common | {"citizen_id": citizen_id} for citizen_id in ids]
    # No savepoint: inside a read's transaction a failed insert must fail the whole read
    # (fail-closed) anyway, and the SAVEPOINT/RELEASE pair cost two round trips per request.
    with transaction.atomic(savepoint=False):
        seqs = _insert(AccessLogEntry, rows)
        if outcome == Outcome.SUCCESS:
            _citizen_records(rows, seqs)
    return [Logged(seq, row["citizen_id"]) for seq, row in zip(seqs, rows, strict=True)]


_BATCH = 500  # rows per INSERT: well inside SQLite's 32,766 parameters
# From this many rows PostgreSQL gets one array per column (`INSERT … SELECT * FROM unnest(…)`)
# instead of one placeholder per value: psycopg binds client-side and splits a statement with
# hundreds of placeholders by regular expression on every call (~4 ms for a 50-citizen list,
# per table), while a statement with one placeholder per column is parsed once and cached. A
# single row stays a plain VALUES (cheaper to plan). SQLite binds natively: always VALUES.
_COLUMNWISE_FROM = 8


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if isinstance(field, models.UUIDField):
        if connection.features.has_native_uuid_field:
            return lambda v: v if v is None or isinstance(v, uuid.UUID) else uuid.UUID(str(v))
        return lambda v: v.hex if isinstance(v, uuid.UUID) else (v and uuid.UUID(str(v)).hex)
    if isinstance(field, models.DateTimeField):
        adapt = connection.ops.adapt_datetimefield_value
        seen: dict[Any, Any] = {}  # a list's rows share one time: adapt it once

        def adapt_once(value: Any) -> Any:
            if value not in seen:
                seen[value] = adapt(value)
            return seen[value]

        return adapt_once
    return lambda v: v


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> list[Any]:
    """A multi-row INSERT of plain rows (attname -> value; missing fields take their default),
    returning the new auto keys in order. The log is written on every read: Django's
    bulk_create spent ~10 ms of a 50-citizen list building model instances and preparing
    values field by field; these tables have only plain columns (UUIDs, text, times, numbers,
    booleans)."""
    if not rows:
        return []
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    auto = isinstance(pk, models.AutoField)
    fields = [f for f in meta.concrete_fields if not (auto and f is pk)]
    plan = [(f.attname, _converter(f), f.get_default()) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = f" RETURNING {quote(pk.column)}" if auto else ""
    keys: list[Any] = []
    columnwise = connection.vendor == "postgresql" and len(rows) >= _COLUMNWISE_FROM
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            chunk = rows[start : start + _BATCH]
            if columnwise:
                params: list[Any] = [
                    [conv(row.get(name, default)) for row in chunk] for name, conv, default in plan
                ]
                sql = (
                    f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - names from models
                    f"SELECT * FROM unnest({arrays}){returning}"
                )
            else:
                params = [
                    conv(row.get(name, default)) for row in chunk for name, conv, default in plan
                ]
                sql = (
                    f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - names from models
                    f"VALUES {', '.join([one] * len(chunk))}{returning}"
                )
            cursor.execute(sql, params)
            if auto:
                keys += [key for (key,) in cursor.fetchall()]
    if auto and len(keys) != len(rows):
        raise DatabaseError("The access log did not get a sequence number for every row.")
    return keys


def _citizen_records(rows: list[dict[str, Any]], seqs: list[int]) -> None:
    """The citizen's own view of the same accesses, 1:1 with the rows that name a citizen (MinLog
    is sent from these once they are sealed: `services.minlog_push`)."""
    copies = [
        {
            "access_seq": seq,
            "municipality_id": row["municipality_id"],
            "citizen_id": row["citizen_id"],
            "at": row["at"],
            "unit_name": row["unit_name"],
            "staff_id": row["staff_id"],
            "role": row["role"],
            "operation": row["operation"],
            "purpose": row["purpose"],
            "object_type": row["object_type"],
            "break_the_glass": row["purpose"] == Purpose.BREAK_THE_GLASS,
        }
        for seq, row in zip(seqs, rows, strict=True)
        if row["citizen_id"] is not None and row["purpose"] != Purpose.CITIZEN_SELF
    ]
    _insert(CitizenAccessRecord, copies)


def access_log_import(
    *, municipality_id: uuid.UUID, events: list[dict[str, Any]], batch: int = 5000
) -> int:
    """Append historical rows in time order (the demo generator's access history). Each event
    holds the AccessLogEntry fields."""
    events = sorted(events, key=lambda e: e["at"])
    written = 0
    defaults = {
        "criterion": "",
        "object_type": "citizen",
        "outcome": Outcome.SUCCESS,
        "severity": Severity.NORMAL,
        "request_id": "",
        "client_ip": "",
        "grant_id": None,
    }
    for start in range(0, len(events), batch):
        with transaction.atomic():
            rows = [
                {"municipality_id": municipality_id} | defaults | event
                for event in events[start : start + batch]
            ]
            seqs = _insert(AccessLogEntry, rows)
            done = [(q, r) for q, r in zip(seqs, rows, strict=True) if r["outcome"] == "success"]
            _citizen_records([r for _q, r in done], [q for q, _r in done])
            written += len(rows)
    return written
