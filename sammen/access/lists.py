"""Lists across citizens for every module: the policy as a queryset filter, and one log
statement for everything a list shows.

    rows = Visit.objects.visible_to(actor, purpose=Purpose.CARE_RELATION).filter(day=day)
    shown = list(rows[:50])
    record_many(actor=actor, rows=shown, operation=Operation.VIEW, object_type="visit")

`visible_to` (NetBox's `restrict` pattern) narrows any queryset of a citizen-owned model to the
rows whose citizen the actor has a care relation with, in the actor's municipality; rows of
another area (a model says where its area is with `citizen_area_field`) need a recorded
consent for the actor's area. Break-the-glass opens one citizen's page, never a list.
`record_many` writes one access-log row per distinct citizen shown — one multi-row INSERT in
the list's transaction, the same fail-closed rule as a single read.

A model opts in with `objects = CitizenOwnedQuerySet.as_manager()` (or a manager built from
it) and, when its rows belong to a documentation area, `citizen_area_field`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from sammen.access import policy
from sammen.access.log import access_log_record
from sammen.access.models import AccessLogEntry, Operation, Purpose
from sammen.core.actor import Actor
from sammen.core.models import MunicipalityQuerySet

_M = TypeVar("_M", bound=models.Model)

# Purposes a list may be shown for (break-the-glass is for one citizen, never a list).
LIST_PURPOSES = frozenset({Purpose.CARE_RELATION, Purpose.CONSENT})


def citizen_field_of(model: type[models.Model]) -> str:
    """The name of a model's foreign key to the citizen ("citizen" by convention); the citizen
    model itself answers "pk"."""
    if model._meta.label == "citizens.Citizen":
        return "pk"
    return str(getattr(model, "citizen_field", "citizen"))


def visible_to(queryset: QuerySet[_M], actor: Actor, *, purpose: str) -> QuerySet[_M]:
    """The rows of `queryset` the actor may see on a list for `purpose`."""
    if purpose not in LIST_PURPOSES:
        raise ValueError(f"A list cannot be shown for purpose {purpose!r}.")
    if not policy.citizen_data_allowed(actor):
        return queryset.none()
    model = queryset.model
    field = citizen_field_of(model)
    prefix = "" if field == "pk" else f"{field}__"
    related = policy.citizens_related_q(actor, prefix=prefix)
    rows = queryset.filter(**{f"{prefix}municipality": actor.municipality}).filter(related)
    area_field = getattr(model, "citizen_area_field", None)
    if area_field:
        consent = policy.consent_q(actor, prefix=prefix)
        rows = rows.filter(Q(**{area_field: actor.unit.area}) | consent)
    return rows


class CitizenOwnedQuerySet(MunicipalityQuerySet[_M]):
    """Querysets of models whose rows belong to a citizen: `for_municipality` and
    `visible_to`."""

    def visible_to(
        self, actor: Actor, *, purpose: str = Purpose.CARE_RELATION
    ) -> CitizenOwnedQuerySet[_M]:
        return visible_to(self, actor, purpose=purpose)  # type: ignore[return-value]


def record_many(
    *,
    actor: Actor,
    rows: Iterable[Any] = (),
    citizen_ids: Iterable[uuid.UUID] = (),
    operation: str = Operation.VIEW,
    purpose: str = Purpose.CARE_RELATION,
    object_type: str,
) -> list[AccessLogEntry]:
    """One access-log row per distinct citizen on the list (rows: model instances, or dicts
    from `.values()` with the citizen field), written with one INSERT. An empty list writes
    nothing: nobody was shown."""
    ids = list(dict.fromkeys([*citizen_ids, *(_citizen_id(row) for row in rows)]))
    if not ids:
        return []
    return access_log_record(
        actor=actor,
        citizen_ids=ids,
        operation=operation,
        purpose=purpose,
        object_type=object_type,
    )


def _citizen_id(row: Any) -> uuid.UUID:
    if isinstance(row, dict):
        value = row.get("citizen_id", row.get("citizen", row.get("id")))
    elif type(row)._meta.label == "citizens.Citizen":
        value = row.pk
    else:
        value = getattr(row, f"{citizen_field_of(type(row))}_id")
    return uuid.UUID(str(value))
