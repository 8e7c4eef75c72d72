"""Reads of rows that belong to a citizen, shared by the resource files: one row through the
access gate, a list through `visible_to` + `record_many` (docs/adding-a-module.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import QuerySet

from sammen.access import gate
from sammen.access.lists import record_many
from sammen.access.models import Operation, Purpose
from sammen.core.errors import NotFound
from sammen.core.ids import parse_uuid
from sammen.fhir.context import FhirContext
from sammen.fhir.search import SearchQuery, page_rows

_M = TypeVar("_M", bound=models.Model)


def owned_get(
    ctx: FhirContext,
    queryset: QuerySet[_M],
    resource_id: str,
    *,
    object_type: str,
    area: Callable[[_M], str | None] = lambda _row: None,
) -> _M:
    """One row of the actor's municipality by id, after the gate allowed (and logged) its
    citizen. Missing, malformed and foreign ids are logged and answer NotFound alike."""
    try:
        pk = parse_uuid(resource_id)
    except NotFound:
        raise gate.unknown_id_logged(
            actor=ctx.actor, object_id=resource_id, object_type=object_type
        ) from None
    row = queryset.filter(municipality=ctx.actor.municipality, pk=pk).first()
    if row is None:
        raise gate.unknown_id_logged(actor=ctx.actor, object_id=pk, object_type=object_type)
    gate.citizen_read(
        actor=ctx.actor,
        citizen=row.citizen,  # type: ignore[attr-defined]
        object_type=object_type,
        area=area(row),
    )
    return row


def owned_search(
    ctx: FhirContext,
    queryset: QuerySet[_M],
    query: SearchQuery,
    *,
    object_type: str,
    order: tuple[str, ...],
    narrow: Callable[[QuerySet[_M]], QuerySet[_M]] = lambda rows: rows,
) -> tuple[list[_M], bool]:
    """`patient=` given: that citizen through the gate (one log row, refusals logged), then
    the rows. Without: the list kernel — `visible_to` and one log statement for everyone
    shown, in one transaction."""
    if query.patient is not None:
        access = gate.citizen_open(
            actor=ctx.actor,
            citizen_id=query.patient,
            operation=Operation.SEARCH,
            object_type=object_type,
        )
        rows = narrow(
            queryset.filter(municipality=ctx.actor.municipality, citizen_id=access.citizen_id)
        )
        return page_rows(rows.order_by(*order), query)
    with transaction.atomic():
        visible = narrow(
            queryset.visible_to(ctx.actor, purpose=Purpose.CARE_RELATION)  # type: ignore[attr-defined]
        )
        shown, more = page_rows(visible.order_by(*order), query)
        record_many(
            actor=ctx.actor, rows=shown, operation=Operation.SEARCH, object_type=object_type
        )
    return shown, more


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
