"""Writing and verifying the access log.

`access_log_record` must be called inside the same transaction as the read it records (the
selectors are `@transaction.atomic`): if the row cannot be written, the read fails and no data
is served.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from sammen.access.models import (
    AccessLogEntry,
    ChainHead,
    CitizenAccessRecord,
    MinLogOutbox,
    Operation,
    Outcome,
    Purpose,
    Severity,
)
from sammen.core.actor import Actor
from sammen.core.cpr import mask_cpr_in_text

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "at",
    "municipality_id",
    "staff_id",
    "role",
    "unit_id",
    "unit_name",
    "citizen_id",
    "criterion",
    "operation",
    "purpose",
    "outcome",
    "severity",
    "object_type",
    "grant_id",
    "request_id",
    "client_ip",
    "chain_seq",
    "prev_hash",
)


def _value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def entry_hash(entry: AccessLogEntry) -> str:
    canonical = json.dumps(
        {name: _value(getattr(entry, name)) for name in HASHED_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
    ids = list(citizen_ids) or [None]
    with transaction.atomic():
        ChainHead.objects.get_or_create(
            municipality_id=municipality_id, defaults={"last_hash": GENESIS_HASH}
        )
        head = ChainHead.objects.select_for_update().get(municipality_id=municipality_id)
        now = at or timezone.now()
        rows: list[AccessLogEntry] = []
        prev, seq = head.last_hash, head.last_chain_seq
        for citizen_id in ids:
            seq += 1
            row = AccessLogEntry(
                at=now,
                municipality_id=municipality_id,
                citizen_id=citizen_id,
                criterion=mask_cpr_in_text(criterion)[:200],  # never a CPR number
                operation=operation,
                purpose=purpose,
                outcome=outcome,
                severity=severity,
                object_type=object_type,
                grant_id=grant_id,
                chain_seq=seq,
                prev_hash=prev,
                **{"request_id": "", "client_ip": ""} | base,
            )
            row.hash = entry_hash(row)
            prev = row.hash
            rows.append(row)
        created = AccessLogEntry.objects.bulk_create(rows)
        ChainHead.objects.filter(pk=head.pk).update(last_chain_seq=seq, last_hash=prev)
        if outcome == Outcome.SUCCESS:
            _citizen_records(created)
    return created


def _citizen_records(rows: list[AccessLogEntry]) -> None:
    """The citizen's own view of the same accesses, 1:1 with the rows that name a citizen."""
    if rows and rows[0].seq is None:  # backends that cannot return ids from bulk inserts
        by_chain = dict(
            AccessLogEntry.objects.filter(
                municipality_id=rows[0].municipality_id,
                chain_seq__in=[r.chain_seq for r in rows],
            ).values_list("chain_seq", "seq")
        )
        for row in rows:
            row.seq = by_chain[row.chain_seq]
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


@dataclass(frozen=True)
class ChainProblem:
    municipality_id: uuid.UUID
    seq: int | None
    chain_seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"række seq={self.seq} (kædeposition {self.chain_seq})" if self.seq else "kæden"
        return f"Kommune {self.municipality_id}: {where}: {self.problem}"


def access_log_verify(*, municipality_id: uuid.UUID | None = None) -> Iterator[ChainProblem]:
    """Walk each municipality's chain; yield every broken link (the first one first). A
    municipality with log rows but no chain head is itself a broken chain."""
    heads = ChainHead.objects.all()
    logged = AccessLogEntry.objects.values_list("municipality_id", flat=True).distinct()
    if municipality_id is not None:
        heads = heads.filter(municipality_id=municipality_id)
        logged = logged.filter(municipality_id=municipality_id)
    known = {h.municipality_id: h for h in heads}
    for mid in sorted(set(logged) - set(known), key=str):
        yield ChainProblem(mid, None, None, "kædens hoved mangler (slettet?)")
    for mid in sorted(known, key=str):
        yield from _verify_chain(known[mid])


def _verify_chain(head: ChainHead) -> Iterator[ChainProblem]:
    mid = head.municipality_id
    expected_seq = head.anchor_chain_seq
    prev = head.anchor_hash or GENESIS_HASH
    last_seq_seen = head.anchor_chain_seq
    rows = AccessLogEntry.objects.filter(municipality_id=mid).order_by("seq").iterator(2000)
    for row in rows:
        expected_seq += 1
        if row.chain_seq != expected_seq:
            kind = (
                "mangler række(r) før denne"
                if row.chain_seq > expected_seq
                else "indsat eller flyttet"
            )
            yield ChainProblem(
                mid, row.seq, row.chain_seq, f"forventede position {expected_seq}: {kind}"
            )
            expected_seq = row.chain_seq
        if row.prev_hash != prev:
            yield ChainProblem(
                mid, row.seq, row.chain_seq, "kæden er brudt (forrige hash passer ikke)"
            )
        if entry_hash(row) != row.hash:
            yield ChainProblem(mid, row.seq, row.chain_seq, "rækken er ændret (hash passer ikke)")
        prev = row.hash
        last_seq_seen = row.chain_seq
    if last_seq_seen != head.last_chain_seq or prev != head.last_hash:
        yield ChainProblem(
            mid, None, None, f"kædens sidste række mangler (forventede {head.last_chain_seq})"
        )


__all__ = ["Operation", "Purpose", "access_log_record", "access_log_verify"]


def access_log_import(
    *, municipality_id: uuid.UUID, events: list[dict[str, Any]], batch: int = 5000
) -> int:
    """Append historical rows in time order (the demo generator's access history). Each event
    holds the AccessLogEntry fields; the chain continues from the municipality's head."""
    events = sorted(events, key=lambda e: e["at"])
    written = 0
    for start in range(0, len(events), batch):
        with transaction.atomic():
            ChainHead.objects.get_or_create(
                municipality_id=municipality_id, defaults={"last_hash": GENESIS_HASH}
            )
            head = ChainHead.objects.select_for_update().get(municipality_id=municipality_id)
            prev, seq = head.last_hash, head.last_chain_seq
            rows = []
            for event in events[start : start + batch]:
                seq += 1
                row = AccessLogEntry(
                    municipality_id=municipality_id,
                    chain_seq=seq,
                    prev_hash=prev,
                    **{
                        "criterion": "",
                        "object_type": "citizen",
                        "outcome": Outcome.SUCCESS,
                        "severity": Severity.NORMAL,
                        "request_id": "",
                        "client_ip": "",
                        "grant_id": None,
                    }
                    | event,
                )
                row.hash = entry_hash(row)
                prev = row.hash
                rows.append(row)
            created = AccessLogEntry.objects.bulk_create(rows)
            ChainHead.objects.filter(pk=head.pk).update(last_chain_seq=seq, last_hash=prev)
            _citizen_records([r for r in created if r.outcome == Outcome.SUCCESS])
            written += len(rows)
    return written
