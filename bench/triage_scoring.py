"""Scoring throughput (issue 12 §8): how many complete TOBS and NEWS2 sets per second the pure
functions in `sammen/triage/scoring.py` score in one process. No database, no Django request.

    .venv/bin/python -m bench.triage_scoring [--sets 200000]

Readings are drawn from realistic ranges (seed 1) before timing; each set is scored once with
TOBS and once with NEWS2 (scale 1; every 10th on scale 2 with the decision documented).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CODES = [
    "fc025609-8d3c-4d36-aa44-19fe839d548f",
    "4d5eeb61-a9b4-40cc-af45-4e8e2caa6db0",
    "916b3530-23e2-4c11-8973-52a90bc9ec31",
    "0000e850-a51d-4867-a901-dd4c6a2a46a1",
    "55da9922-c22b-4bd2-b842-e200048bfb20",
]


def main() -> None:
    from sammen.triage import scoring as s

    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", type=int, default=200_000)
    args = parser.parse_args()
    rng = random.Random(1)
    at = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    when = at - dt.timedelta(minutes=5)
    rules = s.rules_load()
    sets = []
    for _ in range(args.sets):
        sets.append(
            {
                "pulse": s.Reading(Decimal(rng.randint(35, 160)), when),
                "respiration": s.Reading(Decimal(rng.randint(6, 34)), when),
                "temperature": s.Reading(
                    Decimal(rng.randint(340, 410)) / 10, when, rng.choice(["rectal", "oral"])
                ),
                "systolic": s.Reading(Decimal(rng.randint(65, 230)), when),
                "consciousness": s.Reading(rng.choice(CODES), when),
                "spo2": s.Reading(Decimal(rng.randint(82, 100)), when),
                "oxygen": s.Reading(rng.choice(["air", "air", "oxygen"]), when),
            }
        )
    start = time.perf_counter()
    for readings in sets:
        s.tobs_score(readings, at=at, rules=rules)
    tobs = time.perf_counter() - start
    start = time.perf_counter()
    for i, readings in enumerate(sets):
        two = i % 10 == 0
        s.news2_score(
            readings, at=at, rules=rules, spo2_scale=2 if two else 1, scale_two_documented=two
        )
    news2 = time.perf_counter() - start
    load = os.getloadavg()[0]
    print(f"{args.sets} sets, load average {load:.1f}")
    print(f"TOBS:  {args.sets / tobs:>10,.0f} sets/s  ({tobs / args.sets * 1e6:.1f} µs/set)")
    print(f"NEWS2: {args.sets / news2:>10,.0f} sets/s  ({news2 / args.sets * 1e6:.1f} µs/set)")


if __name__ == "__main__":
    main()
