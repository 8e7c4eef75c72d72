"""The planner's solver engine (PyVRP) on Solomon's 56 VRPTW instances, against the best known.

    flock /tmp/sammen-bench.lock .venv/bin/python -m bench.solomon               # 30 s each
    flock /tmp/sammen-bench.lock .venv/bin/python -m bench.solomon --seconds 10 --only C1 R1 RC1

Instances and best-known values: `../shared/benchmarks/solomon/` (`--dir`). Distances are
Euclidean, scaled ×100 and rounded for the solver (integers); the distance reported is the
unrounded Euclidean length of the routes found, so it compares with `bks.json` directly.
Objective: fewest vehicles first, then distance: `--fleet-share` (40 %) of the time goes to
PyVRP's `minimise_fleet`, the rest to solving with that fleet (and a fixed cost of 1000
distance units per vehicle). Reported per instance: vehicles and distance found, best
known, the distance gap (only where the vehicle count matches), the mean gap per class;
JSON in bench/results/.
The load average is printed: on a shared machine a time-limited solver finds less.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import statistics
import time
import warnings
from pathlib import Path
from typing import Any, cast

from pyvrp import Client, Depot, Location, ProblemData, VehicleType, minimise_fleet, solve
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxRuntime

HERE = Path(__file__).resolve().parent
DEFAULT_DIR = HERE.parent.parent / "shared" / "benchmarks" / "solomon"
SCALE = 100
VEHICLE_COST = 1000 * SCALE


def read_instance(path: Path) -> tuple[int, list[tuple[float, float, int, int, int, int]]]:
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    capacity = int(lines[0][0])
    nodes = [
        (float(x), float(y), int(q), int(a), int(b), int(s))
        for _, x, y, q, a, b, s in (ln[:7] for ln in lines[1:])
    ]
    return capacity, nodes


def build(capacity: int, nodes: list[tuple[float, float, int, int, int, int]]) -> ProblemData:
    n = len(nodes)
    locations = [Location(x, y) for x, y, *_ in nodes]
    dist = [[round(math.hypot(a[0] - b[0], a[1] - b[1]) * SCALE) for b in nodes] for a in nodes]
    import numpy as np

    matrix = np.array(dist, dtype=np.int64)
    depot = nodes[0]
    clients = [
        Client(
            location=i,
            delivery=[q],
            service_duration=s * SCALE,
            tw_early=a * SCALE,
            tw_late=b * SCALE,
        )
        for i, (_, _, q, a, b, s) in enumerate(nodes[1:], start=1)
    ]
    vehicles = VehicleType(
        num_available=n - 1,
        capacity=[capacity],
        fixed_cost=VEHICLE_COST,
        tw_early=depot[3] * SCALE,
        tw_late=depot[4] * SCALE,
    )
    return ProblemData(
        locations=locations,
        clients=clients,
        depots=[Depot(location=0, tw_early=depot[3] * SCALE, tw_late=depot[4] * SCALE)],
        vehicle_types=[vehicles],
        distance_matrices=[cast(Any, matrix)],
        duration_matrices=[cast(Any, matrix)],
    )


def euclid_length(
    nodes: list[tuple[float, float, int, int, int, int]], routes: list[list[int]]
) -> float:
    total = 0.0
    for visits in routes:
        path = [0, *visits, 0]
        for a, b in itertools.pairwise(path):
            total += math.hypot(nodes[a][0] - nodes[b][0], nodes[a][1] - nodes[b][1])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--seconds", type=float, default=30.0, help="time per instance")
    parser.add_argument(
        "--only", nargs="*", default=[], help="classes or names, e.g. C1 R1 RC1 R208"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--fleet-share", type=float, default=0.4, help="share of the time spent on fleet size"
    )
    args = parser.parse_args()

    bks = json.loads((args.dir / "bks.json").read_text())["instances"]
    names = sorted(p.stem for p in args.dir.glob("*.txt"))
    if args.only:
        names = [
            n for n in names if any(n.startswith(p) and n[len(p)].isdigit() for p in args.only)
        ]
    print(
        f"{len(names)} instances, {args.seconds:g} s each, load average {os.getloadavg()}",
        flush=True,
    )
    rows: list[dict[str, Any]] = []
    for name in names:
        capacity, nodes = read_instance(args.dir / f"{name}.txt")
        data = build(capacity, nodes)
        started = time.perf_counter()
        if args.fleet_share > 0:
            # Part of the time finds the smallest fleet, the rest the shortest routes with it.
            fleet = minimise_fleet(data, MaxRuntime(args.seconds * args.fleet_share), args.seed)
            data = data.replace(vehicle_types=[fleet])
        remaining = args.seconds - (time.perf_counter() - started)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PenaltyBoundWarning)  # a hard instance, not an error
            result = solve(
                data, stop=MaxRuntime(max(0.1, remaining)), seed=args.seed, display=False
            )
        elapsed = time.perf_counter() - started
        best = result.best
        clients = data.clients()
        routes = [[clients[a.idx].location for a in r if a.is_client()] for r in best.routes()]
        distance = euclid_length(nodes, routes)
        known = bks[name]
        same = len(routes) == known["vehicles"]
        gap = (distance / known["distance"] - 1) * 100 if same else None
        rows.append(
            {
                "instance": name,
                "feasible": best.is_feasible(),
                "vehicles": len(routes),
                "distance": round(distance, 2),
                "bks_vehicles": known["vehicles"],
                "bks_distance": known["distance"],
                "gap_pct": None if gap is None else round(gap, 3),
                "seconds": round(elapsed, 1),
                "load": round(os.getloadavg()[0], 2),
            }
        )
        print(
            f"{name:6} {'ok' if best.is_feasible() else 'INFEASIBLE':10} "
            f"{len(routes):3} {distance:9.2f}  bks {known['vehicles']:3} {known['distance']:9.2f}"
            f"  gap {'—' if gap is None else f'{gap:+.2f} %'}",
            flush=True,
        )
    classes: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        cls = str(row["instance"]).rstrip("0123456789")[:2] + str(row["instance"]).lstrip("CR")[0]
        classes.setdefault(cls, []).append(row)
    print("\nclass  n  vehicles=bks  mean gap (where vehicles match)")
    summary = {}
    for cls, group in sorted(classes.items()):
        gaps = [float(r["gap_pct"]) for r in group if r["gap_pct"] is not None]
        match = sum(1 for r in group if r["vehicles"] == r["bks_vehicles"])
        mean = statistics.fmean(gaps) if gaps else None
        summary[cls] = {"n": len(group), "vehicles_match": match, "mean_gap_pct": mean}
        print(
            f"{cls:5} {len(group):2}  {match:2}/{len(group):<2}  "
            f"{'—' if mean is None else f'{mean:+.2f} %'}"
        )
    all_gaps = [float(r["gap_pct"]) for r in rows if r["gap_pct"] is not None]
    matched = sum(1 for r in rows if r["vehicles"] == r["bks_vehicles"])
    print(
        f"all   {len(rows)}  {matched}/{len(rows)}  "
        f"{statistics.fmean(all_gaps) if all_gaps else float('nan'):+.2f} %"
    )
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "solomon.json").write_text(
        json.dumps({"seconds": args.seconds, "rows": rows, "classes": summary}, indent=1)
    )


if __name__ == "__main__":
    main()
