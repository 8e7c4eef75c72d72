"""Writing and verifying the access log.

`access_log_record` must be called inside the same transaction as the read it records (the
selectors are `@transaction.atomic`): if the row cannot be written, the read fails and no data
is served. Writing takes no lock: rows are ordered by their sequence number and closed into
signed checkpoints by the sealer (`access.sealing`), which is also where they are verified.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from sammen.access.models import (
    AccessLogEntry,
    CitizenAccessRecord,
    MinLogOutbox,
    Outcome,
    Purpose,
    Severity,
)
from sammen.core.actor import Actor


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
) -> list[AccessLogEntry]:
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
) -> list[AccessLogEntry]:
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
) -> list[AccessLogEntry]:
    """One multi-row INSERT (plus the citizen copies and MinLog queue rows) in the caller's
    transaction. No lock and no chain here: the sealer orders and signs the rows later."""
    ids = list(dict.fromkeys(citizen_ids)) or [None]
    now = at or timezone.now()
    rows = [
        AccessLogEntry(
            at=now,
            municipality_id=municipality_id,
            citizen_id=citizen_id,
            criterion=criterion[:200],
            operation=operation,
            purpose=purpose,
            outcome=outcome,
            severity=severity,
            object_type=object_type,
            grant_id=grant_id,
            **{"request_id": "", "client_ip": ""} | base,
        )
        for citizen_id in ids
    ]
    with transaction.atomic():
        created = AccessLogEntry.objects.bulk_create(rows)
        if outcome == Outcome.SUCCESS:
            _citizen_records(created)
    return created


def _citizen_records(rows: list[AccessLogEntry]) -> None:
    """The citizen's own view of the same accesses, 1:1 with the rows that name a citizen."""
    # PostgreSQL and SQLite (3.35+) return the new ids from a multi-row INSERT.
    assert all(row.seq is not None for row in rows), "the database returned no ids"
    records = CitizenAccessRecord.objects.bulk_create(
        [
            CitizenAccessRecord(
                access_seq=row.seq,
                municipality_id=row.municipality_id,
                citizen_id=row.citizen_id,
                at=row.at,
                unit_name=row.unit_name,
                staff_id=row.staff_id,
                role=row.role,
                operation=row.operation,
                purpose=row.purpose,
                object_type=row.object_type,
                break_the_glass=row.purpose == Purpose.BREAK_THE_GLASS,
            )
            for row in rows
            if row.citizen_id is not None and row.purpose != Purpose.CITIZEN_SELF
        ]
    )
    MinLogOutbox.objects.bulk_create(
        [
            MinLogOutbox(access_seq=r.access_seq, citizen_id=r.citizen_id, next_attempt_at=r.at)
            for r in records
        ]
    )


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
                AccessLogEntry(municipality_id=municipality_id, **(defaults | event))
                for event in events[start : start + batch]
            ]
            created = AccessLogEntry.objects.bulk_create(rows)
            _citizen_records([r for r in created if r.outcome == Outcome.SUCCESS])
            written += len(rows)
    return written
