"""Citizen search among 100,000 citizens: `selectors.citizen_search` against raw SQL.

    python -m bench.citizen_search                       # SQLite, then PostgreSQL if it answers
    python -m bench.citizen_search --db sqlite --citizens 20000

For each query kind (full name, partial name, CPR, address) it times, interleaved, the same
lookups three ways, in the same run on the same data:

- `selector`: `citizens.selectors.citizen_search` as a view calls it: policy, ORM, model
  instances, the count when truncated, and the access-log rows (one per hit, hash-chained)
  written in the same transaction;
- `orm`: the same policy-scoped queryset, ordering, limit and count, without the access log;
- `raw`: hand-written SQL doing the same filtering (municipality, the care relation through an
  open responsibility of a unit in the actor's reach, the folded LIKE terms or the CPR, the
  same order, LIMIT 51 and a COUNT when there are more), rows as tuples;
- `raw, EXISTS`: the same SQL with the care relation written as a correlated EXISTS instead of
  `id IN (subquery)` (the ORM's `pk__in=`), to show what the query shape costs;
- `raw, no policy`: the same SQL without the care-relation filter (it finds more people), to
  show what the need-to-know filter costs.

The searching actor is the head of elderly care (a leader at the top of the elderly tree, whose
reach is every elderly-care team), so most citizens are within reach.

It reports median and p95 per kind and way, and the ratios selector/raw and orm/raw. The
population comes from the demo generator (`sammen.demo.generator`) into a database of its own:
`bench/results/bench_citizens_<N>.sqlite3`, and for PostgreSQL `--pg-url` (default database
`bench_citizens`, created when missing; never the database named `test`). A second run reuses
the population. No CPR number is printed; the figures go to stdout and bench/results/*.json.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/<name>.py`
    sys.path.insert(0, str(ROOT))

from bench._pg import pg_answers, pg_create_database  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/bench_citizens"
KINDS = ("name", "partial name", "CPR", "address")
LIMIT = 50


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--staff", type=int, default=700)
    parser.add_argument("--queries", type=int, default=15, help="distinct queries per kind")
    parser.add_argument("--rounds", type=int, default=2, help="times each query is run")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args(argv)
    if args.db != "both":
        return _run_one(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    databases = ["sqlite"] + (["postgres"] if pg_answers(args.pg_url) else [])
    if "postgres" not in databases:
        print("PostgreSQL svarer ikke – kun SQLite.", file=sys.stderr)
    for db in databases:  # one after the other: never load the machine twice
        command = [sys.executable, "-m", "bench.citizen_search", "--db", db]
        for name in ("citizens", "staff", "queries", "rounds"):
            command += [f"--{name}", str(getattr(args, name))]
        command += ["--pg-url", args.pg_url]
        subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603 - our own script
    return 0


def _setup_django(args: argparse.Namespace) -> None:
    if args.db == "postgres":
        pg_create_database(args.pg_url)
        os.environ["DATABASE_URL"] = args.pg_url
    else:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"bench_citizens_{args.citizens}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "false"  # no query log in memory while timing
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _run_one(args: argparse.Namespace) -> int:
    _setup_django(args)
    from django.core.management import call_command
    from django.db import connection

    from sammen.citizens.models import Citizen
    from sammen.demo.generator import (
        TqdmProgress,
        municipality_generate,
        municipality_get_or_create,
    )

    call_command("migrate", verbosity=0)
    municipality = municipality_get_or_create(name="Greve")
    have = Citizen.objects.for_municipality(municipality).count()
    generation: dict[str, Any] = {}
    if have < args.citizens:
        print(f"[{connection.vendor}] genererer {args.citizens - have} borgere …", file=sys.stderr)
        progress = TqdmProgress(sys.stderr, disable=False)
        started = time.perf_counter()
        result = municipality_generate(
            municipality=municipality,
            citizens=args.citizens,
            staff=args.staff,
            years=1,
            seed=1,
            run_streams=False,
            progress=progress,
        )
        progress.close()
        generation = {"seconds": round(time.perf_counter() - started, 1), "rows": result.rows}
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    population = Citizen.objects.for_municipality(municipality).count()
    report = _measure(args, municipality, population)
    report["generation"] = generation
    out = RESULTS / f"citizen_search_{connection.vendor}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    _print(report)
    return 0


def _actor(municipality: Any) -> Any:
    """The head of elderly care: a leader whose reach is the whole elderly area."""
    from sammen.core.actor import Actor
    from sammen.organisation.models import Membership, Role
    from sammen.organisation.permissions import permissions_for

    membership = (
        Membership.objects.for_municipality(municipality)
        .filter(role=Role.LEADER, unit__parent__isnull=True)
        .select_related("staff", "unit", "municipality")
        .order_by("staff__user__username")
        .first()
    )
    assert membership is not None, "the generator makes a leader at the top of the tree"
    return Actor(
        staff=membership.staff,
        municipality=municipality,
        membership=membership,
        role=membership.role,
        unit=membership.unit,
        permissions=permissions_for(membership.role),
    )


def _queries(municipality: Any, n: int) -> dict[str, list[str]]:
    from sammen.citizens.models import Citizen

    rng = random.Random(2026)
    rows = list(
        Citizen.objects.for_municipality(municipality)
        .order_by("cpr")
        .values_list("cpr", "first_name", "last_name", "street", "house_number")
    )
    sample = rng.sample(rows, n)
    return {
        "name": [f"{first} {last}" for _, first, last, _, _ in sample],
        "partial name": [f"{first[:3]} {last[:4]}" for _, first, last, _, _ in sample],
        "CPR": [f"{cpr[:6]}-{cpr[6:]}" for cpr, *_ in sample],
        "address": [f"{street} {number}" for *_, street, number in sample],
    }


def _reach(actor: Any) -> list[Any]:
    """The actor's unit and every unit below it (a leader's reach), computed once."""
    from sammen.organisation.models import OrgUnit

    children: dict[Any, list[Any]] = {}
    for pk, parent in OrgUnit.objects.for_municipality(actor.municipality).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent, []).append(pk)
    found, stack = [], [actor.unit.pk]
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found


def _raw(actor: Any, *, shape: str = "in") -> Callable[[str], tuple[int, int]]:
    """The same filtering as the selector in plain SQL; returns (hits shown, total).

    Municipality, the care relation (an open responsibility of a unit in the actor's reach;
    the actor holds no break-the-glass grant), the folded LIKE terms or the CPR number, the
    same order, LIMIT 51 and a COUNT when there are more.
    """
    import re

    from django.db import connection

    from sammen.citizens.models import Citizen
    from sammen.citizens.selectors import search_filter
    from sammen.citizens.text import tokens

    field = Citizen._meta.get_field("municipality")
    mid = field.get_db_prep_value(actor.municipality.pk, connection)
    units = [field.get_db_prep_value(pk, connection) for pk in _reach(actor)]
    relation = (
        "id IN (SELECT citizen_id FROM citizens_responsibility WHERE municipality_id = %s "
        f"AND until IS NULL AND unit_id IN ({', '.join(['%s'] * len(units))}))"
    )
    relation_params = [mid, *units]
    if shape == "exists":  # the same rule as a correlated EXISTS (uses the citizen_id index)
        relation = (
            "EXISTS (SELECT 1 FROM citizens_responsibility r "
            "WHERE r.citizen_id = citizens_citizen.id AND r.municipality_id = %s "
            f"AND r.until IS NULL AND r.unit_id IN ({', '.join(['%s'] * len(units))}))"
        )
    elif shape == "none":  # the lookup alone, to show what the policy's filter costs
        relation, relation_params = "1 = 1", []
    columns = "id, cpr, first_name, last_name, birth_date, street, house_number, postcode, city"

    def run(query: str) -> tuple[int, int]:
        kind, _ = search_filter(query)
        if kind == "cpr":
            where, params = "cpr = %s", [re.sub(r"\D", "", query)]
        else:
            words = tokens(query)
            name = " AND ".join(["search_name LIKE %s"] * len(words))
            address = " AND ".join(["search_address LIKE %s"] * len(words))
            where = f"(({name}) OR ({address}))"
            params = [f"%{w}%" for w in words] * 2
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM citizens_citizen WHERE municipality_id = %s AND {where} "
                f"AND {relation} ORDER BY last_name, first_name, id LIMIT {LIMIT + 1}",
                [mid, *params, *relation_params],
            )
            hits = cursor.fetchall()
            total = len(hits)
            if total > LIMIT:
                cursor.execute(
                    "SELECT COUNT(*) FROM citizens_citizen WHERE municipality_id = %s "
                    f"AND {where} AND {relation}",
                    [mid, *params, *relation_params],
                )
                total = cursor.fetchone()[0]
        return min(len(hits), LIMIT), total

    return run


def _orm(actor: Any) -> Callable[[str], tuple[int, int]]:
    """The selector's queryset, without its access log (to show what the log costs)."""
    from sammen.access import policy
    from sammen.citizens.models import Citizen
    from sammen.citizens.selectors import search_filter

    def run(query: str) -> tuple[int, int]:
        _, condition = search_filter(query)
        base = policy.citizens_visible(actor=actor, queryset=Citizen.objects.all())
        base = base.filter(condition)
        hits = list(base.order_by("last_name", "first_name", "pk")[: LIMIT + 1])
        total = base.count() if len(hits) > LIMIT else len(hits)
        return min(len(hits), LIMIT), total

    return run


def _selector(actor: Any) -> Callable[[str], tuple[int, int]]:
    from sammen.citizens import selectors

    def run(query: str) -> tuple[int, int]:
        result = selectors.citizen_search(actor=actor, query=query)
        return len(result.citizens), result.total

    return run


def _measure(args: argparse.Namespace, municipality: Any, population: int) -> dict[str, Any]:
    from django.db import connection
    from tqdm import tqdm

    from sammen.access.models import AccessLogEntry

    actor = _actor(municipality)
    ways = {
        "selector": _selector(actor),
        "orm": _orm(actor),
        "raw": _raw(actor),
        "raw, EXISTS": _raw(actor, shape="exists"),
        "raw, no policy": _raw(actor, shape="none"),
    }
    queries = _queries(municipality, args.queries)
    log_before = AccessLogEntry.objects.count()
    timings: dict[str, dict[str, list[float]]] = {k: {w: [] for w in ways} for k in KINDS}
    hits: dict[str, dict[str, int]] = {k: dict.fromkeys(ways, 0) for k in KINDS}
    rng = random.Random(7)
    total = len(KINDS) * args.queries * args.rounds
    with tqdm(total=total, desc=f"{connection.vendor}: søgninger", file=sys.stderr) as bar:
        for _ in range(args.rounds):
            for kind in KINDS:
                for query in queries[kind]:
                    order = list(ways)
                    rng.shuffle(order)  # interleaved, in a random order: no way is always first
                    for way in order:
                        started = time.perf_counter_ns()
                        shown, _total = ways[way](query)
                        timings[kind][way].append((time.perf_counter_ns() - started) / 1e6)
                        hits[kind][way] += shown
                    bar.update()
    log_rows = AccessLogEntry.objects.count() - log_before
    searches = len(KINDS) * args.queries * args.rounds
    report: dict[str, Any] = {
        "database": connection.vendor,
        "server": _server_version(),
        "citizens": population,
        "queries_per_kind": args.queries,
        "rounds": args.rounds,
        "access_log_rows_written": log_rows,
        "access_log_rows_per_search": round(log_rows / searches, 1),
        "kinds": {},
    }
    for kind in KINDS:
        row: dict[str, Any] = {}
        for way, values in timings[kind].items():
            row[way] = {"median_ms": _median(values), "p95_ms": _p95(values)}
            row[way]["avg_hits"] = round(hits[kind][way] / len(values), 1)
        for way in ("selector", "orm", "raw, EXISTS", "raw, no policy"):
            row[f"{way}/raw median"] = round(row[way]["median_ms"] / row["raw"]["median_ms"], 1)
            row[f"{way}/raw p95"] = round(row[way]["p95_ms"] / row["raw"]["p95_ms"], 1)
        report["kinds"][kind] = row
    return report


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def _p95(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=20, method="inclusive")[18], 2)


def _server_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def _print(report: dict[str, Any]) -> None:
    print(
        f"\n{report['server']}, {report['citizens']} borgere, "
        f"{report['queries_per_kind']} søgninger × {report['rounds']} pr. slags; "
        f"adgangslog: {report['access_log_rows_per_search']} rækker pr. søgning"
    )
    if report.get("generation"):
        print(f"generering: {report['generation']}")
    ways = ("selector", "orm", "raw", "raw, EXISTS", "raw, no policy")
    print(
        "| query | " + " | ".join(f"{w} median / p95 ms" for w in ways) + " | selector ÷ raw "
        "| selector ÷ raw EXISTS | hits (selector; no policy) |"
    )
    print("|---" * (len(ways) + 4) + "|")
    for kind, row in report["kinds"].items():
        cells = [f"{row[w]['median_ms']} / {row[w]['p95_ms']}" for w in ways]
        ratios = [
            f"{round(row['selector']['median_ms'] / row[w]['median_ms'], 1)}× / "
            f"{round(row['selector']['p95_ms'] / row[w]['p95_ms'], 1)}×"
            for w in ("raw", "raw, EXISTS")
        ]
        hits = f"{row['selector']['avg_hits']}; {row['raw, no policy']['avg_hits']}"
        print(f"| {kind} | " + " | ".join(cells + ratios) + f" | {hits} |")


if __name__ == "__main__":
    raise SystemExit(main())
