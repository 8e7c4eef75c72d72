"""The route planner on a synthetic home-care team day, and a re-plan when someone calls in sick.

    flock /tmp/sammen-bench.lock .venv/bin/python -m bench.team_day    # 20 staff, 200 visits
    .venv/bin/python -m bench.team_day --staff 10 --visits 100 --seconds 5 --seeds 1

The day is `sammen.visits.planner.synthetic.team_day` (deterministic per seed): nurses,
SOSU-assistants and -helpers with their skills, cars/bikes/one on foot, a 30-minute break at the
office, medication at fixed times, double-staffed lifts (5 %), contact persons and recent staff.
For each seed: plan with a time limit (`--seconds`, default 10), the independent checker's
verdict, the soft rules; then staff member m04 calls in sick at 07:30 and the rest of the day
is planned again (same limit): visits moved, unplaced, verdict. Wall times include the
travel matrix and PyVRP's start-up. The load average is printed with each run.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from sammen.visits.planner.checker import check
from sammen.visits.planner.model import hm
from sammen.visits.planner.replan import replan
from sammen.visits.planner.solver import plan
from sammen.visits.planner.synthetic import team_day

HERE = Path(__file__).resolve().parent


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
        doubles = sum(1 for v in request.visits if v.staff_count == 2)
        doubles_placed = sum(
            1 for v in request.visits if v.staff_count == 2 and v.visit_id in result.assignments()
        )
        started = time.perf_counter()
        again = replan(request, result, sick="m04", at=hm("07:30"), seconds=args.seconds)
        wall_again = time.perf_counter() - started
        verdict_again = check(again.request, again.plan)
        sick_visits = sum(1 for rt in result.routes if rt.staff_id == "m04" for s in rt.stops)
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
