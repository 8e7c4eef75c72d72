"""The one door for reading citizen data: decide, log, and only then serve.

`citizen_read` asks the policy and writes the access-log row for the outcome: a refusal is
logged (outcome "denied") and raised; an allowed read is logged with its purpose and grant id
before the caller gets anything back. Call it outside any enclosing transaction that the
refusal would roll back (selectors do); if the success row cannot be written the exception
propagates and no data is served.
"""

from __future__ import annotations

import uuid
from typing import Any

from sammen.access import policy
from sammen.access.log import access_log_record
from sammen.access.models import Operation, Outcome
from sammen.core.actor import Actor
from sammen.core.errors import Forbidden, NotFound


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
) -> policy.Decision:
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
    return decision


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
