"""Reads of citizen data. Every one is atomic, scoped to the actor's municipality, checked by
the access policy, and writes the access log in the same transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import reduce
from operator import and_
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Window

from sammen.access import gate, policy
from sammen.access.lists import record_many
from sammen.access.log import access_log_record
from sammen.access.models import ChangeLogEntry, Operation, Outcome, Purpose
from sammen.citizens.models import Citizen, CitizenStatus, Consent, Relative, Responsibility
from sammen.citizens.text import tokens
from sammen.core.actor import Actor
from sammen.core.cpr import digits_typed, mask_cpr, mask_cpr_in_text
from sammen.core.errors import ValidationFailed
from sammen.core.ids import parse_uuid

SEARCH_LIMIT = 50


def _scoped(actor: Actor) -> QuerySet[Citizen]:
    return Citizen.objects.for_municipality(actor.municipality)


def citizen_row(actor: Actor, pk: uuid.UUID) -> Citizen | None:
    """How the access gate loads a citizen of the actor's municipality (registered in
    CitizensConfig.ready); nothing else calls it: reads go through `gate.citizen_open`."""
    return _scoped(actor).filter(pk=pk).first()


def citizen_get(
    *,
    actor: Actor,
    citizen_id: Any,
    operation: str = Operation.VIEW,
    object_type: str = "citizen",
    area: str | None = None,
) -> Citizen:
    """One citizen, after the policy said yes and the access-log row is written."""
    access = gate.citizen_open(
        actor=actor,
        citizen_id=citizen_id,
        operation=operation,
        object_type=object_type,
        area=area,
    )
    return access.citizen  # type: ignore[no-any-return]


def citizen_for_update(*, actor: Actor, citizen_id: Any) -> Citizen:
    """The row a write service will change; a refusal is logged here, the write by the
    service."""
    access = gate.citizen_open(
        actor=actor,
        citizen_id=citizen_id,
        operation=Operation.UPDATE,
        action="update",
        log=False,
    )
    return access.citizen  # type: ignore[no-any-return]


@dataclass(frozen=True)
class SearchResult:
    citizens: list[Citizen]
    total: int
    kind: str  # "cpr", "birth", "text", "empty"
    truncated: bool
    # A full CPR number of a citizen in the municipality but outside the actor's reach: the
    # page offers break-the-glass for exactly this citizen (and shows nothing else about them).
    outside_reach_id: uuid.UUID | None = None


def _criterion(kind: str, query: str) -> str:
    """What the access log stores for a search: never a full CPR number."""
    digits = digits_typed(query) or ""
    if kind == "cpr":
        return f"cpr:{mask_cpr(digits)}"
    if kind == "birth":
        return f"foedselsdato:{digits}"
    # A CPR number typed among other words is masked too: never a full CPR in the log.
    return "tekst:" + mask_cpr_in_text(query)[:150]


def search_filter(query: str) -> tuple[str, Q]:
    """Classify the query and build its filter: full CPR, birth-date part, or name/address.
    A CPR number counts however it was typed (en dash, spaces, dots, full-width digits)."""
    digits = digits_typed(query)
    if digits is not None and len(digits) == 10:
        return "cpr", Q(cpr=digits)
    if digits is not None and len(digits) == 6:
        return "birth", Q(cpr_birth_part=digits)
    words = tokens(query)
    if not words:
        return "empty", Q(pk__in=[])
    name = reduce(and_, (Q(search_name__contains=w) for w in words))
    address = reduce(and_, (Q(search_address__contains=w) for w in words))
    return "text", name | address


@transaction.atomic
def citizen_search(*, actor: Actor, query: str, limit: int = SEARCH_LIMIT) -> SearchResult:
    """One box: name (partial, accent-insensitive), CPR (full or birth date), or address.
    Only citizens within the actor's reach are returned or counted."""
    policy.citizen_search_allowed(actor=actor)
    query = (query or "").strip()
    if len(query) > 200:
        raise ValidationFailed(field_errors={"q": ["Søgningen er for lang."]})
    kind, condition = search_filter(query)
    if kind == "empty":
        return SearchResult([], 0, kind, False)
    base = policy.citizens_visible(actor=actor, queryset=Citizen.objects.all()).filter(condition)
    hits = list(base.order_by("last_name", "first_name", "pk")[: limit + 1])
    truncated = len(hits) > limit
    hits = hits[:limit]
    total = base.count() if truncated else len(hits)
    outside: uuid.UUID | None = None
    if kind == "cpr" and not hits:
        outside = _scoped(actor).filter(condition).values_list("pk", flat=True).first()
    access_log_record(
        actor=actor,
        citizen_ids=[outside] if outside else [c.pk for c in hits],
        operation=Operation.SEARCH,
        criterion=_criterion(kind, query),
        outcome=Outcome.DENIED if outside else Outcome.SUCCESS,
    )
    return SearchResult(hits, total, kind, truncated, outside)


@dataclass(frozen=True)
class CitizenOverview:
    """The "borgerblik" header and the sections other modules add."""

    citizen: Citizen
    relatives: list[Relative]
    consents: list[Consent]
    responsibilities: list[Responsibility]
    changes: list[ChangeLogEntry]
    # The gate's proof (decided and logged once): the page's sections take it, so they
    # neither ask the policy nor log the citizen again.
    access: gate.CitizenAccess | None = None


def citizen_overview(*, actor: Actor, citizen_id: Any) -> CitizenOverview:
    access = gate.citizen_open(actor=actor, citizen_id=citizen_id)
    citizen: Citizen = access.citizen
    return CitizenOverview(
        citizen=citizen,
        relatives=list(citizen.relatives.all()),
        consents=list(citizen.consents.select_related("recorded_by", "withdrawn_by")),
        responsibilities=list(
            citizen.responsibilities.filter(until__isnull=True).select_related("unit")
        ),
        changes=list(
            ChangeLogEntry.objects.filter(citizen_id=citizen.pk).select_related("staff")[:20]
        ),
        access=access,
    )


def relative_for_update(*, actor: Actor, relative_id: Any) -> Relative:
    relative = (
        Relative.objects.for_municipality(actor.municipality)
        .select_related("citizen")
        .filter(pk=parse_uuid(relative_id))
        .first()
    )
    if relative is None:
        raise gate.unknown_id_logged(actor=actor, object_id=relative_id, object_type="relative")
    gate.citizen_read(
        actor=actor,
        citizen=relative.citizen,
        operation=Operation.UPDATE,
        action="update",
        object_type="relative",
        log=False,
    )
    return relative


def consent_for_update(*, actor: Actor, consent_id: Any) -> Consent:
    consent = (
        Consent.objects.for_municipality(actor.municipality)
        .select_related("citizen")
        .filter(pk=parse_uuid(consent_id))
        .first()
    )
    if consent is None:
        raise gate.unknown_id_logged(actor=actor, object_id=consent_id, object_type="consent")
    gate.citizen_read(
        actor=actor,
        citizen=consent.citizen,
        operation=Operation.UPDATE,
        action="update",
        object_type="consent",
        log=False,
    )
    return consent


def citizen_ids_in(*, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these ids are citizens the actor's municipality holds (for other modules)."""
    return set(_scoped(actor).filter(pk__in=ids).values_list("pk", flat=True))


@dataclass(frozen=True)
class CitizenList:
    citizens: list[Citizen]
    total: int


@transaction.atomic
def citizen_list_mine(*, actor: Actor, limit: int = SEARCH_LIMIT) -> CitizenList:
    """The citizens the actor works with ("Mine borgere"): the list kernel in a few lines —
    the policy as a queryset filter, one log statement for everyone shown."""
    rows = Citizen.objects.visible_to(actor, purpose=Purpose.CARE_RELATION).filter(
        status=CitizenStatus.ACTIVE
    )
    # The total comes with the rows (COUNT(*) OVER (), computed before the LIMIT): one pass
    # over the actor's citizens instead of a second query for the count.
    counted = rows.annotate(list_total=Window(Count("pk")))
    found = list(counted.order_by("last_name", "first_name", "pk")[:limit])
    total = int(found[0].list_total) if found else 0
    shown: list[Citizen] = list(found)
    record_many(actor=actor, rows=shown, object_type="citizen_list")
    return CitizenList(shown, total)
