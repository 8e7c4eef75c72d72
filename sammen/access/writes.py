"""The write kernel: every write of citizen data goes through `citizen_write` (like zulip's
"actions").

    @citizen_write_service
    def relative_remove(*, actor, relative, version=None):
        with citizen_write(actor=actor, citizen=relative.citizen, object_type="relative") as w:
            w.delete(relative, version=version, logged=("name", "relation"))

One place that
1. asks the policy once, before the transaction (a refusal is logged by the gate and not
   rolled back with the write);
2. opens `transaction.atomic(durable=True)`: a write is never part of a larger transaction, so
   when the service returns, it is committed (and a caller that wraps it in `atomic()` fails
   loudly instead of holding locks and deferring the commit);
3. locks the row and refuses a stale `version` with `Conflict` (409) that says which fields
   changed since (old → new, from the change log, CPR masked);
4. writes the change-log row from a diff of the model before/after (`access.changelog`);
5. writes the access-log row (operation create/update) for every citizen touched;
6. runs `on_commit` tasks only after the commit.

A block that records no change and does not say `write.unchanged()` raises: a write of citizen
data that leaves no change-log row is a bug. `citizen_write_service` marks the services that
write citizen data; `tests/test_write_kernel.py` finds every public function in every
`services.py`, and requires each to be either marked (and then proves it leaves a change-log
row) or listed as exempt with a reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction

from sammen.access import gate, policy
from sammen.access.changelog import change_log_record, diff
from sammen.access.log import access_log_record
from sammen.access.models import ChangeLogEntry, Operation, Purpose
from sammen.core.actor import Actor
from sammen.core.errors import Conflict

F = TypeVar("F", bound=Callable[..., Any])

# After-write listeners: (callback, object types). A module above the kernel (visits) learns
# that a write it derives data from has committed, without the writer importing it.
AfterWrite = Callable[[Actor, list[uuid.UUID], str], None]
_AFTER_WRITE: list[tuple[AfterWrite, frozenset[str]]] = []


def after_write_register(callback: AfterWrite, *, object_types: Collection[str]) -> None:
    """`callback(actor, citizen_ids, object_type)` runs after the durable commit of every write of
    one of `object_types` (never on rollback). It must not raise into the writer: a listener
    that fails is logged, and the listener's own periodic job repairs what it missed."""
    _AFTER_WRITE.append((callback, frozenset(object_types)))


def _after_write(actor: Actor, citizen_ids: list[uuid.UUID], object_type: str) -> None:
    import logging

    if not citizen_ids:
        return
    for callback, types in _AFTER_WRITE:
        if object_type in types:
            try:
                callback(actor, list(citizen_ids), object_type)
            except Exception:
                logging.getLogger(__name__).exception("after-write listener failed")


M = TypeVar("M", bound=models.Model)

WRITE_SERVICE_MARK = "citizen_write_service"
CITIZEN_MODEL = "citizens.citizen"


def citizen_write_service(func: F) -> F:
    """Mark a service as a write of citizen data (checked by tests/test_write_kernel.py)."""
    setattr(func, WRITE_SERVICE_MARK, True)
    return func


def is_citizen_write_service(func: Any) -> bool:
    return bool(getattr(func, WRITE_SERVICE_MARK, False))


def _citizen_id(obj: models.Model) -> uuid.UUID:
    if obj._meta.label_lower == CITIZEN_MODEL:
        return uuid.UUID(str(obj.pk))
    value = getattr(obj, "citizen_id", None)
    if value is None:
        raise TypeError(f"{obj._meta.label} names no citizen: not citizen data")
    return uuid.UUID(str(value))


def _values(obj: models.Model, names: Collection[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def changes_since(obj: models.Model, version: int) -> dict[str, list[Any]]:
    """{field: [value in `version`, value now]} from the change log (values as logged: CPR
    masked). Fields changed back and forth are left out."""
    rows = ChangeLogEntry.objects.filter(
        citizen_id=_citizen_id(obj), object_id=obj.pk, action="update"
    ).values_list("changes", flat=True)
    steps = sorted(
        (row for row in rows if isinstance((row.get("version") or [None])[0], int)),
        key=lambda row: row["version"][0],
    )
    merged: dict[str, list[Any]] = {}
    for row in steps:
        if row["version"][0] < version:
            continue
        for field, (old, new) in row.items():
            if field == "version":
                continue
            merged.setdefault(field, [old, new])[1] = new
    return {field: pair for field, pair in merged.items() if pair[0] != pair[1]}


class CitizenWrite:
    """One write of citizen data in progress (inside its durable transaction)."""

    def __init__(self, *, actor: Actor, citizen_ids: list[uuid.UUID]) -> None:
        self.actor = actor
        self.citizen_ids = citizen_ids
        self.recorded = 0
        self.seen = False

    def _record(self, obj: models.Model, action: str, changes: dict[str, list[Any]]) -> None:
        citizen_id = _citizen_id(obj)
        if citizen_id not in self.citizen_ids:
            self.citizen_ids.append(citizen_id)
        self.seen = True
        if change_log_record(
            actor=self.actor, citizen_id=citizen_id, obj=obj, action=action, changes=changes
        ):
            self.recorded += 1

    def lock(self, obj: M, *, version: int | None) -> M:
        """Lock the row until commit, reload it, and refuse a write based on an older version
        (`version` None: the caller has no version to compare, e.g. a side effect)."""
        manager = type(obj)._default_manager
        try:
            obj.refresh_from_db(from_queryset=manager.select_for_update())
        except ObjectDoesNotExist:
            raise Conflict("En anden har slettet oplysningen, mens du arbejdede.") from None
        current = getattr(obj, "version", None)
        if version is not None and current != version:
            raise Conflict(changes=changes_since(obj, version), current_version=current)
        return obj

    def created(self, obj: M, *, logged: Mapping[str, Any]) -> M:
        """Record a row the service has just saved; `logged` are the values to show."""
        after = dict(logged)
        if hasattr(obj, "version"):
            after["version"] = obj.version
        self._record(obj, "create", diff({}, after))
        return obj

    def update(
        self,
        obj: M,
        *,
        version: int | None,
        values: Mapping[str, Any],
        logged: Collection[str] | None = None,
    ) -> bool:
        """Lock, check the version, set `values`, and save with the next version when anything
        changed. The change log shows `logged` (default: all of `values`). True if changed."""
        self.lock(obj, version=version)
        names = list(values)
        shown = list(logged) if logged is not None else names
        before = _values(obj, shown)
        changed = [name for name in names if getattr(obj, name) != values[name]]
        self.seen = True
        if not changed:
            _citizen_id(obj)  # still citizen data, or a programming error
            return False
        for name in changed:
            setattr(obj, name, values[name])
        fields = [*changed, "updated_at"] if hasattr(obj, "updated_at") else list(changed)
        if hasattr(obj, "version"):
            before["version"] = obj.version
            obj.version += 1
            fields.append("version")
        obj.save(update_fields=fields)
        self._record(obj, "update", diff(before, _values(obj, before)))
        return True

    def delete(self, obj: models.Model, *, version: int | None, logged: Collection[str]) -> None:
        self.lock(obj, version=version)
        before = _values(obj, logged)
        shown = diff({}, before)  # {field: [None, value]}, masked
        self._record(obj, "delete", {name: [pair[1], None] for name, pair in shown.items()})
        obj.delete()

    def record(self, obj: models.Model, *, action: str, changes: dict[str, list[Any]]) -> None:
        """A change the service made itself (an append-only row such as a journal version);
        `changes` as {field: [old, new]}, already masked."""
        self._record(obj, action, changes)

    def unchanged(self) -> None:
        """Nothing to change (e.g. the unit is already responsible): no change-log row."""
        self.seen = True

    def on_commit(self, task: Callable[[], None]) -> None:
        """Run after the commit, never on rollback (django-tasks enqueue goes here)."""
        transaction.on_commit(task)


@contextmanager
def citizen_write(
    *,
    actor: Actor,
    citizen: Any = None,
    decision: policy.Decision | None = None,
    action: str = "update",
    area: str | None = None,
    operation: str = Operation.UPDATE,
    object_type: str = "citizen",
) -> Iterator[CitizenWrite]:
    """One write of citizen data (see the module doc).

    `citizen` None: a new citizen (`policy.citizen_write_require`). `decision`: the policy's
    answer the caller already got from `gate.citizen_read` for this write (e.g. the journal,
    which decides by the entry's area); otherwise the gate asks the policy with `action`
    ("update", "change_access") and `area`.
    """
    if decision is None:
        if citizen is None:
            policy.citizen_write_require(actor=actor)
        else:
            decision = gate.citizen_read(
                actor=actor,
                citizen=citizen,
                operation=operation,
                object_type=object_type,
                area=area,
                action=action,
                log=False,
            )
    write = CitizenWrite(actor=actor, citizen_ids=[citizen.pk] if citizen is not None else [])
    purpose = decision.purpose if decision is not None else Purpose.CARE_RELATION
    grant_id = decision.grant_id if decision is not None else None
    try:
        with transaction.atomic(durable=True):
            yield write
            if not write.seen:
                raise RuntimeError("A write of citizen data recorded no change (access.writes).")
            access_log_record(
                actor=actor,
                citizen_ids=write.citizen_ids,
                operation=operation,
                purpose=purpose,
                grant_id=grant_id,
                object_type=object_type,
            )
    except Conflict as conflict:
        if conflict.changes and write.citizen_ids:
            # The answer shows what someone else changed: that is a read, logged as one (after
            # the rollback, so the row stays).
            access_log_record(
                actor=actor,
                citizen_ids=write.citizen_ids,
                operation=Operation.VIEW,
                purpose=purpose,
                grant_id=grant_id,
                object_type=object_type,
            )
        raise
    # The durable block has committed: listeners see the write (and never a rolled-back one).
    _after_write(actor, list(write.citizen_ids), object_type)
