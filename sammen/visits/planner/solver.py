"""The solver: a `PlanRequest` → a `Plan`, on PyVRP (vehicle routing with time windows).

How the rules map onto PyVRP (details in README.md):

- Each shift is a vehicle type of its own (one vehicle), with its own start and end depot and its
  own routing profile: the profile's duration matrix is the travel time for the shift's travel
  mode; its distance matrix is the *cost*: travel minutes plus the soft-rule costs of arriving at
  a visit (continuity, weekly maximum of staff, re-plan moves), so the solver minimises
  driving + visible penalties.
- Hard rules a staff member may not break (a skill missing, a lock to someone else, another
  shift's break) make every arc into that visit cost `FORBIDDEN` minutes of travel in that
  shift's profile: any route using it is late (time warp), i.e. infeasible, and PyVRP returns
  feasible solutions only.
- Every visit and break is an optional client with a prize far above any route cost, so the
  solver leaves a visit out only when it cannot be placed; breaks carry ten times a visit's
  prize. The route starts at the shift's start (`start_late`); it must be back by the shift's end
  (plus allowed overtime, at a cost per minute).
- A double-staffed visit is two clients ("halves") with the same window. Phase 1 solves with the
  windows; phase 2 pins both halves to one start (the later of the two starts found, or the
  window's start) and solves again from the phase-1 routes: a pinned start is a hard time window,
  so the two staff start together, and one staff member cannot take both halves. A double visit
  left with one half is taken out and the rest solved again (phase 3), so it is never half done.
- The solver never runs unbounded: `seconds` is always set (and `patience`, iterations without
  improvement, ends it earlier on a small day).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from pyvrp import Client, Depot, Location, ProblemData, Solution, VehicleType, solve
from pyvrp import Route as PyvrpRoute
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxRuntime, MultipleCriteria, NoImprovement

from .model import (
    Lock,
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
    travel_minutes,
)
from .travel import Point, StraightLineMatrix, TravelMatrix, TravelMode

MARGIN = 0.5  # seconds kept for the work after the search
FORBIDDEN = 1_000_000  # minutes: a route that uses such an arc is late beyond any window
VISIT_PRIZE = 100_000
BREAK_PRIZE = 10 * VISIT_PRIZE
LOCKED_PRIZE = 100 * VISIT_PRIZE


@dataclass(frozen=True)
class _Node:
    """A client for PyVRP: a break of a shift, or (a half of) a visit."""

    kind: StopKind
    point: Point
    duration: int
    early: Minute  # earliest start
    late: Minute  # latest start
    prize: int
    visit: Visit | None = None
    half: int = 0
    shift_index: int | None = None  # for a break: whose
    break_index: int | None = None


class TravelTable:
    """Whole-minute travel times between the request's places, per travel mode."""

    def __init__(self, provider: TravelMatrix, points: Sequence[Point], modes: set[TravelMode]):
        self.index = {p: i for i, p in enumerate(dict.fromkeys(points))}
        unique = list(self.index)
        self.minutes: dict[TravelMode, NDArray[np.int64]] = {}
        for mode in modes:
            secs = provider.matrix(unique, mode).seconds
            self.minutes[mode] = np.array(
                [[travel_minutes(s) for s in row] for row in secs], dtype=np.int64
            ).reshape(len(unique), len(unique))

    def get(self, a: Point, b: Point, mode: TravelMode) -> int:
        return int(self.minutes[mode][self.index[a], self.index[b]])


def screen(request: PlanRequest) -> tuple[list[Visit], list[Unplaced]]:
    """Visits the solver may try, and those no plan can hold (with why)."""
    on_shift = {s.staff_id for s in request.shifts}
    locks = {lock.visit_id: lock for lock in request.locks}
    ok: list[Visit] = []
    out: list[Unplaced] = []
    for v in request.visits:
        lock = locks.get(v.visit_id)
        qualified = [s for s in request.shifts if v.skills <= s.skills]
        if not request.shifts:
            out.append(Unplaced(v.visit_id, Reason.NO_STAFF))
        elif v.place is None:
            out.append(Unplaced(v.visit_id, Reason.NO_PLACE))
        elif v.fixed_start is None and v.window_end - v.window_start < v.duration:
            out.append(Unplaced(v.visit_id, Reason.WINDOW_TOO_SHORT))
        elif lock is not None and not set(lock.staff_ids) <= on_shift:
            out.append(Unplaced(v.visit_id, Reason.LOCKED_STAFF_ABSENT))
        elif not qualified and lock is None:
            missing = ", ".join(sorted(v.skills))
            out.append(Unplaced(v.visit_id, Reason.SKILL_MISSING, f"({missing})"))
        elif v.staff_count >= 2 and len(qualified) < 2 and lock is None:
            out.append(Unplaced(v.visit_id, Reason.TOO_FEW_STAFF))
        elif lock is None and request.not_before is not None and v.starts[1] < request.not_before:
            out.append(Unplaced(v.visit_id, Reason.TOO_LATE))
        else:
            ok.append(v)
    return ok, out


def _nodes(request: PlanRequest, visits: list[Visit], pins: dict[str, Minute]) -> list[_Node]:
    locks = {lock.visit_id: lock for lock in request.locks}
    nodes: list[_Node] = []
    for k, shift in enumerate(request.shifts):
        for b, brk in enumerate(shift.breaks):
            nodes.append(
                _Node(
                    kind=StopKind.BREAK,
                    point=brk.place or shift.start_place,
                    duration=brk.minutes,
                    early=brk.earliest,
                    late=brk.latest,
                    prize=BREAK_PRIZE,
                    shift_index=k,
                    break_index=b,
                )
            )
    for v in visits:
        assert v.place is not None
        lock = locks.get(v.visit_id)
        early, late = v.starts
        prize = VISIT_PRIZE
        if lock is not None:
            prize = LOCKED_PRIZE
            if lock.start is not None:
                early = late = lock.start
        elif request.not_before is not None:
            early = max(early, request.not_before)
        if v.visit_id in pins:
            early = late = pins[v.visit_id]
        for half in range(min(v.staff_count, 2)):
            nodes.append(
                _Node(
                    kind=StopKind.VISIT,
                    point=v.place,
                    duration=v.duration,
                    early=early,
                    late=late,
                    prize=prize,
                    visit=v,
                    half=half,
                )
            )
    return nodes


def _allowed(request: PlanRequest, k: int, node: _Node, locks: dict[str, Lock]) -> bool:
    shift = request.shifts[k]
    if node.kind is StopKind.BREAK:
        return node.shift_index == k
    assert node.visit is not None
    lock = locks.get(node.visit.visit_id)
    if lock is not None:
        wanted = lock.staff_ids[node.half] if node.half < len(lock.staff_ids) else None
        if node.visit.staff_count >= 2 and len(lock.staff_ids) >= 2:
            return shift.staff_id == wanted
        return shift.staff_id in lock.staff_ids
    return node.visit.skills <= shift.skills


def _penalty(
    request: PlanRequest,
    shift: Shift,
    visit: Visit,
    previous: dict[str, tuple[str, ...]],
    weeks: dict[str, tuple[frozenset[str], int]],
) -> int:
    costs = request.costs
    cost = 0
    if visit.preferred_staff or visit.recent_staff:
        if shift.staff_id in visit.preferred_staff:
            pass
        elif shift.staff_id in visit.recent_staff:
            cost += costs.recent_only
        else:
            cost += costs.continuity
    week = weeks.get(visit.citizen_id)
    if week is not None and shift.staff_id not in week[0] and len(week[0]) >= week[1]:
        cost += costs.weekly_max
    before = previous.get(visit.visit_id)
    if before is not None and shift.staff_id not in before:
        cost += costs.moved
    return cost


class _Problem:
    def __init__(
        self,
        request: PlanRequest,
        nodes: list[_Node],
        table: TravelTable,
        previous: dict[str, tuple[str, ...]],
        breaks_required: bool = True,
    ):
        self.request = request
        self.breaks_required = breaks_required
        self.nodes = nodes
        self.table = table
        self.previous = previous
        shifts = request.shifts
        weeks = {w.citizen_id: (w.staff_this_week, w.max_staff) for w in request.weeks}
        locks = {lock.visit_id: lock for lock in request.locks}
        # Locations: for each shift its start and end place (depots), then one per client.
        depot_points = [p for s in shifts for p in (s.start_place, s.end_place)]
        points = depot_points + [n.point for n in nodes]
        idx = np.array([table.index[p] for p in points], dtype=np.int64)
        n_dep = len(depot_points)
        durations, distances = [], []
        for k, shift in enumerate(shifts):
            base = table.minutes[shift.mode][np.ix_(idx, idx)].copy()
            extra = np.zeros(len(points), dtype=np.int64)
            for c, node in enumerate(nodes):
                col = n_dep + c
                if not _allowed(request, k, node, locks):
                    base[:, col] = FORBIDDEN
                    extra[col] = 0
                elif node.visit is not None:
                    extra[col] = _penalty(request, shift, node.visit, previous, weeks)
            np.fill_diagonal(base, 0)
            durations.append(base)
            cost = base + extra[None, :]
            np.fill_diagonal(cost, 0)
            distances.append(cost)
        depots = [Depot(location=i) for i in range(n_dep)]
        # One load dimension per double-staffed visit, each half carrying 1 and every staff
        # member room for 1: the two halves are never on one route.
        dims = {
            vid: d
            for d, vid in enumerate(
                dict.fromkeys(
                    n.visit.visit_id for n in nodes if n.visit and n.visit.staff_count > 1
                )
            )
        }

        def load(node: _Node) -> list[int]:
            out = [0] * len(dims)
            if node.visit is not None and node.visit.visit_id in dims:
                out[dims[node.visit.visit_id]] = 1
            return out

        clients = [
            Client(
                location=n_dep + c,
                delivery=load(node),
                service_duration=node.duration,
                tw_early=node.early,
                tw_late=node.late,
                prize=node.prize,
                required=breaks_required and node.kind is StopKind.BREAK,
            )
            for c, node in enumerate(nodes)
        ]
        vehicle_types = [
            VehicleType(
                num_available=1,
                capacity=[1] * len(dims),
                start_depot=2 * k,
                end_depot=2 * k + 1,
                tw_early=s.start,
                start_late=s.start,
                tw_late=s.end + s.max_overtime,
                shift_duration=s.end - s.start,
                max_overtime=s.max_overtime,
                unit_overtime_cost=request.costs.overtime_per_minute,
                profile=k,
                name=s.staff_id,
            )
            for k, s in enumerate(shifts)
        ]
        self.data = ProblemData(
            locations=[Location(p.lon, p.lat) for p in points],
            clients=clients,
            depots=depots,
            vehicle_types=vehicle_types,
            distance_matrices=cast(list[Any], distances),
            duration_matrices=cast(list[Any], durations),
        )

    def solve(
        self, seconds: float, patience: int, seed: int, initial: list[list[int]] | None
    ) -> list[list[int]] | None:
        """Client indices per shift (empty list: no route); None when no feasible plan was
        found (only possible with required breaks)."""
        stop = MultipleCriteria([MaxRuntime(max(0.05, seconds)), NoImprovement(patience)])
        if initial is None:
            # Start from the breaks alone: feasible whenever the breaks can be held at all, so
            # the search never ends without a feasible plan.
            initial = [[] for _ in self.request.shifts]
            for c, node in sorted(enumerate(self.nodes), key=lambda cn: cn[1].early):
                if node.kind is StopKind.BREAK and node.shift_index is not None:
                    initial[node.shift_index].append(c)
        start_from = Solution(self.data, [self._route(k, r) for k, r in enumerate(initial) if r])
        with warnings.catch_warnings():
            # PyVRP warns when its penalty for lateness reaches the cap: expected here, since a
            # forbidden arc is a million minutes late; infeasibility is handled by the caller.
            warnings.simplefilter("ignore", PenaltyBoundWarning)
            result = solve(
                self.data,
                stop=stop,
                seed=seed,
                collect_stats=False,
                display=False,
                initial_solution=start_from,
            )
        routes: list[list[int]] = [[] for _ in self.request.shifts]
        best = result.best
        if not best.is_feasible():
            return None
        for route in best.routes():
            routes[route.vehicle_type()] = [a.idx for a in route if a.is_client()]
        return routes

    def _route(self, k: int, clients: list[int]) -> PyvrpRoute:
        return PyvrpRoute(self.data, clients, k)

    def solve_or_relax(
        self, seconds: float, patience: int, seed: int, initial: list[list[int]] | None
    ) -> tuple[_Problem, list[list[int]]]:
        """Solve; when the breaks cannot all be held (e.g. locked visits fill a break's window),
        solve again with breaks optional — the checker then names the missing break."""
        started = time.perf_counter()
        routes = self.solve(seconds, patience, seed, initial)
        if routes is not None:
            return self, routes
        relaxed = _Problem(self.request, self.nodes, self.table, self.previous, False)
        left = max(0.05, seconds - (time.perf_counter() - started))
        routes = relaxed.solve(left, patience, seed, initial)
        return relaxed, routes or [[] for _ in self.request.shifts]


def _by_visit(nodes: list[_Node], routes: list[list[int]]) -> dict[str, list[tuple[int, int]]]:
    """visit id → [(shift index, client index)] for every placed half."""
    placed: dict[str, list[tuple[int, int]]] = {}
    for k, route in enumerate(routes):
        for c in route:
            node = nodes[c]
            if node.visit is not None:
                placed.setdefault(node.visit.visit_id, []).append((k, c))
    return placed


def _schedule(
    request: PlanRequest, nodes: list[_Node], table: TravelTable, routes: list[list[int]]
) -> tuple[Route, ...]:
    out = []
    for k, shift in enumerate(request.shifts):
        clients = routes[k]
        t = shift.start
        here = shift.start_place
        stops = []
        for c in clients:
            node = nodes[c]
            travel = table.get(here, node.point, shift.mode)
            arrival = t + travel
            start = max(arrival, node.early)
            stops.append(
                Stop(
                    kind=node.kind,
                    visit_id=None if node.visit is None else node.visit.visit_id,
                    start=start,
                    end=start + node.duration,
                    arrival=arrival,
                    travel=travel,
                    break_index=node.break_index,
                )
            )
            t, here = start + node.duration, node.point
        home = table.get(here, shift.end_place, shift.mode)
        out.append(
            Route(
                staff_id=shift.staff_id,
                leave=shift.start,
                back=t + home,
                stops=tuple(stops),
                travel_home=home,
            )
        )
    return tuple(out)


def travel_table(request: PlanRequest, provider: TravelMatrix) -> TravelTable:
    points: list[Point] = []
    for s in request.shifts:
        points += [s.start_place, s.end_place]
        points += [b.place for b in s.breaks if b.place is not None]
    points += [v.place for v in request.visits if v.place is not None]
    return TravelTable(provider, points, {s.mode for s in request.shifts})


def plan(
    request: PlanRequest,
    *,
    matrix: TravelMatrix | None = None,
    seconds: float = 10.0,
    patience: int = 20_000,
    seed: int = 0,
    previous: dict[str, tuple[str, ...]] | None = None,
    start_from: Mapping[str, Sequence[str | int]] | None = None,
) -> Plan:
    """Plan the day within `seconds` of wall time (matrix included).

    `previous` (visit id → staff ids) makes moving a visit cost (re-plan); `start_from` (staff id
    → visit ids and break indices in order, e.g. `sequence.sequences(plan)`) is where the search
    starts: the plan before, for a re-plan, or the leader's manual plan.
    """
    started = time.perf_counter()
    deadline = started + seconds - MARGIN
    visits, unplaced = screen(request)
    if not request.shifts:
        return Plan(routes=(), unplaced=tuple(unplaced), seconds=time.perf_counter() - started)
    table = travel_table(request, matrix or StraightLineMatrix())
    previous = previous or {}
    doubles = [v for v in visits if v.staff_count >= 2]
    pins: dict[str, Minute] = {}
    nodes = _nodes(request, visits, pins)
    problem = _Problem(request, nodes, table, previous)
    share = 0.5 if doubles else 1.0
    initial = None if start_from is None else _initial(request, nodes, start_from)
    budget = max(0.05, deadline - time.perf_counter())
    problem, routes = problem.solve_or_relax(budget * share, patience, seed, initial)
    dropped: list[str] = []
    pins_tried: dict[str, set[Minute]] = {}
    for attempt in range(3):
        if not doubles:
            break
        placed = _by_visit(nodes, routes)
        starts = _starts(request, nodes, table, routes)
        synced = True
        for v in doubles:
            halves = placed.get(v.visit_id, [])
            at = sorted(starts.get(v.visit_id, []))
            on_two = len(halves) == 2 and len({k for k, _ in halves}) == 2
            if on_two and at[0] == at[1]:
                pins.setdefault(v.visit_id, at[0])
                continue
            synced = False
            tried = pins_tried.setdefault(v.visit_id, set())
            if on_two:
                pins[v.visit_id] = at[-1]  # the later start: the earlier staff member waits
            else:
                # Not on two routes (yet): try another minute of the window, then give up.
                early, late = v.starts
                fresh = [t for t in (early, (early + late) // 2, late) if t not in tried]
                if v.visit_id in pins and (not fresh or attempt == 2):
                    dropped.append(v.visit_id)
                    continue
                pins[v.visit_id] = fresh[0] if fresh else early
            tried.add(pins[v.visit_id])
        if synced:
            break
        keep = [v for v in visits if v.visit_id not in dropped]
        old_nodes, nodes = nodes, _nodes(request, keep, pins)
        initial = _remap(old_nodes, nodes, routes)
        problem = _Problem(request, nodes, table, previous)
        left = max(0.05, (deadline - time.perf_counter()) * (0.7 if attempt < 2 else 1.0))
        problem, routes = problem.solve_or_relax(left, patience, seed, initial)
        doubles = [v for v in keep if v.staff_count >= 2]
    placed = _by_visit(nodes, routes)
    # Safety net: a double visit that is still not two staff at one start leaves the plan.
    final_starts = _starts(request, nodes, table, routes)
    for v in doubles:
        halves = placed.get(v.visit_id, [])
        at = final_starts.get(v.visit_id, [])
        if len(halves) == 1 or (
            len(halves) == 2 and (at[0] != at[1] or halves[0][0] == halves[1][0])
        ):
            drop = {c for _, c in halves}
            routes = [[c for c in r if c not in drop] for r in routes]
            dropped.append(v.visit_id)
    placed = _by_visit(nodes, routes)
    for v in visits:
        if v.visit_id not in placed:
            unplaced.append(Unplaced(v.visit_id, Reason.NO_TIME, _why(request, table, v)))
    return Plan(
        routes=_schedule(request, nodes, table, routes),
        unplaced=tuple(unplaced),
        seconds=time.perf_counter() - started,
    )


def _why(request: PlanRequest, table: TravelTable, v: Visit) -> str:
    """A closer reason for a visit the solver could not place."""
    assert v.place is not None
    early, late = v.starts
    if request.not_before is not None:
        early = max(early, request.not_before)
    reachable = 0
    for s in request.shifts:
        if not v.skills <= s.skills:
            continue
        there = s.start + table.get(s.start_place, v.place, s.mode)
        start = max(there, early)
        home = start + v.duration + table.get(v.place, s.end_place, s.mode)
        if start <= late and home <= s.end + s.max_overtime:
            reachable += 1
    if reachable < v.staff_count:
        return "Ingen kvalificeret medarbejder kan nå frem i tide fra vagtens start."
    return "De kvalificerede medarbejdere er optaget i tidsvinduet."


def _initial(
    request: PlanRequest, nodes: list[_Node], orders: Mapping[str, Sequence[str | int]]
) -> list[list[int]]:
    """Orders of visit ids and break indices → client indices per shift."""
    breaks = {(n.shift_index, n.break_index): c for c, n in enumerate(nodes) if n.visit is None}
    halves: dict[str, list[int]] = {}
    for c, n in enumerate(nodes):
        if n.visit is not None:
            halves.setdefault(n.visit.visit_id, []).append(c)
    routes: list[list[int]] = []
    for k, shift in enumerate(request.shifts):
        route: list[int] = []
        for item in orders.get(shift.staff_id, ()):
            if isinstance(item, int):
                if (k, item) in breaks:
                    route.append(breaks[(k, item)])
            elif halves.get(item):
                route.append(halves[item].pop(0))
        routes.append(route)
    return routes


def _starts(
    request: PlanRequest, nodes: list[_Node], table: TravelTable, routes: list[list[int]]
) -> dict[str, list[Minute]]:
    out: dict[str, list[Minute]] = {}
    for route in _schedule(request, nodes, table, routes):
        for stop in route.stops:
            if stop.visit_id is not None:
                out.setdefault(stop.visit_id, []).append(stop.start)
    return out


def _remap(old: list[_Node], new: list[_Node], routes: list[list[int]]) -> list[list[int]]:
    """The same routes in the new node numbering (nodes of dropped visits left out)."""
    key = {
        (n.kind, n.visit.visit_id if n.visit else None, n.half, n.shift_index, n.break_index): i
        for i, n in enumerate(new)
    }
    out = []
    for route in routes:
        mapped = []
        for c in route:
            n = old[c]
            k = (
                n.kind,
                n.visit.visit_id if n.visit else None,
                n.half,
                n.shift_index,
                n.break_index,
            )
            if k in key:
                mapped.append(key[k])
        out.append(mapped)
    return out


__all__ = ["TravelTable", "plan", "screen", "travel_table"]
