"""Reads of citizen data. Every one is atomic, scoped to the actor's municipality, checked by
the access policy, and writes the access log in the same transaction."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import reduce
from operator import and_
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from sammen.access import policy
from sammen.access.log import access_log_record
from sammen.access.models import ChangeLogEntry, Operation
from sammen.citizens.models import Citizen, Consent, Relative, Responsibility
from sammen.citizens.text import tokens
from sammen.core.actor import Actor
from sammen.core.cpr import mask_cpr
from sammen.core.errors import NotFound, ValidationFailed
from sammen.core.ids import parse_uuid

_FULL_CPR = re.compile(r"^\d{6}-?\d{4}$")
_BIRTH_PART = re.compile(r"^\d{6}-?$")
SEARCH_LIMIT = 50


def _scoped(actor: Actor) -> QuerySet[Citizen]:
    return Citizen.objects.for_municipality(actor.municipality)


def _find(actor: Actor, citizen_id: Any) -> Citizen:
    citizen = _scoped(actor).filter(pk=parse_uuid(citizen_id)).first()
    if citizen is None:
        raise NotFound()
    return citizen


@transaction.atomic
def citizen_get(
    *, actor: Actor, citizen_id: Any, operation: str = Operation.VIEW, object_type: str = "citizen"
) -> Citizen:
    citizen = _find(actor, citizen_id)
    purpose = policy.citizen_require(actor=actor, citizen=citizen)
    access_log_record(
        actor=actor,
        citizen_ids=[citizen.pk],
        operation=operation,
        purpose=purpose,
        object_type=object_type,
    )
    return citizen


def citizen_for_update(*, actor: Actor, citizen_id: Any) -> Citizen:
    """The row a write service will change; the service logs the access."""
    citizen = _find(actor, citizen_id)
    policy.citizen_require(actor=actor, citizen=citizen, action="update")
    return citizen


@dataclass(frozen=True)
class SearchResult:
    citizens: list[Citizen]
    total: int
    kind: str  # "cpr", "birth", "text", "empty"
    truncated: bool


def _criterion(kind: str, query: str) -> str:
    """What the access log stores for a search: never a full CPR number."""
    if kind == "cpr":
        return f"cpr:{mask_cpr(query)}"
    if kind == "birth":
        return "foedselsdato:" + re.sub(r"\D", "", query)
    return f"tekst:{query[:150]}"


def search_filter(query: str) -> tuple[str, Q]:
    """Classify the query and build its filter: full CPR, birth-date part, or name/address."""
    text = query.strip().replace(" ", "") if re.fullmatch(r"[\d\s-]+", query.strip()) else query
    if _FULL_CPR.match(text):
        return "cpr", Q(cpr=re.sub(r"\D", "", text))
    if _BIRTH_PART.match(text):
        return "birth", Q(cpr_birth_part=text[:6])
    words = tokens(query)
    if not words:
        return "empty", Q(pk__in=[])
    name = reduce(and_, (Q(search_name__contains=w) for w in words))
    address = reduce(and_, (Q(search_address__contains=w) for w in words))
    return "text", name | address


@transaction.atomic
def citizen_search(*, actor: Actor, query: str, limit: int = SEARCH_LIMIT) -> SearchResult:
    """One box: name (partial, accent-insensitive), CPR (full or birth date), or address."""
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
    access_log_record(
        actor=actor,
        citizen_ids=[c.pk for c in hits],
        operation=Operation.SEARCH,
        criterion=_criterion(kind, query),
    )
    return SearchResult(hits, total, kind, truncated)


@dataclass(frozen=True)
class CitizenOverview:
    """The "borgerblik" header and the sections other modules add."""

    citizen: Citizen
    relatives: list[Relative]
    consents: list[Consent]
    responsibilities: list[Responsibility]
    changes: list[ChangeLogEntry]


@transaction.atomic
def citizen_overview(*, actor: Actor, citizen_id: Any) -> CitizenOverview:
    citizen = citizen_get(actor=actor, citizen_id=citizen_id)
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
    )


def relative_for_update(*, actor: Actor, relative_id: Any) -> Relative:
    relative = (
        Relative.objects.for_municipality(actor.municipality)
        .select_related("citizen")
        .filter(pk=parse_uuid(relative_id))
        .first()
    )
    if relative is None:
        raise NotFound()
    policy.citizen_require(actor=actor, citizen=relative.citizen, action="update")
    return relative


def consent_for_update(*, actor: Actor, consent_id: Any) -> Consent:
    consent = (
        Consent.objects.for_municipality(actor.municipality)
        .select_related("citizen")
        .filter(pk=parse_uuid(consent_id))
        .first()
    )
    if consent is None:
        raise NotFound()
    policy.citizen_require(actor=actor, citizen=consent.citizen, action="update")
    return consent


def citizen_ids_in(*, actor: Actor, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these ids are citizens the actor's municipality holds (for other modules)."""
    return set(_scoped(actor).filter(pk__in=ids).values_list("pk", flat=True))
