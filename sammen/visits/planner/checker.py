"""An independent checker: does a `Plan` keep every hard rule of its `PlanRequest`?

It shares nothing with the solver but the input types and the rounding of travel time
(`model.travel_minutes`): it asks the travel-matrix provider itself, recomputes every route's
times from the stops' starts, and does not trust the plan's own `arrival`/`travel` figures. It
also reports the soft rules (continuity, waiting, overtime, driving, staff per citizen per week).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from .model import Lock, Plan, PlanRequest, Route, Shift, StopKind, Visit, travel_minutes
from .travel import Point, StraightLineMatrix, TravelMatrix, TravelMode


class Rule(StrEnum):
    """A hard rule a plan can break."""

    UNKNOWN_STAFF = "unknown_staff"  # a route for someone without a shift (or two routes)
    UNKNOWN_VISIT = "unknown_visit"  # a stop for a visit the request does not have
    ACCOUNTED = "accounted"  # a visit neither planned nor listed as unplaced, or both
    STAFF_COUNT = "staff_count"  # a visit served by the wrong number of staff
    TOGETHER = "together"  # a double-staffed visit whose two staff do not start together
    SKILL = "skill"  # a staff member without a skill the visit needs
    WINDOW = "window"  # a visit outside its time window
    FIXED_TIME = "fixed_time"  # a fixed-time visit not at its time
    DURATION = "duration"  # a stop shorter than the visit or break
    TRAVEL = "travel"  # a stop that starts before the staff member can be there
    SHIFT_START = "shift_start"  # a route leaving before the shift starts
    SHIFT_END = "shift_end"  # a route back after the shift's end (plus allowed overtime)
    BREAK = "break"  # a break missing, twice, outside its window or too short
    LOCK = "lock"  # a locked visit not with its staff or not at its start
    NOT_BEFORE = "not_before"  # re-plan: a new visit placed before the re-plan time


@dataclass(frozen=True)
class Violation:
    rule: Rule
    detail: str
    staff_id: str | None = None
    visit_id: str | None = None


@dataclass(frozen=True)
class Report:
    """The soft rules, in figures."""

    placed: int
    unplaced: int
    continuity_kept: int  # visits with a continuity wish served by a wished staff member
    continuity_wished: int  # visits with a continuity wish, placed
    waiting: int  # minutes staff wait before a visit can start
    overtime: int  # minutes past shift ends
    driving: int  # travel minutes, including to the end place
    continuity_cost: int  # the continuity costs (Costs) the plan incurs, in minutes
    citizens_over_weekly_max: tuple[str, ...]

    @property
    def continuity_pct(self) -> float:
        if not self.continuity_wished:
            return 100.0
        return 100.0 * self.continuity_kept / self.continuity_wished


@dataclass(frozen=True)
class Verdict:
    violations: tuple[Violation, ...]
    report: Report

    @property
    def ok(self) -> bool:
        return not self.violations

    def rules(self) -> set[Rule]:
        return {v.rule for v in self.violations}


class _Travel:
    def __init__(self, provider: TravelMatrix, request: PlanRequest):
        points: set[Point] = set()
        for s in request.shifts:
            points |= {s.start_place, s.end_place} | {b.place for b in s.breaks if b.place}
        points |= {v.place for v in request.visits if v.place is not None}
        self.order = sorted(points, key=lambda p: (p.lat, p.lon))
        self.pos = {p: i for i, p in enumerate(self.order)}
        self.secs = {
            mode: provider.matrix(self.order, mode).seconds
            for mode in {s.mode for s in request.shifts}
        }

    def __call__(self, a: Point, b: Point, mode: TravelMode) -> int:
        return travel_minutes(self.secs[mode][self.pos[a]][self.pos[b]])


def check(request: PlanRequest, plan: Plan, matrix: TravelMatrix | None = None) -> Verdict:
    travel = _Travel(matrix or StraightLineMatrix(), request)
    shifts = {s.staff_id: s for s in request.shifts}
    visits = {v.visit_id: v for v in request.visits}
    locks = {lock.visit_id: lock for lock in request.locks}
    bad: list[Violation] = []
    served: dict[str, list[tuple[str, int]]] = {}  # visit → [(staff, start)]
    waiting = overtime = driving = 0

    seen_staff: Counter[str] = Counter(r.staff_id for r in plan.routes)
    for route in plan.routes:
        shift = shifts.get(route.staff_id)
        if shift is None or seen_staff[route.staff_id] > 1:
            bad.append(Violation(Rule.UNKNOWN_STAFF, "rute uden vagt", route.staff_id))
            continue
        w, o, d = _route(shift, route, visits, travel, served, bad, request)
        waiting, overtime, driving = waiting + w, overtime + o, driving + d

    unplaced = Counter(u.visit_id for u in plan.unplaced)
    for visit_id in unplaced:
        if visit_id not in visits:
            bad.append(Violation(Rule.UNKNOWN_VISIT, "ukendt besøg på listen", None, visit_id))
    for v in request.visits:
        staff = served.get(v.visit_id, [])
        listed = unplaced[v.visit_id]
        if (not staff and listed != 1) or (staff and listed):
            bad.append(Violation(Rule.ACCOUNTED, "planlagt og/eller ikke listet", None, v.visit_id))
        if not staff:
            continue
        _visit(v, staff, shifts, locks.get(v.visit_id), bad, request)

    report = _report(request, plan, served, waiting, overtime, driving)
    return Verdict(violations=tuple(bad), report=report)


def _route(
    shift: Shift,
    route: Route,
    visits: dict[str, Visit],
    travel: _Travel,
    served: dict[str, list[tuple[str, int]]],
    bad: list[Violation],
    request: PlanRequest,
) -> tuple[int, int, int]:
    sid = shift.staff_id
    if route.leave < shift.start:
        bad.append(Violation(Rule.SHIFT_START, "afgang før vagtens start", sid))
    here, t = shift.start_place, max(route.leave, shift.start)
    waiting = driving = 0
    breaks: Counter[int] = Counter()
    for stop in route.stops:
        if stop.kind is StopKind.BREAK:
            if stop.break_index is None or not 0 <= stop.break_index < len(shift.breaks):
                bad.append(Violation(Rule.BREAK, "pause vagten ikke har", sid))
                continue
            brk = shift.breaks[stop.break_index]
            breaks[stop.break_index] += 1
            place = brk.place or shift.start_place
            if not brk.earliest <= stop.start <= brk.latest:
                bad.append(Violation(Rule.BREAK, "pause uden for sit tidsrum", sid))
            if stop.end - stop.start < brk.minutes:
                bad.append(Violation(Rule.BREAK, "pause for kort", sid))
        else:
            visit = visits.get(stop.visit_id or "")
            if visit is None or visit.place is None:
                bad.append(Violation(Rule.UNKNOWN_VISIT, "ukendt besøg", sid, stop.visit_id))
                continue
            place = visit.place
            served.setdefault(visit.visit_id, []).append((sid, stop.start))
            if stop.end - stop.start < visit.duration:
                bad.append(Violation(Rule.DURATION, "kortere end varigheden", sid, visit.visit_id))
            if (
                request.not_before is not None
                and stop.start < request.not_before
                and visit.visit_id not in {lock.visit_id for lock in request.locks}
            ):
                bad.append(Violation(Rule.NOT_BEFORE, "før genplanlægning", sid, visit.visit_id))
        leg = travel(here, place, shift.mode)
        driving += leg
        if stop.start < t + leg:
            bad.append(Violation(Rule.TRAVEL, "kan ikke nå frem", sid, stop.visit_id))
        else:
            waiting += stop.start - (t + leg)
        here, t = place, max(t + leg, stop.end)
    home = travel(here, shift.end_place, shift.mode)
    driving += home
    back = max(route.back, t + home)
    if back > shift.end + shift.max_overtime:
        bad.append(Violation(Rule.SHIFT_END, f"tilbage {back - shift.end} min efter vagten", sid))
    for b in range(len(shift.breaks)):
        if breaks[b] != 1:
            bad.append(Violation(Rule.BREAK, f"pause {b + 1} holdt {breaks[b]} gange", sid))
    return waiting, max(0, back - shift.end), driving


def _visit(
    v: Visit,
    staff: list[tuple[str, int]],
    shifts: dict[str, Shift],
    lock: Lock | None,
    bad: list[Violation],
    request: PlanRequest,
) -> None:
    vid = v.visit_id
    ids = [s for s, _ in staff]
    starts = {t for _, t in staff}
    if len(ids) != v.staff_count or len(set(ids)) != len(ids):
        bad.append(Violation(Rule.STAFF_COUNT, f"{len(set(ids))} medarbejdere", None, vid))
    if len(starts) > 1:
        bad.append(Violation(Rule.TOGETHER, "medarbejderne starter ikke samtidig", None, vid))
    for sid, start in staff:
        if not v.skills <= shifts[sid].skills:
            bad.append(Violation(Rule.SKILL, "mangler kompetence", sid, vid))
        if v.fixed_start is not None:
            if start != v.fixed_start:
                bad.append(Violation(Rule.FIXED_TIME, "ikke på det faste tidspunkt", sid, vid))
        elif not v.window_start <= start <= v.window_end - v.duration:
            bad.append(Violation(Rule.WINDOW, "uden for tidsvinduet", sid, vid))
    if lock is not None:
        if sorted(lock.staff_ids) != sorted(ids):
            bad.append(Violation(Rule.LOCK, "ikke hos de låste medarbejdere", None, vid))
        if lock.start is not None and starts != {lock.start}:
            bad.append(Violation(Rule.LOCK, "ikke på det låste tidspunkt", None, vid))


def _report(
    request: PlanRequest,
    plan: Plan,
    served: dict[str, list[tuple[str, int]]],
    waiting: int,
    overtime: int,
    driving: int,
) -> Report:
    costs = request.costs
    kept = wished = cost = 0
    by_citizen: dict[str, set[str]] = {}
    for v in request.visits:
        staff = {s for s, _ in served.get(v.visit_id, [])}
        if not staff:
            continue
        by_citizen.setdefault(v.citizen_id, set()).update(staff)
        if v.preferred_staff or v.recent_staff:
            wished += 1
            if staff & (set(v.preferred_staff) | set(v.recent_staff)):
                kept += 1
            for s in staff:
                if s in v.preferred_staff:
                    continue
                cost += costs.recent_only if s in v.recent_staff else costs.continuity
    over = []
    for week in request.weeks:
        everyone = week.staff_this_week | by_citizen.get(week.citizen_id, set())
        if len(everyone) > week.max_staff:
            over.append(week.citizen_id)
    placed = len([v for v in request.visits if v.visit_id in served])
    return Report(
        placed=placed,
        unplaced=len(plan.unplaced),
        continuity_kept=kept,
        continuity_wished=wished,
        waiting=waiting,
        overtime=overtime,
        driving=driving,
        continuity_cost=cost,
        citizens_over_weekly_max=tuple(sorted(over)),
    )
