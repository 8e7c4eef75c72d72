"""The one door for reading citizen data: decide, log, and only then serve.

`citizen_open` finds the citizen (missing, malformed and foreign ids alike answer NotFound and
are logged without saying which), asks the policy, and writes the access-log row for the
outcome: a refusal is logged (outcome "denied") and raised; an allowed read is logged with its
purpose and grant id before the caller gets anything back. What it returns is a `CitizenAccess`:
the proof a module's selectors require (they take a `CitizenAccess`, never a bare citizen id,
and mypy holds them to it). Only this module can make one; finding a citizen without that proof
is private to it (`_citizen_find`).

The kernel does not import the citizens module: citizens registers how a citizen row is found
(`citizen_finder_register`), the way visits and tasks register care relations with the policy.

Call it outside any enclosing transaction that the refusal would roll back (selectors do); if
the success row cannot be written the exception propagates and no data is served.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sammen.access import policy
from sammen.access.log import access_log_record
from sammen.access.models import Operation, Outcome
from sammen.core.actor import Actor
from sammen.core.errors import Forbidden, NotFound
from sammen.core.ids import parse_uuid

_GATE = object()

CitizenFinder = Callable[[Actor, uuid.UUID], Any]
_FINDER: list[CitizenFinder] = []


def citizen_finder_register(finder: CitizenFinder) -> None:
    """The citizens module says how to load a citizen row of the actor's municipality by id
    (None when there is none)."""
    _FINDER[:] = [finder]


@dataclass(frozen=True)
class CitizenAccess(policy.Decision):
    """Proof that the policy let `actor` reach `citizen` for `purpose`, and (when `logged`)
    that the read is in the access log. Made only by this module."""

    citizen: Any = None  # citizens.Citizen
    actor: Actor | None = None
    logged: bool = False
    _made_by: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._made_by is not _GATE:
            raise TypeError("Only access.gate makes a CitizenAccess.")

    @property
    def citizen_id(self) -> uuid.UUID:
        return uuid.UUID(str(self.citizen.pk))


def _citizen_find(*, actor: Actor, citizen_id: Any, object_type: str = "citizen") -> Any:
    """The citizen row in the actor's municipality, before any policy check. Private: every
    caller outside this module goes through `citizen_open`."""
    try:
        pk = parse_uuid(citizen_id)
    except NotFound:
        raise unknown_id_logged(
            actor=actor, object_id=citizen_id, object_type=object_type
        ) from None
    citizen = _FINDER[0](actor, pk) if _FINDER else None
    if citizen is None:
        raise unknown_id_logged(actor=actor, object_id=pk, object_type=object_type)
    return citizen


def citizen_open(
    *,
    actor: Actor,
    citizen_id: Any,
    operation: str = Operation.VIEW,
    object_type: str = "citizen",
    area: str | None = None,
    action: str = "view",
    log: bool = True,
    scope: str | None = None,
) -> CitizenAccess:
    """Find, decide and log in one step. `log=False` is for write services, which log the
    write themselves in its own transaction (a refusal is always logged here)."""
    citizen = _citizen_find(actor=actor, citizen_id=citizen_id, object_type=object_type)
    return citizen_read(
        actor=actor,
        citizen=citizen,
        operation=operation,
        object_type=object_type,
        area=area,
        action=action,
        log=log,
        scope=scope,
    )


def citizen_read(
    *,
    actor: Actor,
    citizen: Any,
    operation: str = Operation.VIEW,
    object_type: str = "citizen",
    area: str | None = None,
    action: str = "view",
    log: bool = True,
    scope: str | None = None,
) -> CitizenAccess:
    """Decide and log for a citizen row already in hand (one reached through another object,
    e.g. a journal entry's citizen)."""
    try:
        decision = policy.citizen_require(
            actor=actor, citizen=citizen, action=action, area=area, scope=scope
        )
    except (NotFound, Forbidden):
        same_municipality = citizen.municipality_id == actor.municipality.pk
        access_log_record(
            actor=actor,
            citizen_ids=[citizen.pk if same_municipality else None],
            operation=operation,
            object_type=object_type,
            outcome=Outcome.DENIED,
            criterion="" if same_municipality else f"id:{citizen.pk}",
        )
        raise
    if log:
        access_log_record(
            actor=actor,
            citizen_ids=[citizen.pk],
            operation=operation,
            purpose=decision.purpose,
            grant_id=decision.grant_id,
            object_type=object_type,
        )
    return CitizenAccess(
        allowed=True,
        purpose=decision.purpose,
        grant_id=decision.grant_id,
        citizen=citizen,
        actor=actor,
        logged=log,
        _made_by=_GATE,
    )


def unknown_id_logged(*, actor: Actor, object_id: Any, object_type: str) -> NotFound:
    """Log an attempt on a missing or foreign id (without revealing which) and return the
    NotFound to raise."""
    try:
        shown = str(uuid.UUID(str(object_id)))
    except (TypeError, ValueError):
        shown = "ugyldigt id"
    access_log_record(
        actor=actor,
        citizen_ids=[None],
        operation=Operation.VIEW,
        object_type=object_type,
        outcome=Outcome.DENIED,
        criterion=f"id:{shown}",
    )
    return NotFound()


def citizen_for_grant(*, actor: Actor, citizen_id: Any) -> Any:
    """The citizen a break-the-glass grant is asked for: found (an unknown id is logged) but
    not read — the grant service logs the grant itself, and reading needs the grant first."""
    return _citizen_find(actor=actor, citizen_id=citizen_id, object_type="grant")
