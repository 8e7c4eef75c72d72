"""Reads for the organisation. Every read is scoped to the actor's municipality."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from sammen.core.actor import Actor
from sammen.core.errors import NotFound
from sammen.core.ids import parse_uuid
from sammen.organisation.models import Membership, MembershipRequest, OrgUnit, Role, StaffMember
from sammen.organisation.permissions import (
    MFA_PERMISSIONS,
    Permission,
    permission_table,
    permissions_for,
)


@dataclass(frozen=True)
class ActorContext:
    """What the request needs to know about a logged-in user, from one query."""

    mfa_required: bool
    actor: Actor | None
    memberships: list[Membership]


def actor_context(
    *,
    user: Any,
    membership_id: str | None,
    request_id: str = "",
    client_ip: str = "",
    mfa_setting: bool = True,
) -> ActorContext:
    """Staff member, municipality, every membership and its unit in one query: whether the
    login needs a second factor (as `services.mfa_required_for`), the actor (the session's
    chosen membership, else the first in an active unit) and the role switch's list. Nothing
    is cached: a membership removed is gone on the next request."""
    memberships = list(
        Membership.objects.filter(staff__user=user, staff__is_active=True)
        .select_related("staff", "staff__municipality", "unit")
        .order_by("pk")
    )
    mfa_required = mfa_setting and (
        bool(getattr(user, "is_superuser", False))
        or any(permissions_for(m.role) & MFA_PERMISSIONS for m in memberships)
    )
    usable = [m for m in memberships if m.unit.is_active]
    chosen = None
    if membership_id:
        try:
            wanted = parse_uuid(membership_id)
        except NotFound:
            wanted = None
        chosen = next((m for m in usable if m.pk == wanted), None)
    if chosen is None and usable:
        chosen = usable[0]
    actor = None
    if chosen is not None:
        staff = chosen.staff
        actor = Actor(
            staff=staff,
            municipality=staff.municipality,
            membership=chosen,
            role=chosen.role,
            unit=chosen.unit,
            request_id=request_id,
            client_ip=client_ip,
            permissions=permissions_for(chosen.role),
        )
    return ActorContext(mfa_required=mfa_required, actor=actor, memberships=memberships)


def actor_for_user(
    *, user: Any, membership_id: str | None, request_id: str = "", client_ip: str = ""
) -> Actor | None:
    """Build the actor from the user's staff record and the session's chosen membership."""
    return actor_context(
        user=user, membership_id=membership_id, request_id=request_id, client_ip=client_ip
    ).actor


def unit_list(*, actor: Actor) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.for_municipality(actor.municipality).select_related("parent")


def unit_tree(*, actor: Actor) -> list[tuple[OrgUnit, int]]:
    """Units in tree order with their depth, for indented lists."""
    units = list(unit_list(actor=actor))
    children: dict[Any, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[OrgUnit, int]] = []

    def walk(parent_id: Any, depth: int) -> None:
        for unit in sorted(children.get(parent_id, []), key=lambda u: u.name):
            ordered.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


def unit_get(*, actor: Actor, unit_id: Any) -> OrgUnit:
    unit = unit_list(actor=actor).filter(pk=parse_uuid(unit_id)).first()
    if unit is None:
        raise NotFound()
    return unit


def staff_list(*, actor: Actor) -> QuerySet[StaffMember]:
    return StaffMember.objects.for_municipality(actor.municipality).select_related("user")


def staff_get(*, actor: Actor, staff_id: Any) -> StaffMember:
    staff = staff_list(actor=actor).filter(pk=parse_uuid(staff_id)).first()
    if staff is None:
        raise NotFound()
    return staff


def membership_list(*, staff: StaffMember) -> QuerySet[Membership]:
    return Membership.objects.filter(staff=staff).select_related("unit")


def membership_get(*, actor: Actor, membership_id: Any) -> Membership:
    membership = (
        Membership.objects.for_municipality(actor.municipality)
        .select_related("staff", "unit")
        .filter(pk=parse_uuid(membership_id))
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


def membership_request_list(
    *, actor: Actor, staff: StaffMember | None = None
) -> QuerySet[MembershipRequest]:
    """Roles waiting for a second administrator (for one staff member, or all)."""
    rows = MembershipRequest.objects.for_municipality(actor.municipality).filter(
        decided_at__isnull=True
    )
    if staff is not None:
        rows = rows.filter(staff=staff)
    return rows.select_related("staff", "unit", "requested_by").order_by("created_at")


def membership_request_get(*, actor: Actor, request_id: Any) -> MembershipRequest:
    found = membership_request_list(actor=actor).filter(pk=parse_uuid(request_id)).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class PermissionTable:
    """Who can do what: the role → permission table, for the administration page."""

    roles: list[str]
    rows: list[tuple[str, list[bool]]]


def permission_table_get() -> PermissionTable:
    return PermissionTable(
        roles=[str(r.label) for r in Role],
        rows=[(str(Permission(p).label), held) for p, held in permission_table()],
    )
