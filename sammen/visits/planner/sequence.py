"""Times for a plan given as orders of stops — what the planner page needs when a leader drags a
visit to another staff member, and to weigh the current (manual) plan against the solver's.

`timed(request, {"m01": ["v3", 0, "v7"], …})` → a `Plan`: each staff member's stops in that order
(a visit id, or an int for the shift's break with that index), each starting as early as travel,
its time window and — for a double-staffed visit — the other staff member allow. Visits in no
order are listed as not planned. The times it gives are what the checker then judges; it breaks
no rule itself, it only computes (a visit that cannot be reached in its window keeps its late
start, and the checker says so).

`sequences(plan)` gives a plan's orders back; `move(orders, visit_id, to_staff, index)` moves a
visit (both entries of a double-staffed visit are kept apart: only the dragged one moves).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .model import (
    Minute,
    Plan,
    PlanRequest,
    Reason,
    Route,
    Shift,
    Stop,
    StopKind,
    Unplaced,
    Visit,
)
from .solver import TravelTable, travel_table
from .travel import Point, StraightLineMatrix, TravelMatrix

Item = str | int  # a visit id, or the index of one of the shift's breaks
Orders = Mapping[str, Sequence[Item]]


def sequences(plan: Plan) -> dict[str, list[Item]]:
    out: dict[str, list[Item]] = {}
    for route in plan.routes:
        items: list[Item] = []
        for stop in route.stops:
            if stop.kind is StopKind.BREAK and stop.break_index is not None:
                items.append(stop.break_index)
            elif stop.visit_id is not None:
                items.append(stop.visit_id)
        out[route.staff_id] = items
    return out


def move(
    orders: Orders, visit_id: str, from_staff: str, to_staff: str, index: int
) -> dict[str, list[Item]]:
    out = {staff: list(items) for staff, items in orders.items()}
    out[from_staff].remove(visit_id)
    target = out.setdefault(to_staff, [])
    target.insert(max(0, min(index, len(target))), visit_id)
    return out


def timed(request: PlanRequest, orders: Orders, matrix: TravelMatrix | None = None) -> Plan:
    table = travel_table(request, matrix or StraightLineMatrix())
    visits = {v.visit_id: v for v in request.visits}
    shifts = {s.staff_id: s for s in request.shifts}
    # Locked starts, then for double-staffed visits the later arrival of the two.
    forced: dict[str, Minute] = {k.visit_id: k.start for k in request.locks if k.start is not None}
    routes: tuple[Route, ...] = ()
    for _ in range(len(visits) + 2):  # a fixed point: each round can only push starts later
        routes = tuple(
            _route(shifts[s], items, visits, table, forced)
            for s, items in orders.items()
            if s in shifts
        )
        arrivals: dict[str, list[Minute]] = {}
        for route in routes:
            for stop in route.stops:
                if stop.visit_id is not None:
                    arrivals.setdefault(stop.visit_id, []).append(stop.start)
        changed = False
        for vid, starts in arrivals.items():
            if len(starts) > 1 and forced.get(vid) != max(starts) and len(set(starts)) > 1:
                forced[vid] = max(starts)
                changed = True
        if not changed:
            break
    planned = {s.visit_id for r in routes for s in r.stops if s.visit_id is not None}
    unplaced = tuple(
        Unplaced(v.visit_id, Reason.NOT_PLANNED)
        for v in request.visits
        if v.visit_id not in planned
    )
    return Plan(routes=routes, unplaced=unplaced)


def _route(
    shift: Shift,
    items: Sequence[Item],
    visits: dict[str, Visit],
    table: TravelTable,
    forced: dict[str, Minute],
) -> Route:
    t: Minute = shift.start
    here: Point = shift.start_place
    stops: list[Stop] = []
    for item in items:
        if isinstance(item, int):
            brk = shift.breaks[item]
            place, duration, early = brk.place or shift.start_place, brk.minutes, brk.earliest
            kind, vid, bidx = StopKind.BREAK, None, item
        else:
            v = visits[item]
            assert v.place is not None
            place, duration, early = v.place, v.duration, v.starts[0]
            early = max(early, forced.get(item, early))
            kind, vid, bidx = StopKind.VISIT, item, None
        travel = table.get(here, place, shift.mode)
        arrival = t + travel
        start = max(arrival, early)
        stops.append(Stop(kind, vid, start, start + duration, arrival, travel, bidx))
        t, here = start + duration, place
    home = table.get(here, shift.end_place, shift.mode)
    return Route(shift.staff_id, shift.start, t + home, tuple(stops), home)
