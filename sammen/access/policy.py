"""Who may see and change which citizen's data. Deny by default.

Today's rule (issue "Citizens"): staff in a role that works with named citizens
(`CITIZEN_DATA_ROLES`) may read and write citizens of their own municipality; direktion,
politicians and administrators never see a named citizen. The need-to-know rules (care
relation per area, consent across areas, break-the-glass) plug in here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sammen.access.models import Purpose
from sammen.core.actor import Actor
from sammen.core.errors import Forbidden, NotFound
from sammen.organisation.models import CITIZEN_DATA_ROLES, Role

# Roles that may create or change a citizen's master data (registry, relatives, consents).
CITIZEN_WRITE_ROLES = frozenset(
    {Role.ASSESSOR, Role.NURSE, Role.SOSU_ASSISTANT, Role.THERAPIST, Role.LEADER}
)


def citizen_data_allowed(actor: Actor) -> bool:
    return actor.role in CITIZEN_DATA_ROLES


def citizens_visible(*, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Narrow a citizen queryset to what the actor may see (never another municipality)."""
    if not citizen_data_allowed(actor):
        return queryset.none()
    return queryset.filter(municipality=actor.municipality)


def citizen_require(*, actor: Actor, citizen: Any, action: str = "view") -> str:
    """Raise NotFound (foreign) or Forbidden; return the purpose to log."""
    if citizen.municipality_id != actor.municipality.pk:
        raise NotFound()
    if not citizen_data_allowed(actor):
        raise Forbidden("Din rolle giver ikke adgang til oplysninger om navngivne borgere.")
    if action != "view" and actor.role not in CITIZEN_WRITE_ROLES:
        raise Forbidden("Din rolle kan ikke ændre borgerens stamoplysninger.")
    return str(Purpose.CARE_RELATION)


def citizen_search_allowed(*, actor: Actor) -> None:
    if not citizen_data_allowed(actor):
        raise Forbidden("Din rolle giver ikke adgang til at søge efter borgere.")


def citizen_write_require(*, actor: Actor) -> None:
    """May the actor create citizens / change master data at all?"""
    if actor.role not in CITIZEN_WRITE_ROLES:
        raise Forbidden("Din rolle kan ikke oprette eller ændre borgeres stamoplysninger.")
