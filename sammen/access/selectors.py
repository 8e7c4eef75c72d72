"""Reads for the access module: the leader's review queue and the citizen's own log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sammen.access import gate, services
from sammen.access.log import access_log_record, access_log_record_system
from sammen.access.models import CitizenAccessRecord, Operation, Purpose, ReviewItem
from sammen.access.policy import _unit_subtree_ids
from sammen.citizens.models import Citizen
from sammen.core.actor import Actor
from sammen.core.errors import NotFound
from sammen.core.ids import parse_uuid
from sammen.organisation.models import Membership, StaffMember


def _reviewable(actor: Actor) -> QuerySet[ReviewItem]:
    staff_in_scope = Membership.objects.filter(
        municipality=actor.municipality, unit_id__in=_unit_subtree_ids(actor)
    ).values("staff_id")
    return ReviewItem.objects.for_municipality(actor.municipality).filter(
        staff_id__in=staff_in_scope
    )


@dataclass(frozen=True)
class ReviewQueue:
    open_items: list[ReviewItem]
    recent_reviewed: list[ReviewItem]


@transaction.atomic
def review_queue(*, actor: Actor) -> ReviewQueue:
    """The leader's queue for staff in their units. Scans the last day first (idempotent), and
    logs the citizens the queue names."""
    services.review_require(actor)
    services.access_review_scan(
        municipality_id=actor.municipality.pk, since=timezone.now() - dt.timedelta(days=1)
    )
    base = _reviewable(actor).select_related("staff", "citizen", "grant", "reviewed_by")
    open_items = list(base.filter(reviewed_at__isnull=True).order_by("-occurred_at")[:200])
    reviewed = list(base.filter(reviewed_at__isnull=False).order_by("-reviewed_at")[:50])
    named = {i.citizen_id for i in open_items + reviewed if i.citizen_id}
    if named:
        access_log_record(
            actor=actor,
            citizen_ids=sorted(named, key=str),
            operation=Operation.VIEW,
            purpose=Purpose.ADMINISTRATION,
            object_type="review_queue",
        )
    return ReviewQueue(open_items, reviewed)


def review_item_get(*, actor: Actor, item_id: Any) -> ReviewItem:
    services.review_require(actor)
    item = _reviewable(actor).filter(pk=parse_uuid(item_id)).first()
    if item is None:
        raise NotFound()
    return item


@dataclass(frozen=True)
class CitizenLogLine:
    at: dt.datetime
    unit_name: str
    purpose: str
    operation: str
    break_the_glass: bool
    staff_name: str


@transaction.atomic
def citizen_own_log(
    *, citizen: Any, operation: str = Operation.VIEW, since: dt.datetime | None = None
) -> list[CitizenLogLine]:
    """Every access to the citizen's data (kept two years), newest first. Staff names only
    where the municipality shows them. The citizen's own look is logged too."""
    since = since or timezone.now() - dt.timedelta(days=730)
    records = list(
        CitizenAccessRecord.objects.filter(citizen_id=citizen.pk, at__gte=since).order_by(
            "-at", "-access_seq"
        )
    )
    show_names = citizen.municipality.show_staff_names_to_citizens
    names: dict[Any, str] = {}
    if show_names:
        names = {
            s.pk: s.full_name
            for s in StaffMember.objects.filter(pk__in={r.staff_id for r in records if r.staff_id})
        }
    access_log_record_system(
        municipality_id=citizen.municipality_id,
        citizen_ids=[citizen.pk],
        operation=operation,
        purpose=Purpose.CITIZEN_SELF,
        unit_name="Borgeren selv",
        object_type="citizen_log",
    )
    return [
        CitizenLogLine(
            at=r.at,
            unit_name=r.unit_name,
            purpose=str(Purpose(r.purpose).label),
            operation=str(Operation(r.operation).label),
            break_the_glass=r.break_the_glass,
            staff_name=names.get(r.staff_id, "") if show_names else "",
        )
        for r in records
    ]


def grant_target_get(*, actor: Actor, citizen_id: Any) -> Any:
    """The id of the citizen a break-the-glass form is for: 404 (logged) for a missing or
    foreign id. Only existence is checked; nothing about the citizen is read or shown."""

    try:
        pk = parse_uuid(citizen_id)
    except NotFound:
        raise gate.unknown_id_logged(
            actor=actor, object_id=citizen_id, object_type="grant"
        ) from None
    found = (
        Citizen.objects.for_municipality(actor.municipality)
        .filter(pk=pk)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise gate.unknown_id_logged(actor=actor, object_id=pk, object_type="grant")
    return found
