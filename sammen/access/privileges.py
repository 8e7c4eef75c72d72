"""Writes the privilege audit that organisation reports through `core.audit` (registered in
AccessConfig.ready): an access-log row per change, and a leader review item when it widens
who can reach named citizens."""

from __future__ import annotations

import uuid

from django.utils import timezone

from sammen.access.log import access_log_record
from sammen.access.models import Operation, Outcome, Purpose, ReviewItem, ReviewKind, Severity
from sammen.core.actor import Actor
from sammen.core.audit import PrivilegeChange


def privilege_change_write(actor: Actor, change: PrivilegeChange) -> None:
    criterion = f"{change.what} medarbejder:{change.staff_id}" if change.staff_id else change.what
    access_log_record(
        actor=actor,
        citizen_ids=[None],
        operation=Operation.PRIVILEGE,
        purpose=Purpose.ADMINISTRATION,
        object_type=change.object_type,
        criterion=criterion[:200],
        outcome=Outcome.DENIED if change.refused else Outcome.SUCCESS,
        severity=Severity.HIGH if change.refused else Severity.NORMAL,
    )
    if change.review and change.staff_id is not None:
        ReviewItem.objects.create(
            municipality=actor.municipality,
            kind=ReviewKind.PRIVILEGE_CHANGE,
            staff_id=change.staff_id,
            occurred_at=timezone.now(),
            details=f"{change.review} (af {actor.staff.full_name})"[:300],
            dedupe_key=f"privilege:{uuid.uuid4()}",
        )
