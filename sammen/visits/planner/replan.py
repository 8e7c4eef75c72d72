"""Re-plan the rest of the day when a staff member calls in sick.

`replan(request, before, sick="m03", at=hm("07:30"))`:

- what has started by `at` stays as it was: each started visit becomes a `Lock` with its staff
  and start, each started break is pinned to its start;
- the sick staff member's shift ends when their started work is done (or goes, if they had not
  started); locks to them are void and their visits go back to the pool;
- nothing new starts before `at` (`PlanRequest.not_before`);
- the solver runs with the plan before as `previous`: moving a visit to another staff member
  costs `Costs.moved` minutes (45 by default), so the new plan moves as few visits as it can;
- visits that cannot be placed are listed with why (`Plan.unplaced`); `Plan.moved` names the
  visits now with other staff.

It returns the day as now understood (`Replan.request`, which the checker verifies the plan
against) and the new plan.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from .model import Lock, Minute, Plan, PlanRequest, Shift, StopKind
from .sequence import sequences
from .solver import plan, travel_table
from .travel import Point, StraightLineMatrix, TravelMatrix


@dataclass(frozen=True)
class Replan:
    request: PlanRequest
    plan: Plan


def replan(
    request: PlanRequest,
    before: Plan,
    *,
    sick: str,
    at: Minute,
    matrix: TravelMatrix | None = None,
    seconds: float = 10.0,
    seed: int = 0,
) -> Replan:
    began = time.perf_counter()
    provider = matrix or StraightLineMatrix()
    table = travel_table(request, provider)
    visits = {v.visit_id: v for v in request.visits}
    started: dict[str, tuple[list[str], Minute]] = {}
    held: dict[str, dict[int, Minute]] = {}
    sick_done: tuple[Minute, Point | None] | None = None
    for route in before.routes:
        for stop in route.stops:
            if stop.start >= at:
                continue
            if stop.kind is StopKind.BREAK and stop.break_index is not None:
                held.setdefault(route.staff_id, {})[stop.break_index] = stop.start
            elif stop.visit_id is not None:
                started.setdefault(stop.visit_id, ([], stop.start))[0].append(route.staff_id)
            if route.staff_id == sick:
                visit = visits.get(stop.visit_id or "")
                place = visit.place if visit is not None else None
                sick_done = (stop.end, place)

    shifts: list[Shift] = []
    for shift in request.shifts:
        pinned = held.get(shift.staff_id, {})
        breaks = tuple(
            dataclasses.replace(b, earliest=pinned[i], latest=pinned[i]) if i in pinned else b
            for i, b in enumerate(shift.breaks)
        )
        if shift.staff_id != sick:
            shifts.append(dataclasses.replace(shift, breaks=breaks))
            continue
        if sick_done is None:
            continue  # had not started: not on shift any more
        end, place = sick_done
        home = 0
        if place is not None:
            home = table.get(place, shift.end_place, shift.mode)
        # Goes home after the started visit; only the breaks already held stay.
        kept = tuple(b for i, b in enumerate(breaks) if i in pinned)
        shifts.append(
            dataclasses.replace(
                shift, end=max(end + home, shift.start + 1), breaks=kept, max_overtime=0
            )
        )

    locks = [
        lock
        for lock in request.locks
        if sick not in lock.staff_ids and lock.visit_id not in started
    ]
    locks += [Lock(vid, tuple(sorted(staff)), start) for vid, (staff, start) in started.items()]
    new_request = dataclasses.replace(
        request, shifts=tuple(shifts), locks=tuple(locks), not_before=at
    )
    previous = before.assignments()
    result = plan(
        new_request,
        matrix=provider,
        seconds=max(0.5, seconds - (time.perf_counter() - began)),
        seed=seed,
        previous=previous,
        start_from=sequences(before),
    )
    now = result.assignments()
    moved = tuple(
        sorted(vid for vid, staff in previous.items() if vid in now and now[vid] != staff)
    )
    return Replan(request=new_request, plan=dataclasses.replace(result, moved=moved))
