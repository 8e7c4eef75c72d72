"""A list of 50 citizens with its access log against the same list without it.

    .venv/bin/python -m bench.list_log                 # SQLite, then PostgreSQL if it answers
    .venv/bin/python -m bench.list_log --db sqlite --rounds 300

The list is `citizens.selectors.citizen_list_mine` — the list kernel as every module uses it:
`Citizen.objects.visible_to(actor)` (the policy as a filter on the actor's responsibilities)
and `access.lists.record_many` (one access-log row per citizen shown, with its citizen copy;
one INSERT per table; MinLog is sent later from the sealed copies) in the list's transaction.
"unlogged" runs the same transaction, queryset, order, limit and count without `record_many`.
A nurse's team is responsible for 50 citizens among 2,000 in the municipality. Interleaved,
`--rounds` each; median and p95 in ms, the ratio logged/unlogged, and the query counts.
Databases of their own: a SQLite file under bench/results/ and PostgreSQL `bench_lists`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/<name>.py`
    sys.path.insert(0, str(ROOT))

from bench._pg import pg_answers, pg_create_database  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/bench_lists"
SHOWN = 50
OTHERS = 1950


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        return _run(args)
    databases = [args.db] if args.db != "both" else ["sqlite", "postgres"]
    for db in databases:  # one after the other, each in its own process
        if db == "postgres":
            if not pg_answers(args.pg_url):
                print("PostgreSQL svarer ikke – springer over")
                continue
            _pg_drop(args.pg_url)
            pg_create_database(args.pg_url)
            url = args.pg_url
        else:
            RESULTS.mkdir(exist_ok=True)
            path = RESULTS / "bench_lists.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            url = f"sqlite:///{path}"
        env = os.environ | {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SAMMEN_SEAL_DIR": str(RESULTS / f"seal-lists-{db}"),
        }
        subprocess.run(  # noqa: S603 - our own script
            [sys.executable, "-m", "bench.list_log", "--inner", "--rounds", str(args.rounds)],
            cwd=ROOT,
            env=env,
            check=True,
        )
    return 0


def _pg_drop(url: str) -> None:
    """A fresh database each run (never `test`: pg_create_database refuses it)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in ("", "test", "postgres"):
        raise SystemExit(f"Vælg en egen database til benchmark, ikke {name!r}.")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _populate() -> Any:
    import datetime as dt

    from sammen.citizens.models import Citizen, Responsibility
    from sammen.core.actor import Actor
    from sammen.organisation.models import Membership, Municipality, OrgUnit, StaffMember, User
    from sammen.organisation.permissions import permissions_for

    m = Municipality.objects.create(name="Listekommune", code="998")
    mine = OrgUnit.objects.create(
        municipality=m, name="Team Liste", kind="team", area="aeldre_sundhed"
    )
    other = OrgUnit.objects.create(
        municipality=m, name="Team Andet", kind="team", area="aeldre_sundhed"
    )
    staff = StaffMember.objects.create(
        municipality=m,
        user=User.objects.create(username="liste-nurse"),
        first_name="Liste",
        last_name="Nurse",
        profession="sygeplejerske",
    )
    membership = Membership.objects.create(
        municipality=m, staff=staff, unit=mine, role="sygeplejerske", is_primary=True
    )
    citizens = [
        Citizen(
            municipality=m,
            cpr=f"140338{n:04d}",  # fictitious (14 March); the bench never validates them
            cpr_birth_part="140338",
            birth_date=dt.date(1938, 3, 14),
            sex="female",
            first_name="Liste",
            last_name=f"Borger{n:04d}",
            search_name=f"liste borger{n:04d}",
        )
        for n in range(SHOWN + OTHERS)
    ]
    Citizen.objects.bulk_create(citizens, batch_size=500)
    Responsibility.objects.bulk_create(
        [
            Responsibility(
                municipality=m,
                citizen=c,
                area="aeldre_sundhed",
                unit=mine if i < SHOWN else other,
                since=dt.date(2025, 1, 1),
            )
            for i, c in enumerate(citizens)
        ],
        batch_size=500,
    )
    return Actor(
        staff=staff,
        municipality=m,
        membership=membership,
        role=membership.role,
        unit=mine,
        permissions=permissions_for(membership.role),
    )


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from sammen.access.models import Purpose
    from sammen.citizens.models import Citizen, CitizenStatus
    from sammen.citizens.selectors import citizen_list_mine

    call_command("migrate", verbosity=0)
    actor = _populate()

    def logged() -> int:
        return len(citizen_list_mine(actor=actor).citizens)

    @transaction.atomic
    def unlogged() -> int:
        rows = Citizen.objects.visible_to(actor, purpose=Purpose.CARE_RELATION).filter(
            status=CitizenStatus.ACTIVE
        )
        shown = list(rows.order_by("last_name", "first_name", "pk")[:SHOWN])
        if len(shown) == SHOWN:
            rows.count()
        return len(shown)

    ways = {"logged": logged, "unlogged": unlogged}
    queries = {}
    for name, fn in ways.items():
        assert fn() == SHOWN
        with CaptureQueriesContext(connection) as captured:
            fn()
        queries[name] = len(captured.captured_queries)
    samples: dict[str, list[float]] = {name: [] for name in ways}
    for r in range(args.rounds):
        order = list(ways) if r % 2 == 0 else list(reversed(ways))
        for name in order:
            start = time.perf_counter()
            ways[name]()
            samples[name].append((time.perf_counter() - start) * 1000)

    def stats(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "median_ms": statistics.median(ordered),
            "p95_ms": ordered[int(len(ordered) * 0.95) - 1],
        }

    result: dict[str, Any] = {
        name: stats(v) | {"queries": queries[name]} for name, v in samples.items()
    }
    result["ratio_median"] = result["logged"]["median_ms"] / result["unlogged"]["median_ms"]
    result["ratio_p95"] = result["logged"]["p95_ms"] / result["unlogged"]["p95_ms"]
    vendor = connection.vendor
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"list_log_{vendor}.json").write_text(json.dumps(result, indent=2))
    print(f"\nListe med {SHOWN} borgere ({vendor}, {args.rounds} runder hver):")
    for name in ("unlogged", "logged"):
        s = result[name]
        print(
            f"  {name:>9}: median {s['median_ms']:.2f} ms, p95 {s['p95_ms']:.2f} ms, "
            f"{s['queries']} forespørgsler"
        )
    print(
        f"  logged ÷ unlogged: median {result['ratio_median']:.2f}×, p95 {result['ratio_p95']:.2f}×"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
