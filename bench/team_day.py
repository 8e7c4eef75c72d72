"""The route planner on a synthetic home-care team day, and a re-plan when someone calls in sick.

    flock /tmp/sammen-bench.lock .venv/bin/python -m bench.team_day    # 20 staff, 200 visits
    .venv/bin/python -m bench.team_day --staff 10 --visits 100 --seconds 5 --seeds 1

The day is `sammen.visits.planner.synthetic.team_day` (deterministic per seed): nurses,
SOSU-assistants and -helpers with their skills, cars/bikes/one on foot, a 30-minute break at the
office, medication at fixed times, double-staffed lifts (5 %), contact persons and recent staff.
For each seed: plan with a time limit (`--seconds`, default 10), the independent checker's
verdict, the soft rules; then staff member m04 calls in sick at 07:30 and the rest of the day
is planned again (same limit): visits moved, unplaced, verdict. Baseline: a greedy parallel
nearest-neighbour plan (`greedy_orders`), timed and checked the same way. Wall times include the
travel matrix and PyVRP's start-up. The load average is printed with each run.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from sammen.visits.planner.checker import check
from sammen.visits.planner.model import PlanRequest, hm
from sammen.visits.planner.replan import replan
from sammen.visits.planner.sequence import Item, timed
from sammen.visits.planner.solver import plan, screen, travel_table
from sammen.visits.planner.synthetic import team_day
from sammen.visits.planner.travel import StraightLineMatrix

HERE = Path(__file__).resolve().parent


def greedy_orders(request: PlanRequest) -> dict[str, list[Item]]:
    """The baseline: parallel nearest-neighbour, as a planner might by hand. Repeatedly give the
    visit that can start earliest (then: least travel) to the qualified staff member(s) who get
    there first; a staff member takes the break as soon as its window opens."""
    table = travel_table(request, StraightLineMatrix())
    visits, _ = screen(request)
    shifts = {s.staff_id: s for s in request.shifts}
    state = {s.staff_id: (s.start, s.start_place) for s in request.shifts}
    breaks_left = {s.staff_id: list(range(len(s.breaks))) for s in request.shifts}
    orders: dict[str, list[Item]] = {s.staff_id: [] for s in request.shifts}
    left = list(visits)

    def take_breaks() -> None:
        for sid, todo in breaks_left.items():
            shift = shifts[sid]
            while todo:
                brk = shift.breaks[todo[0]]
                t, here = state[sid]
                place = brk.place or shift.start_place
                arrive = t + table.get(here, place, shift.mode)
                if arrive < brk.earliest and left:
                    break
                state[sid] = (max(arrive, brk.earliest) + brk.minutes, place)
                orders[sid].append(todo.pop(0))

    while True:
        take_breaks()
        best = None
        for v in left:
            assert v.place is not None
            early, late = v.starts
            cands = []
            for sid, (t, here) in state.items():
                shift = shifts[sid]
                if not v.skills <= shift.skills:
                    continue
                leg = table.get(here, v.place, shift.mode)
                start = max(t + leg, early)
                end = start + v.duration
                due = [shift.breaks[b] for b in breaks_left[sid]]
                if start > late or any(end > b.latest for b in due):
                    continue
                if end + table.get(v.place, shift.end_place, shift.mode) > shift.end:
                    continue
                cands.append((start, leg, sid))
            if len(cands) < v.staff_count:
                continue
            cands.sort()
            chosen = cands[: v.staff_count]
            start = max(c[0] for c in chosen)
            if start > late:
                continue
            key = (start, sum(c[1] for c in chosen))
            if best is None or key < best[0]:
                best = (key, v, [c[2] for c in chosen], start)
        if best is None:
            break
        _, v, staff, start = best
        assert v.place is not None
        for sid in staff:
            orders[sid].append(v.visit_id)
            state[sid] = (start + v.duration, v.place)
        left.remove(v)
    left = []
    take_breaks()
    return orders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--visits", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for seed in range(1, args.seeds + 1):
        request = team_day(staff=args.staff, visits=args.visits, seed=seed)
        load = os.getloadavg()[0]
        started = time.perf_counter()
        result = plan(request, seconds=args.seconds, seed=seed)
        wall = time.perf_counter() - started
        verdict = check(request, result)
        r = verdict.report
        started = time.perf_counter()
        greedy = timed(request, greedy_orders(request))
        wall_greedy = time.perf_counter() - started
        g_verdict = check(request, greedy)
        doubles = sum(1 for v in request.visits if v.staff_count == 2)
        doubles_placed = sum(
            1 for v in request.visits if v.staff_count == 2 and v.visit_id in result.assignments()
        )
        started = time.perf_counter()
        again = replan(request, result, sick="m04", at=hm("07:30"), seconds=args.seconds)
        wall_again = time.perf_counter() - started
        verdict_again = check(again.request, again.plan)
        sick_visits = sum(
            1 for rt in result.routes if rt.staff_id == "m04" for s in rt.stops if s.visit_id
        )
        row = {
            "seed": seed,
            "load": round(load, 2),
            "seconds": round(wall, 2),
            "placed": r.placed,
            "unplaced": r.unplaced,
            "doubles": f"{doubles_placed}/{doubles}",
            "broken_rules": len(verdict.violations),
            "driving_min": r.driving,
            "waiting_min": r.waiting,
            "overtime_min": r.overtime,
            "continuity_pct": round(r.continuity_pct, 1),
            "continuity_cost_min": r.continuity_cost,
            "over_weekly_max": len(r.citizens_over_weekly_max),
            "greedy_seconds": round(wall_greedy, 2),
            "greedy_placed": g_verdict.report.placed,
            "greedy_broken_rules": len(g_verdict.violations),
            "greedy_driving_min": g_verdict.report.driving,
            "greedy_continuity_pct": round(g_verdict.report.continuity_pct, 1),
            "replan_seconds": round(wall_again, 2),
            "replan_sick_visits": sick_visits,
            "replan_moved": len(again.plan.moved),
            "replan_unplaced": len(again.plan.unplaced),
            "replan_broken_rules": len(verdict_again.violations),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "team_day.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
