""" "Mine borgere" on PostgreSQL in a generated municipality, with and without table statistics.

    flock /tmp/sammen-bench.lock .venv/bin/python -m bench.mine_list
    .venv/bin/python -m bench.mine_list --rounds 40 --blocks 4 --baseline /tmp/sammen-main

`citizens.selectors.citizen_list_mine` (the policy as a filter, the list, its total, one
access-log INSERT per table, the commit) for one staff member of each role that sees citizens,
in the morning rush's population (`demo_municipality --name Greve --citizens 3000 --staff 700
--seed 1 --no-streams`). Two copies of the same data: `bench_mine` after ANALYZE, and
`bench_mine_nostats` as a bulk load leaves it before autovacuum has run (on the bench machine
and in CI autovacuum is off, so it never runs). With `--baseline DIR` the same cells also run
with another checkout's code (e.g. `git archive <commit> | tar -x -C DIR`), side by side.

Cells run in interleaved blocks, each in its own process; per role: median and p95 in ms, the
queries per list, and the list statement's own execution time from EXPLAIN ANALYZE.
Results go to `bench/results/mine_list.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Also runnable as `python bench/<name>.py`; a cell (--inner) imports the code of its own
# checkout (PYTHONPATH), which may be another one than this file's.
if str(ROOT) not in sys.path and "--inner" not in sys.argv:
    sys.path.insert(0, str(ROOT))
if "--inner" in sys.argv and sys.path[0] == str(ROOT / "bench"):
    sys.path.pop(0)

RESULTS = ROOT / "bench" / "results"
PG = "postgresql://postgres@127.0.0.1:5432/"
PG_ADMIN = PG + "postgres"
ANALYZED, NO_STATS = "bench_mine", "bench_mine_nostats"
ROLES = ("leder", "sygeplejerske", "sosu_assistent", "sosu_hjaelper", "terapeut", "visitator")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--rounds", type=int, default=40, help="per role and cell, in total")
    parser.add_argument("--blocks", type=int, default=4)
    parser.add_argument("--baseline", type=Path, help="another checkout to run side by side")
    parser.add_argument("--fresh", action="store_true", help="regenerate the databases")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        return _inner(args.rounds)
    _prepare(fresh=args.fresh)
    codes = {"now": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    cells = [(code, db) for code in codes for db in (NO_STATS, ANALYZED)]
    samples: dict[str, dict[str, Any]] = {}
    per_block = max(1, args.rounds // args.blocks)
    print(f"load before: {os.getloadavg()}", flush=True)
    started = time.monotonic()
    for block in range(args.blocks):
        order = cells[:] if block % 2 == 0 else cells[::-1]
        for code, db in order:
            out = _cell(codes[code], db, per_block)
            for role, res in out.items():
                cell = samples.setdefault(f"{code}|{db}|{role}", {**res, "ms": []})
                cell["ms"] += res["ms"]
                cell["plan_ms"] = res["plan_ms"]
    print(f"load after: {os.getloadavg()}; {time.monotonic() - started:.0f} s", flush=True)
    print(
        "\n| code | statistics | role | shown / total | median / p95 ms | queries | list SQL ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for key, cell in samples.items():
        code, db, role = key.split("|")
        ms = sorted(cell["ms"])
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        print(
            f"| {code} | {'ANALYZE' if db == ANALYZED else 'none'} | {role} | "
            f"{cell['shown']} / {cell['total']} | {statistics.median(ms):.1f} / {p95:.1f} | "
            f"{cell['queries']} | {cell['plan_ms']:.1f} |"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "mine_list.json").write_text(json.dumps(samples, indent=1), encoding="utf-8")
    return 0


def _env(code: Path, db: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": PG + db,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(code),
        "SAMMEN_DB_ROLE": "",
    }


def _cell(code: Path, db: str, rounds: int) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603 - this script, in another checkout's directory
        [sys.executable, str(ROOT / "bench" / "mine_list.py"), "--inner", "--rounds", str(rounds)],
        cwd=code,
        env=_env(code, db),
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _prepare(*, fresh: bool) -> None:
    """Generate once into `bench_mine_nostats` (no ANALYZE: the generator itself, not the
    command, which refreshes the statistics), copy it to `bench_mine`, ANALYZE the copy."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        have = {
            name
            for (name,) in conn.execute(
                "SELECT datname FROM pg_database WHERE datname IN (%s, %s)", (ANALYZED, NO_STATS)
            )
        }
        if have == {ANALYZED, NO_STATS} and not fresh:
            return
        conn.execute(f"DROP DATABASE IF EXISTS {ANALYZED}")
        if fresh or NO_STATS not in have:
            conn.execute(f"DROP DATABASE IF EXISTS {NO_STATS}")
            conn.execute(f"CREATE DATABASE {NO_STATS}")
            _generate()
        conn.execute(f"CREATE DATABASE {ANALYZED} TEMPLATE {NO_STATS}")
    with psycopg.connect(PG + ANALYZED, autocommit=True) as conn:
        conn.execute("ANALYZE")


def _generate() -> None:
    env = _env(ROOT, NO_STATS)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    generate = (
        "from sammen.demo.generator import municipality_generate, municipality_get_or_create;"
        "m = municipality_get_or_create(name='Greve', code=None);"
        "print(municipality_generate(municipality=m, citizens=3000, staff=700, years=2, seed=1,"
        " run_streams=False).rows)"
    )
    subprocess.run([*manage, "shell", "-c", generate], cwd=ROOT, env=env, check=True)  # noqa: S603


def _inner(rounds: int) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sammen.access.models import Purpose
    from sammen.citizens import selectors
    from sammen.citizens.models import Citizen, CitizenStatus
    from sammen.organisation.models import Municipality, StaffMember
    from sammen.organisation.selectors import actor_for_user

    municipality = Municipality.objects.get(name="Greve")
    actors: dict[str, Any] = {}
    staff = StaffMember.objects.filter(municipality=municipality, is_active=True)
    for member in staff.filter(user__isnull=False).select_related("user").order_by("pk"):
        actor = actor_for_user(user=member.user, membership_id=None)
        if actor is not None and actor.role in ROLES and actor.role not in actors:
            actors[actor.role] = actor
    out: dict[str, Any] = {}
    for role, actor in actors.items():
        selectors.citizen_list_mine(actor=actor)  # warm
        with CaptureQueriesContext(connection) as ctx:
            result = selectors.citizen_list_mine(actor=actor)
        rows = Citizen.objects.visible_to(actor, purpose=Purpose.CARE_RELATION).filter(
            status=CitizenStatus.ACTIVE
        )
        sql, params = rows.order_by("last_name", "first_name", "pk")[:50].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        out[role] = {
            "shown": len(result.citizens),
            "total": result.total,
            "queries": len(ctx.captured_queries),
            "plan_ms": plan[0]["Execution Time"],
            "ms": [],
        }
    for _ in range(rounds):
        for role in random.sample(list(actors), len(actors)):
            t = time.perf_counter()
            selectors.citizen_list_mine(actor=actors[role])
            out[role]["ms"].append((time.perf_counter() - t) * 1000)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
