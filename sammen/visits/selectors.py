"""Reads of the home-care day: the day list (kørliste) of the logged-in staff member, a team's
day for the leader (assignment and deviations), and the provider hook of the care relation.

Every list goes through `visible_to` + `record_many` in its transaction (one log statement for
everyone shown); the number of queries does not grow with the number of visits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from sammen.access import gate
from sammen.access.lists import record_many
from sammen.access.models import Purpose
from sammen.care_plans.models import Service
from sammen.care_plans.selectors import VS_FFB_YDELSER, VS_INDSATSER, display
from sammen.core import presenters
from sammen.core.actor import Actor
from sammen.core.errors import Forbidden, NotFound
from sammen.journal.models import Entry, EntryStatus
from sammen.organisation.models import OrgUnit, StaffMember
from sammen.organisation.permissions import Permission, has_permission
from sammen.visits.models import (
    Delivery,
    DeliveryOutcome,
    PracticalInfo,
    Visit,
    VisitService,
    VisitStatus,
)
from sammen.visits.reasons import BY_KEY

LIST_LIMIT = 60
SINCE_FALLBACK_DAYS = 7
SINCE_SHOWN = 3


def access_after_hours() -> int:
    return int(getattr(settings, "SAMMEN_VISIT_ACCESS_AFTER_HOURS", 4))


# --- Point 4: the care relation of today's visits ---------------------------------------------


def visit_citizens(actor: Actor) -> QuerySet[Any]:
    """Citizens the actor visits today: from the start of the day until
    SAMMEN_VISIT_ACCESS_AFTER_HOURS after the visit's window ends (not cancelled)."""
    now = timezone.now()
    return (
        Visit.objects.filter(
            municipality=actor.municipality,
            day=timezone.localdate(),
            window_end__gte=now - dt.timedelta(hours=access_after_hours()),
        )
        .filter(Q(assigned_to=actor.staff.pk) | Q(second_assigned_to=actor.staff.pk))
        .exclude(status=VisitStatus.CANCELLED)
        .values("citizen_id")
    )


# --- The day list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Since:
    """What happened since the actor's previous visit to the citizen."""

    since: dt.datetime
    first_visit: bool
    entries: list[str] = field(default_factory=list)
    entries_total: int = 0
    notes: list[str] = field(default_factory=list)
    plan_changes: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.entries_total + len(self.notes) + len(self.plan_changes)

    @property
    def empty(self) -> bool:
        return not self.count


@dataclass(frozen=True)
class VisitRow:
    visit: Visit
    services: list[VisitService]
    practical: str
    maps_url: str
    since: Since
    delivery: Delivery | None
    colleague: str

    @property
    def address(self) -> str:
        c = self.visit.citizen
        line = " ".join(p for p in (c.street, c.house_number) if p)
        if c.floor_door:
            line += f", {c.floor_door}"
        return ", ".join(p for p in (line, f"{c.postcode} {c.city}".strip()) if p)


@dataclass(frozen=True)
class DayList:
    day: dt.date
    rows: list[VisitRow]

    @property
    def open_count(self) -> int:
        return sum(1 for r in self.rows if r.visit.status == VisitStatus.PLANNED)


def maps_url(citizen: Any) -> str:
    """A link the phone opens in its maps app (geo: is not opened by every browser; the
    universal maps URL is)."""
    if citizen.latitude is not None and citizen.longitude is not None:
        q = f"{citizen.latitude},{citizen.longitude}"
    else:
        q = f"{citizen.street} {citizen.house_number}, {citizen.postcode} {citizen.city}"
    return "https://www.google.com/maps/search/?api=1&query=" + quote_plus(q)


def _visits(actor: Actor) -> QuerySet[Visit]:
    return Visit.objects.visible_to(actor, purpose=Purpose.CARE_RELATION)


def _rows(actor: Actor, visits: list[Visit], *, with_since: bool) -> list[VisitRow]:
    ids = list({v.citizen_id for v in visits})
    practical = dict(
        PracticalInfo.objects.filter(citizen_id__in=ids).values_list("citizen_id", "text")
    )
    since_of = _since(actor, visits) if with_since else {}
    rows = []
    for v in visits:
        d = getattr(v, "delivery", None) if v.is_done else None
        rows.append(
            VisitRow(
                visit=v,
                services=list(v.services.all()),
                practical=practical.get(v.citizen_id, ""),
                maps_url=maps_url(v.citizen),
                since=since_of.get(v.pk) or Since(since=v.window_start, first_visit=True),
                delivery=d,
                colleague=_colleague(actor, v),
            )
        )
    return rows


def _colleague(actor: Actor, v: Visit) -> str:
    if not v.double_staffing:
        return ""
    if hasattr(v, "_colleague"):
        other = v._colleague
    else:
        other = v.second_assigned_to if v.assigned_to_id == actor.staff.pk else v.assigned_to
    if other is None or other.pk == actor.staff.pk:
        return ""
    return f"{other.first_name} {other.last_name}"


def _since(actor: Actor, visits: list[Visit]) -> dict[uuid.UUID, Since]:
    """Journal entries, colleagues' delivery notes and plan changes since the actor's previous
    delivered visit to each citizen (or the last week on a first visit) — in a fixed number of
    queries for the whole list."""
    if not visits:
        return {}
    ids = list({v.citizen_id for v in visits})
    today_start = min(v.window_start for v in visits)
    last = dict(
        Delivery.objects.filter(
            municipality=actor.municipality,
            staff=actor.staff,
            citizen_id__in=ids,
            started_at__lt=today_start,
        )
        .values("citizen_id")
        .annotate(at=Max("started_at"))
        .values_list("citizen_id", "at")
    )
    fallback = timezone.now() - dt.timedelta(days=SINCE_FALLBACK_DAYS)
    since = {cid: last.get(cid, fallback) for cid in ids}
    earliest = min(since.values())
    entries: dict[uuid.UUID, list[Entry]] = defaultdict(list)
    for e in (
        Entry.objects.visible_to(actor, purpose=Purpose.CARE_RELATION)
        .filter(citizen_id__in=ids, written_at__gt=earliest, status=EntryStatus.VALID)
        .select_related("template", "author")
        .only(
            "citizen_id",
            "written_at",
            "template__title",
            "author__first_name",
            "author__last_name",
        )
        .order_by("-written_at")[:500]
    ):
        if e.written_at > since[e.citizen_id]:
            entries[e.citizen_id].append(e)
    notes: dict[uuid.UUID, list[str]] = defaultdict(list)
    for d in (
        Delivery.objects.visible_to(actor, purpose=Purpose.CARE_RELATION)
        .filter(citizen_id__in=ids, started_at__gt=earliest)
        .exclude(staff=actor.staff)
        .select_related("staff")
        .order_by("-started_at")[:300]
    ):
        if d.started_at > since[d.citizen_id] and (
            d.note or d.outcome != DeliveryOutcome.DELIVERED
        ):
            what = d.note or str(BY_KEY[d.reason_code].text if d.reason_code in BY_KEY else "")
            when = presenters.short_datetime_text(d.started_at)
            notes[d.citizen_id].append(
                f"{when} {d.staff.first_name}: {d.get_outcome_display()}. {what}".strip()
            )
    changes: dict[uuid.UUID, list[str]] = defaultdict(list)
    for s in (
        Service.objects.visible_to(actor, purpose=Purpose.CARE_RELATION)
        .filter(citizen_id__in=ids, updated_at__gt=earliest)
        .only("citizen_id", "code", "status", "created_at", "updated_at", "granted_to")
        .order_by("-updated_at")[:300]
    ):
        if s.updated_at > since[s.citizen_id]:
            title = display(s.code, VS_INDSATSER, VS_FFB_YDELSER)
            new = s.created_at > since[s.citizen_id]
            changes[s.citizen_id].append(
                f"{'Ny' if new else 'Ændret'}: {title} ({s.get_status_display().lower()})"
            )
    # Only citizens of the list itself, whose reading the list's record_many already logs.
    result = {}
    for v in visits:
        cid = v.citizen_id
        es = entries.get(cid, [])
        result[v.pk] = Since(
            since=since[cid],
            first_visit=cid not in last,
            entries=[
                f"{timezone.localtime(e.written_at):%d.%m %H:%M} {e.template.title}"
                f" ({e.author.first_name})"
                for e in es[:SINCE_SHOWN]
            ],
            entries_total=len(es),
            notes=notes.get(cid, [])[:SINCE_SHOWN],
            plan_changes=changes.get(cid, [])[:SINCE_SHOWN],
        )
    return result


def _with_parts(rows: QuerySet[Visit], *, staff: bool = True) -> QuerySet[Visit]:
    related = ["citizen", "delivery"] + (["assigned_to", "second_assigned_to"] if staff else [])
    return rows.select_related(*related).prefetch_related(
        Prefetch("services", queryset=VisitService.objects.order_by("slot"))
    )


@transaction.atomic
def day_list(*, actor: Actor, day: dt.date | None = None) -> DayList:
    """The logged-in staff member's visits of the day, in route order, with what to do and
    what happened since their last visit."""
    day = day or timezone.localdate()
    rows = (
        _visits(actor)
        .filter(day=day)
        .filter(Q(assigned_to=actor.staff.pk) | Q(second_assigned_to=actor.staff.pk))
        .order_by("sequence", "window_start")
    )
    visits = list(_with_parts(rows, staff=False)[:LIST_LIMIT])
    record_many(actor=actor, rows=visits, object_type="visit")
    # The colleague's name on double-staffed visits (one query, only when there are any).
    pairs = {
        v.second_assigned_to_id if v.assigned_to_id == actor.staff.pk else v.assigned_to_id
        for v in visits
        if v.double_staffing
    } - {None, actor.staff.pk}
    names = {s.pk: s for s in StaffMember.objects.filter(pk__in=pairs)} if pairs else {}
    for v in visits:
        if v.double_staffing:
            other = (
                v.second_assigned_to_id if v.assigned_to_id == actor.staff.pk else v.assigned_to_id
            )
            v._colleague = names.get(other) if other else None  # type: ignore[attr-defined]
    return DayList(day=day, rows=_rows(actor, visits, with_since=True))


# --- The team's day (leader) ------------------------------------------------------------------


@dataclass(frozen=True)
class TeamDay:
    day: dt.date
    unit: OrgUnit
    units: list[OrgUnit]
    rows: list[VisitRow]
    staff: list[StaffMember]
    deviations: list[Delivery]

    @property
    def unassigned(self) -> int:
        return sum(
            1
            for r in self.rows
            if r.visit.assigned_to_id is None and r.visit.status == VisitStatus.PLANNED
        )


def planner_units(actor: Actor) -> list[OrgUnit]:
    """The teams a leader plans: their unit and the units below it."""
    units = list(OrgUnit.objects.for_municipality(actor.municipality).order_by("name"))
    children: dict[Any, list[OrgUnit]] = defaultdict(list)
    for u in units:
        children[u.parent_id].append(u)
    found: list[OrgUnit] = []
    stack = [actor.unit]
    while stack:
        u = stack.pop()
        found.append(u)
        stack.extend(children.get(u.pk, []))
    return sorted(found, key=lambda u: u.name)


@transaction.atomic
def team_day(*, actor: Actor, unit_id: Any = None, day: dt.date | None = None) -> TeamDay:
    """A team's visits of the day for its planner (assignment), with the deviations (not or
    partly delivered) of the last week."""
    day = day or timezone.localdate()
    units = planner_units(actor)
    unit = next((u for u in units if str(u.pk) == str(unit_id)), None)
    if unit is None:
        with_visits = set(
            Visit.objects.filter(unit_id__in=[u.pk for u in units], day=day).values_list(
                "unit_id", flat=True
            )[:50]
        )
        unit = next((u for u in units if u.pk in with_visits), actor.unit)
    rows = _visits(actor).filter(unit=unit, day=day).order_by("window_start", "sequence")
    visits = list(_with_parts(rows)[: LIST_LIMIT * 4])
    record_many(actor=actor, rows=visits, object_type="visit")
    week = timezone.now() - dt.timedelta(days=7)
    deviations = list(
        Delivery.objects.visible_to(actor, purpose=Purpose.CARE_RELATION)
        .filter(unit=unit, started_at__gte=week)
        .exclude(outcome=DeliveryOutcome.DELIVERED)
        .select_related("citizen", "staff")
        .order_by("-started_at")[:LIST_LIMIT]
    )
    record_many(actor=actor, rows=deviations, object_type="visit_deviation")
    staff = list(
        StaffMember.objects.for_municipality(actor.municipality)
        .filter(memberships__unit=unit)
        .distinct()
        .order_by("first_name", "last_name")
    )
    return TeamDay(
        day=day,
        unit=unit,
        units=units,
        rows=_rows(actor, visits, with_since=False),
        staff=staff,
        deviations=deviations,
    )


def may_plan(actor: Actor) -> bool:
    return has_permission(actor, Permission.VISIT_PLAN)


def visit_check(*, actor: Actor, visit_id: Any) -> None:
    """404 for a visit of another municipality (or none), 403 for another team's visit the
    actor is not assigned to — before a form is even read."""
    try:
        pk = uuid.UUID(str(visit_id))
    except ValueError:
        raise NotFound() from None
    row = (
        Visit.objects.for_municipality(actor.municipality)
        .filter(pk=pk)
        .values("unit_id", "assigned_to_id", "second_assigned_to_id")
        .first()
    )
    if row is None:
        raise NotFound()
    if row["unit_id"] != actor.unit.pk and actor.staff.pk not in (
        row["assigned_to_id"],
        row["second_assigned_to_id"],
    ):
        raise Forbidden("Besøget hører til et andet team.")


def absence_citizen(*, actor: Actor, citizen_id: Any) -> Any:
    """The citizen an absence is registered for (name in the heading), through the gate:
    another municipality's or a missing id is 404, a citizen outside reach 403 with
    break-the-glass, like every citizen route."""
    return gate.citizen_open(actor=actor, citizen_id=citizen_id, object_type="visit").citizen
