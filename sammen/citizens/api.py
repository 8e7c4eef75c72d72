"""JSON API for citizens: search (POST, so no CPR in a URL), read, create, update.

A citizen is a versioned record: GET answers `ETag: "<version>"`; PUT needs `If-Match` with it
(428 without, 412 with what changed when someone else saved in between; `core.etags`)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from sammen.citizens import selectors, services
from sammen.core.errors import Conflict, PreconditionFailed
from sammen.core.etags import etag, if_match_version
from sammen.core.requests import ApiRequest
from sammen.core.schemas import InSchema

router = Router(tags=["citizens"])


class SearchIn(InSchema):
    q: str = Field(max_length=200)


class CitizenListOut(Schema):
    id: uuid.UUID
    first_name: str
    last_name: str
    cpr_masked: str
    birth_date: dt.date
    address: str
    status: str


class SearchOut(Schema):
    total: int
    truncated: bool
    results: list[CitizenListOut]


class CitizenOut(CitizenListOut):
    """The full CPR number is not here: it takes an explicit, separately logged request."""

    sex: str
    street: str
    house_number: str
    floor_door: str
    postcode: str
    city: str
    phone: str
    gp_name: str
    preferred_language: str
    version: int


class CitizenIn(InSchema):
    """Unknown fields (municipality, sex …) are refused by InSchema."""

    cpr: str = Field(max_length=11)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    street: str = Field("", max_length=200)
    house_number: str = Field("", max_length=20)
    floor_door: str = Field("", max_length=20)
    postcode: str = Field("", max_length=4)
    city: str = Field("", max_length=100)
    phone: str = Field("", max_length=30)
    gp_name: str = Field("", max_length=200)
    gp_clinic: str = Field("", max_length=200)
    gp_phone: str = Field("", max_length=30)
    preferred_language: str = Field("dansk", max_length=50)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)


def _list_out(citizen: Any) -> dict[str, Any]:
    return {
        "id": citizen.pk,
        "first_name": citizen.first_name,
        "last_name": citizen.last_name,
        "cpr_masked": citizen.cpr_masked,
        "birth_date": citizen.birth_date,
        "address": citizen.address_line,
        "status": citizen.status,
    }


@router.post("/search", response=SearchOut)
def search(request: ApiRequest, payload: SearchIn) -> dict[str, Any]:
    result = selectors.citizen_search(actor=request.auth, query=payload.q)
    return {
        "total": result.total,
        "truncated": result.truncated,
        "results": [_list_out(c) for c in result.citizens],
    }


def _full_out(citizen: Any) -> dict[str, Any]:
    return _list_out(citizen) | {
        name: getattr(citizen, name)
        for name in CitizenOut.model_fields
        if name not in CitizenListOut.model_fields
    }


@router.get("/{citizen_id}", response=CitizenOut)
def get(request: ApiRequest, citizen_id: uuid.UUID, response: HttpResponse) -> dict[str, Any]:
    citizen = selectors.citizen_get(actor=request.auth, citizen_id=citizen_id)
    response["ETag"] = etag(citizen.version)
    return _full_out(citizen)


@router.put("/{citizen_id}", response=CitizenOut)
def update(
    request: ApiRequest, citizen_id: uuid.UUID, payload: CitizenIn, response: HttpResponse
) -> dict[str, Any]:
    """Replace the master data. `If-Match` with the ETag from GET is required (428 without);
    a version someone else has changed since answers 412 with the fields they changed."""
    version = if_match_version(request)
    actor = request.auth
    citizen = selectors.citizen_for_update(actor=actor, citizen_id=citizen_id)
    try:
        services.citizen_update(
            actor=actor,
            citizen=citizen,
            data=services.CitizenInput(**payload.model_dump()),
            version=version,
        )
    except Conflict as error:
        raise PreconditionFailed(
            error.message, changes=error.changes, current_version=error.current_version
        ) from None
    response["ETag"] = etag(citizen.version)
    return _full_out(citizen)


class CprOut(Schema):
    cpr: str


@router.post("/{citizen_id}/cpr", response=CprOut)
def cpr_reveal(request: ApiRequest, citizen_id: uuid.UUID) -> dict[str, str]:
    """The full CPR number, on explicit request; logged as its own access (object "cpr")."""
    citizen = selectors.citizen_get(
        actor=request.auth,
        citizen_id=citizen_id,
        object_type="cpr",
    )
    return {"cpr": citizen.cpr_formatted}


@router.post("/", response={201: CitizenListOut})
def create(request: ApiRequest, payload: CitizenIn) -> Status[dict[str, Any]]:
    citizen = services.citizen_create(
        actor=request.auth,
        data=services.CitizenInput(**payload.model_dump()),
    )
    return Status(201, _list_out(citizen))
