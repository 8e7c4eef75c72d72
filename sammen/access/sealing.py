"""Signed checkpoints over the access log, the citizen's copy and the journal; and their check.

The read path only inserts rows (no lock, no chain). The sealer (`access_log_seal`, run by
`manage.py access_log_seal` or the `access_log_seal_task` task) closes what was appended since the
previous checkpoint into a new one — the way Certificate Transparency's signed tree heads and
Crosby & Wallach's tamper-evident logs do it:

- per stream a list of leaves (row key, time, first 128 bits of SHA-256 over the row's canonical
  fields) and its root (SHA-256 of that list);
- a statement (number, previous statement's hash, cut-off time, per stream range, count, field
  list and root), signed with Ed25519 by a key the database does not hold
  (`SAMMEN_SEAL_KEY` / `SAMMEN_SEAL_KEY_FILE`);
- stored in the database *and* written as a file to `SAMMEN_SEAL_DIR`, which an operator ships
  to storage the database's administrators cannot rewrite.

`access_log_verify` trusts the files and the public keys, not the database: a row deleted
(outside retention), rewritten (even with every later hash recomputed), inserted into a sealed
range, a checkpoint deleted or rewound, or a citizen copy removed is named,
first bad position first. Rows newer than the last checkpoint are not yet protected: the window
is the sealing interval plus `SAMMEN_SEAL_LAG_SECONDS`.

Streams: "access_log" (by sequence number: the contiguous run of rows older than the cut-off),
"citizen_log" (the same sequence range, by `access_seq`), and time streams that higher modules
register (`time_stream_register`; the journal registers its entries).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from sammen.access.models import (
    AccessLogEntry,
    Checkpoint,
    CitizenAccessRecord,
    Outcome,
)

STATEMENT_VERSION = 1
ZERO_HASH = "0" * 64
_ADVISORY_LOCK = 0x5A33E11  # one sealer at a time (PostgreSQL)


# --- Keys -----------------------------------------------------------------------------------


def _key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def signing_key() -> Ed25519PrivateKey:
    """The sealer's private key: `SAMMEN_SEAL_KEY` (base64 of the 32 raw bytes) or the PEM file
    `SAMMEN_SEAL_KEY_FILE`. Outside production a missing file is generated (mode 0600)."""
    if settings.SAMMEN_SEAL_KEY:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(settings.SAMMEN_SEAL_KEY))
    path = Path(settings.SAMMEN_SEAL_KEY_FILE)
    if not path.exists():
        if settings.SAMMEN_ENV == "production":
            raise ImproperlyConfigured(
                "SAMMEN_SEAL_KEY or SAMMEN_SEAL_KEY_FILE must hold the sealing key in production."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 key.")
    return loaded


def verify_keys() -> dict[str, Ed25519PublicKey]:
    """Public keys the verifier accepts: `SAMMEN_SEAL_PUBLIC_KEYS` (comma-separated base64 of
    the raw 32 bytes; old keys stay listed after a rotation) when set — pinned, as production
    should — and otherwise (development, tests) the public half of the local signing key."""
    keys: dict[str, Ed25519PublicKey] = {}
    for text in settings.SAMMEN_SEAL_PUBLIC_KEYS:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(text))
        keys[_key_id(public)] = public
    if keys:  # pinned: a key file swapped on this host does not become trusted
        return keys
    if settings.SAMMEN_SEAL_KEY or Path(settings.SAMMEN_SEAL_KEY_FILE).exists():
        public = signing_key().public_key()
        keys[_key_id(public)] = public
    return keys


# --- Canonical rows and leaves --------------------------------------------------------------


def _canonical(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def leaf_hash(row: dict[str, Any], fields: list[str]) -> str:
    body = _dumps({name: _canonical(row[name]) for name in fields})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def _root(leaves: list[list[Any]]) -> str:
    return hashlib.sha256(_dumps(leaves).encode("utf-8")).hexdigest()


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _fields(model: type[models.Model]) -> list[str]:
    return sorted(f.attname for f in model._meta.concrete_fields)


@dataclass(frozen=True)
class TimeStream:
    """Rows of an immutable model sealed by creation time (key: primary key)."""

    name: str
    model: type[models.Model]
    time_field: str
    retention_days_setting: str | None = None  # None: never pruned, every missing row is loss


_TIME_STREAMS: dict[str, TimeStream] = {}


def time_stream_register(stream: TimeStream) -> None:
    """A higher module (the journal) asks for its immutable rows to be sealed too."""
    _TIME_STREAMS[stream.name] = stream


# --- Sealing --------------------------------------------------------------------------------


def _statement_hash(statement: str) -> str:
    return hashlib.sha256(statement.encode("utf-8")).hexdigest()


_RETENTION = {
    "access_log": "SAMMEN_ACCESS_LOG_RETENTION_DAYS",
    "citizen_log": "SAMMEN_CITIZEN_LOG_RETENTION_DAYS",
}


def _in_flight_settled(cutoff: dt.datetime, wait_seconds: float = 5.0) -> bool:
    """PostgreSQL: no other transaction that began before the cut-off is still open (its rows
    could carry sequence numbers below the ones about to be sealed, or journal times before the
    cut-off, and would be left out for good). Waits a little; False means: seal next round.
    SQLite has one writer, and the sealer's own BEGIN IMMEDIATE waits for it."""
    if connection.vendor != "postgresql":
        return True
    deadline = time.monotonic() + wait_seconds
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL AND xact_start < %s",
                [cutoff],
            )
            open_before = cursor.fetchone()[0]
        if not open_before:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


def last_trusted_checkpoint() -> Checkpoint | None:
    """The newest checkpoint, only if a known key signed it: the sealer and retention never
    build on a row the app's database role could have inserted."""
    last = Checkpoint.objects.order_by("-number").first()
    if last is None:
        return None
    problem = _signature_problem(last.statement, last.signature, verify_keys())
    if problem:
        raise SealRefused(
            f"Forsegling {last.number} i databasen kan ikke bruges: {problem}. "
            "Kør access_log_verify."
        )
    return last


def access_log_seal(
    *, now: dt.datetime | None = None, lag_seconds: int | None = None
) -> Checkpoint | None:
    """Close the rows appended since the last checkpoint into a new signed checkpoint. Returns
    None when nothing new is old enough to seal. Rows younger than the lag are left for the
    next run, so a transaction still in flight is not skipped over."""
    now = now or timezone.now()
    lag = settings.SAMMEN_SEAL_LAG_SECONDS if lag_seconds is None else lag_seconds
    cutoff = now - dt.timedelta(seconds=lag)
    key = signing_key()
    if not _in_flight_settled(cutoff):
        return None  # a transaction older than the cut-off is still open: seal next round
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
        prev = last_trusted_checkpoint()
        outside = _anchored_numbers()
        if outside and max(outside) > (prev.number if prev else 0):
            raise SealRefused(
                f"Databasen har forsegling {prev.number if prev else 0}, men forsegling "
                f"{max(outside)} findes uden for databasen: loggen er rullet tilbage. "
                "Kør access_log_verify."
            )
        prev_streams: dict[str, Any] = json.loads(prev.statement)["streams"] if prev else {}
        after = int(prev_streams.get("access_log", {}).get("last", 0))
        # A row with a time far ahead (a wrong clock, or a forged row) must not stop sealing for
        # good: it is sealed with the rest, and the verifier names it.
        future = now + dt.timedelta(seconds=settings.SAMMEN_SEAL_CLOCK_SLACK_SECONDS)
        young = (
            AccessLogEntry.objects.filter(seq__gt=after, at__gt=cutoff, at__lte=future)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        bound = AccessLogEntry.objects.filter(seq__gt=after)
        if young is not None:
            bound = bound.filter(seq__lt=young)
        last = bound.aggregate(last=models.Max("seq"))["last"] or after
        streams: dict[str, Any] = {}
        leaves: dict[str, list[list[Any]]] = {}
        for name, model, keyname in (
            ("access_log", AccessLogEntry, "seq"),
            ("citizen_log", CitizenAccessRecord, "access_seq"),
        ):
            fields = _fields(model)
            leaves[name] = _current_seq(model, keyname, fields, after, last)
            streams[name] = {
                "after": after,
                "last": last,
                "fields": fields,
                "retention_days": getattr(settings, _RETENTION[name]),
            }
        for stream in _TIME_STREAMS.values():
            previous = prev_streams.get(stream.name, {}).get("until")
            fields = _fields(stream.model)
            leaves[stream.name] = _current_time(stream, fields, previous, _canonical(cutoff))
            streams[stream.name] = {
                "after": previous,
                "until": _canonical(cutoff),
                "fields": fields,
                "retention_days": (
                    getattr(settings, stream.retention_days_setting)
                    if stream.retention_days_setting
                    else None
                ),
            }
        if not any(leaves.values()):
            return None
        for name, listed in leaves.items():
            streams[name] |= {"count": len(listed), "root": _root(listed)}
        number = (prev.number if prev else 0) + 1
        public = key.public_key()
        statement = _dumps(
            {
                "v": STATEMENT_VERSION,
                "number": number,
                "prev": _statement_hash(prev.statement) if prev else ZERO_HASH,
                "created_at": _canonical(now),
                "cutoff": _canonical(cutoff),
                "key_id": _key_id(public),
                "streams": streams,
            }
        )
        checkpoint = Checkpoint.objects.create(
            number=number,
            created_at=now,
            statement=statement,
            signature=key.sign(statement.encode("utf-8")).hex(),
            key_id=_key_id(public),
            leaves=_dumps(leaves),
        )
    checkpoints_anchor()
    return checkpoint


# --- The copy outside the database ----------------------------------------------------------


class SealRefused(Exception):
    """The database disagrees with the checkpoints outside it; sealing on top would hide it."""


_FILE = re.compile(r"^checkpoint-([0-9]{12})\.json$")


def _anchor_files() -> dict[int, Path]:
    """The checkpoint files by number; other names in the directory are not checkpoints."""
    directory = Path(settings.SAMMEN_SEAL_DIR)
    if not directory.is_dir():
        return {}
    found = {}
    for path in directory.iterdir():
        match = _FILE.match(path.name)
        if match:
            found[int(match.group(1))] = path
    return found


def _anchored_numbers() -> list[int]:
    return list(_anchor_files())


def _anchor_path(number: int) -> Path:
    return Path(settings.SAMMEN_SEAL_DIR) / f"checkpoint-{number:012d}.json"


def checkpoints_anchor() -> int:
    """Write every checkpoint that is not yet in `SAMMEN_SEAL_DIR` (never overwrite one).
    Runs after each seal, so a crash between commit and file is repaired by the next run."""
    directory = Path(settings.SAMMEN_SEAL_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    have = {p.name for p in directory.glob("checkpoint-*.json")}
    written = 0
    keys = verify_keys()
    for checkpoint in Checkpoint.objects.order_by("number"):
        path = _anchor_path(checkpoint.number)
        if path.name in have:
            continue
        if _signature_problem(checkpoint.statement, checkpoint.signature, keys):
            continue  # never anchor what the key did not sign
        body = _dumps(
            {
                "statement": checkpoint.statement,
                "signature": checkpoint.signature,
                "leaves": checkpoint.leaves,
            }
        )
        with path.open("x", encoding="utf-8") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        path.chmod(0o444)
        written += 1
    return written


# --- Verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One finding; `position` is the row's key (sequence number or id) when one is known."""

    stream: str
    checkpoint: int | None
    position: str | None
    problem: str

    def __str__(self) -> str:
        where = f"forsegling {self.checkpoint}" if self.checkpoint else "loggen"
        row = f", række {self.position}" if self.position is not None else ""
        return f"{self.stream}: {where}{row}: {self.problem}"


@dataclass(frozen=True)
class _Sealed:
    number: int
    statement: str
    signature: str
    leaves: str


def _signature_problem(statement: str, signature: str, keys: dict[str, Ed25519PublicKey]) -> str:
    try:
        key_id = json.loads(statement)["key_id"]
    except (ValueError, KeyError, TypeError):
        return "erklæringen kan ikke læses"
    public = keys.get(key_id)
    if public is None:
        return f"ukendt nøgle {key_id}"
    try:
        public.verify(bytes.fromhex(signature), statement.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return "signaturen passer ikke (erklæringen er ændret eller forfalsket)"
    return ""


def _anchored() -> dict[int, _Sealed]:
    found: dict[int, _Sealed] = {}
    for number, path in sorted(_anchor_files().items()):
        body = json.loads(path.read_text(encoding="utf-8"))
        found[number] = _Sealed(number, body["statement"], body["signature"], body["leaves"])
    return found


def _trusted_checkpoints() -> tuple[list[_Sealed], list[Problem]]:
    """The checkpoints to check rows against: the files outside the database win; the
    database copy must agree with them, be signed, and link without gaps."""
    problems: list[Problem] = []
    anchored = _anchored()
    stored = {
        c.number: _Sealed(c.number, c.statement, c.signature, c.leaves)
        for c in Checkpoint.objects.all()
    }
    keys = verify_keys()
    trusted: list[_Sealed] = []
    prev_hash = ZERO_HASH
    for number in sorted(set(anchored) | set(stored)):
        outside, inside = anchored.get(number), stored.get(number)
        sealed = outside or inside
        assert sealed is not None
        if outside is None:
            problems.append(Problem("forsegling", number, None, "findes ikke uden for databasen"))
        elif inside is None:
            problems.append(
                Problem(
                    "forsegling", number, None, "mangler i databasen (slettet eller rullet tilbage)"
                )
            )
        elif inside != outside:
            problems.append(Problem("forsegling", number, None, "databasens kopi er ændret"))
        signature = _signature_problem(sealed.statement, sealed.signature, keys)
        if signature:
            problems.append(Problem("forsegling", number, None, signature))
            continue
        statement = json.loads(sealed.statement)
        if statement["number"] != number:
            problems.append(Problem("forsegling", number, None, "nummeret passer ikke"))
        expected = len(trusted) + 1
        if number != expected:
            problems.append(Problem("forsegling", number, None, f"forsegling {expected} mangler"))
        if statement["prev"] != prev_hash:
            problems.append(Problem("forsegling", number, None, "kæden af forseglinger er brudt"))
        leaves = json.loads(sealed.leaves)
        for name, stream in statement["streams"].items():
            if _root(leaves.get(name, [])) != stream["root"]:
                problems.append(
                    Problem(name, number, None, "bladlisten passer ikke med den signerede rod")
                )
        prev_hash = _statement_hash(sealed.statement)
        trusted.append(sealed)
    return trusted, problems


def _retention_limit(days: int | None, now: dt.datetime) -> int | None:
    """Leaves older than this (epoch seconds) may be gone: retention pruned them. The days
    come from the signed statement, not from the verifying host's settings."""
    if days is None:
        return None
    return _epoch(now - dt.timedelta(days=days))


def _compare(
    name: str,
    number: int,
    sealed: list[list[Any]],
    current: list[list[Any]],
    pruned_before: int | None,
    window: tuple[int | None, int | None] = (None, None),
) -> Iterator[Problem]:
    """`window`: the times a row sealed in this checkpoint can honestly carry (from the previous
    checkpoint's cut-off, less the clock slack, to this one's, plus it). A row outside it had
    its time forged (or a clock far off): it is named, and it never counts as pruned."""
    now_by_key = {str(k): (t, leaf) for k, t, leaf in current}
    sealed_keys = set()
    found_problems: list[tuple[int, Any, Problem]] = []
    earliest, latest = window
    for index, (key, t, leaf) in enumerate(sealed):
        sealed_keys.add(str(key))
        found = now_by_key.get(str(key))
        honest = (earliest is None or t >= earliest) and (latest is None or t <= latest)
        if not honest:
            found_problems.append(
                (index, key, Problem(name, number, str(key), "rækkens tidspunkt er forkert"))
            )
        if found is None:
            if pruned_before is None or t >= pruned_before or not honest:
                found_problems.append(
                    (index, key, Problem(name, number, str(key), "rækken er slettet"))
                )
        elif found[1] != leaf:
            found_problems.append((index, key, Problem(name, number, str(key), "rækken er ændret")))
    for index, (key, _t, _leaf) in enumerate(current):
        if str(key) not in sealed_keys:
            problem = Problem(name, number, str(key), "rækken er indsat efter forseglingen")
            found_problems.append((index, key, problem))
    # First bad position first: by sequence number where the keys are numbers.
    numeric = all(isinstance(k, int) for _i, k, _p in found_problems)
    found_problems.sort(key=lambda item: item[1] if numeric else item[0])
    for _index, _key, problem in found_problems:
        yield problem


def access_log_verify(*, now: dt.datetime | None = None, expect_min: int = 0) -> Iterator[Problem]:
    """Check every sealed row against the signed checkpoints; yield each problem, first bad
    position first. Also: every successful access naming a citizen has its citizen copy, and
    the sealer has not stalled (no row older than
    `SAMMEN_SEAL_MAX_AGE_SECONDS` is unsealed); and, with `expect_min`, the newest checkpoint
    is at least that number (the operator's copy elsewhere knows it, the database does not)."""
    now = now or timezone.now()
    trusted, problems = _trusted_checkpoints()
    yield from problems
    slack = settings.SAMMEN_SEAL_CLOCK_SLACK_SECONDS
    previous_cutoff: int | None = None
    for sealed in trusted:
        statement = json.loads(sealed.statement)
        leaves = json.loads(sealed.leaves)
        cutoff = _epoch(dt.datetime.fromisoformat(statement["cutoff"]))
        window = (
            None if previous_cutoff is None else previous_cutoff - slack,
            cutoff + slack,
        )
        for name, stream in statement["streams"].items():
            fields = stream["fields"]
            limit = _retention_limit(stream.get("retention_days"), now)
            if name in ("access_log", "citizen_log"):
                model: type[models.Model] = (
                    AccessLogEntry if name == "access_log" else CitizenAccessRecord
                )
                key = "seq" if name == "access_log" else "access_seq"
                current = _current_seq(model, key, fields, stream["after"], stream["last"])
                yield from _compare(
                    name, sealed.number, leaves.get(name, []), current, limit, window
                )
            else:
                time_stream = _TIME_STREAMS.get(name)
                if time_stream is None:
                    yield Problem(name, sealed.number, None, "ukendt strøm")
                    continue
                current = _current_time(time_stream, fields, stream["after"], stream["until"])
                yield from _compare(name, sealed.number, leaves.get(name, []), current, limit)
        previous_cutoff = cutoff
    if expect_min and (not trusted or trusted[-1].number < expect_min):
        newest = trusted[-1].number if trusted else 0
        yield Problem(
            "forsegling", None, None, f"forsegling {newest + 1}–{expect_min} mangler helt"
        )
    yield from _stalled(trusted, now)
    if trusted:
        first = json.loads(trusted[0].statement)["streams"]["access_log"]["after"]
        before = AccessLogEntry.objects.filter(seq__lte=first).order_by("seq")
        for seq in before.values_list("seq", flat=True):
            yield Problem("access_log", None, str(seq), "rækken er indsat før første forsegling")
    yield from _copies_missing()


def _current_seq(
    model: type[models.Model], key: str, fields: list[str], after: int, last: int
) -> list[list[Any]]:
    """The leaves of the rows now in (after, last]; fields a newer schema lacks count as None."""
    missing = set(fields) - set(_fields(model))
    rows = (
        model._default_manager.filter(**{f"{key}__gt": after, f"{key}__lte": last})
        .order_by(key)
        .values(*(set(fields) - missing))
    )
    return [
        [r[key], _epoch(r["at"]), leaf_hash(r | dict.fromkeys(missing), fields)]
        for r in rows.iterator(5000)
    ]


def _current_time(
    stream: TimeStream, fields: list[str], after: str | None, until: str
) -> list[list[Any]]:
    pk = stream.model._meta.pk.attname
    rows = stream.model._default_manager.filter(
        **{f"{stream.time_field}__lte": dt.datetime.fromisoformat(until)}
    )
    if after:
        rows = rows.filter(**{f"{stream.time_field}__gt": dt.datetime.fromisoformat(after)})
    present = set(_fields(stream.model))
    missing = set(fields) - present
    values = rows.order_by(stream.time_field, pk).values(*(set(fields) - missing))
    return [
        [str(r[pk]), _epoch(r[stream.time_field]), leaf_hash(r | dict.fromkeys(missing), fields)]
        for r in values.iterator(5000)
    ]


def _stalled(trusted: list[_Sealed], now: dt.datetime) -> Iterator[Problem]:
    """Rows that should have been sealed long ago: the sealer has stopped, or is kept from
    sealing (a row that blocks it, a forged checkpoint)."""
    old = now - dt.timedelta(seconds=settings.SAMMEN_SEAL_MAX_AGE_SECONDS)
    last = json.loads(trusted[-1].statement)["streams"]["access_log"]["last"] if trusted else 0
    waiting = AccessLogEntry.objects.filter(seq__gt=last, at__lt=old).count()
    if waiting:
        yield Problem(
            "access_log",
            trusted[-1].number if trusted else None,
            None,
            f"forseglingen står stille: {waiting} rækker ældre end "
            f"{settings.SAMMEN_SEAL_MAX_AGE_SECONDS} s er ikke forseglet",
        )


def _copies_missing() -> Iterator[Problem]:
    """The citizen's copy is derived from the log: a successful access naming a citizen without
    its copy was removed. (MinLog is sent from the sealed copies themselves.)"""
    copies = CitizenAccessRecord.objects.filter(access_seq=OuterRef("seq"))
    no_copy = (
        AccessLogEntry.objects.filter(outcome=Outcome.SUCCESS, citizen_id__isnull=False)
        .exclude(purpose="citizen_self")
        .filter(~Exists(copies))
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    for seq in no_copy.iterator(5000):
        yield Problem("citizen_log", None, str(seq), "borgerens kopi af adgangen mangler")


def access_log_unsealed() -> int:
    """Rows appended after the last checkpoint (not yet protected by a signature)."""
    last = Checkpoint.objects.order_by("-number").first()
    after = json.loads(last.statement)["streams"]["access_log"]["last"] if last else 0
    return AccessLogEntry.objects.filter(seq__gt=after).count()
