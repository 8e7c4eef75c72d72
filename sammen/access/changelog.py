"""The change log of citizen data: who changed which fields, old -> new."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sammen.access.models import ChangeLogEntry
from sammen.core.actor import Actor
from sammen.core.cpr import mask_cpr, mask_cpr_in_text

MASKED_FIELDS = frozenset({"cpr"})


def _show(field: str, value: Any) -> Any:
    if value is None:
        return None
    if field in MASKED_FIELDS:
        return mask_cpr(str(value))
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str):
        return mask_cpr_in_text(value)  # a CPR number typed into another field stays masked
    if isinstance(value, int | float | bool):
        return value
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        field: [_show(field, before.get(field)), _show(field, after[field])]
        for field in after
        if before.get(field) != after[field]
    }


def change_log_record(
    *,
    actor: Actor,
    citizen_id: uuid.UUID,
    obj: Any,
    action: str,
    changes: dict[str, list[Any]],
) -> ChangeLogEntry | None:
    if not changes and action == "update":
        return None
    return ChangeLogEntry.objects.create(
        municipality=actor.municipality,
        staff=actor.staff,
        role=actor.role,
        citizen_id=citizen_id,
        object_type=type(obj).__name__.lower(),
        object_id=obj.pk,
        action=action,
        changes=changes,
    )
