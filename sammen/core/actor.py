"""The acting person, passed explicitly to every service and selector."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sammen.organisation.models import Membership, Municipality, OrgUnit, StaffMember


@dataclass(frozen=True, slots=True)
class Actor:
    """A staff member acting in one role in one unit of one municipality."""

    staff: StaffMember
    municipality: Municipality
    membership: Membership
    role: str
    unit: OrgUnit
    # Request context for the access log; empty outside a request (commands, tasks).
    request_id: str = ""
    client_ip: str = ""
    # What the role may do, from organisation.permissions when the actor is built; empty
    # means nothing (deny by default).
    permissions: frozenset[str] = frozenset()

    @property
    def municipality_id(self) -> object:
        return self.municipality.pk

    def has_permission(self, permission: str) -> bool:
        return permission in self.permissions
