"""JSON API for the organisation: the actor and the municipality's units."""

from __future__ import annotations

import uuid
from typing import Any

from ninja import Router, Schema

from sammen.core.requests import ApiRequest
from sammen.organisation import selectors

router = Router(tags=["organisation"])


class ActorOut(Schema):
    staff_id: uuid.UUID
    name: str
    municipality: str
    role: str
    unit_id: uuid.UUID
    unit: str


class UnitOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    area: str
    parent_id: uuid.UUID | None
    is_active: bool


@router.get("/me", response=ActorOut)
def me(request: ApiRequest) -> dict[str, Any]:
    actor = request.auth
    return {
        "staff_id": actor.staff.pk,
        "name": actor.staff.full_name,
        "municipality": actor.municipality.name,
        "role": actor.role,
        "unit_id": actor.unit.pk,
        "unit": actor.unit.name,
    }


@router.get("/units", response=list[UnitOut])
def units(request: ApiRequest) -> Any:
    return selectors.unit_list(actor=request.auth)


@router.get("/units/{unit_id}", response=UnitOut)
def unit(request: ApiRequest, unit_id: uuid.UUID) -> Any:
    return selectors.unit_get(actor=request.auth, unit_id=unit_id)
