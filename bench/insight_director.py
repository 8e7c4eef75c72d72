"""The director's insight page (`/indsigt/kommune/`) on a demo municipality of 10,000
citizens with three years of history: the page, the selector, and a hand-written SQL
aggregate of one figure side by side.

    .venv/bin/python bench/insight_director.py                       # SQLite, then PostgreSQL
    .venv/bin/python bench/insight_director.py --db sqlite --rounds 10

Population: `manage.py demo_municipality`'s generator (`sammen.demo.generator`, seed 1, 700
staff, 3 years, with the modules' data streams: journal histories, access history with
break-the-glass), plus — written by this script, since the demo gives every citizen one
responsible unit — a second responsibility in another area for 12 % of the citizens, so the
"less silo" figure has something to count. Databases of their own:
`bench/results/bench_insight_<N>.sqlite3` and PostgreSQL `bench_insight` (`--pg-url`).

Timed, interleaved, `--rounds` times each:
- `page`: GET /indsigt/kommune/ as the director (access rule, four figures, protection,
  charts' JSON, HTML);
- `selector`: `insight.selectors.municipality_view` (the four figures' SQL, protection);
- `raw`: hand-written SQL for one figure (citizens per area per month, 18 months) — the
  aggregate the figure's query function and the framework produce together, as one would
  write it by hand; reported per figure so it compares with selector ÷ 4.
Reported: median and p95 in ms, the page's query count, the machine's load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._pg import pg_answers, pg_create_database  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/bench_insight"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--citizens", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument(
        "--populate-only", action="store_true", help="build the database, time nothing"
    )
    args = parser.parse_args(argv)
    if args.db != "both":
        return _run_one(args)
    databases = ["sqlite"] + (["postgres"] if pg_answers(args.pg_url) else [])
    for db in databases:  # one after the other: never load the machine twice
        command = [sys.executable, str(Path(__file__).resolve()), "--db", db]
        command += ["--citizens", str(args.citizens), "--rounds", str(args.rounds)]
        command += ["--pg-url", args.pg_url]
        subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603 - our own script
    return 0


def _setup_django(args: argparse.Namespace) -> None:
    if args.db == "postgres":
        pg_create_database(args.pg_url)
        os.environ["DATABASE_URL"] = args.pg_url
    else:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"bench_insight_{args.citizens}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("SAMMEN_MFA_REQUIRED", "false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _populate(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from sammen.citizens.models import Citizen, Responsibility
    from sammen.demo.generator import (
        TqdmProgress,
        municipality_generate,
        municipality_get_or_create,
    )
    from sammen.organisation.models import Area, OrgUnit, UnitKind

    municipality = municipality_get_or_create(name="Greve")
    if Citizen.objects.for_municipality(municipality).count() >= args.citizens:
        return {"reused": True}
    started = time.perf_counter()
    # The journal's own stream writes whole histories (minutes for 10,000 citizens on a shared
    # machine); the figure needs only the FSIII assessments, written below in bulk.
    from sammen.core import demo_streams

    journal_stream = demo_streams._STREAMS.pop("journal", None)
    try:
        municipality_generate(
            municipality=municipality,
            citizens=args.citizens,
            staff=700,
            years=3,
            seed=1,
            run_streams=True,
            progress=TqdmProgress(sys.stderr, disable=False),
        )
    finally:
        if journal_stream is not None:
            demo_streams._STREAMS["journal"] = journal_stream
    assessments = _assessments(municipality)
    rng = random.Random(13)
    teams: dict[str, list[Any]] = {}
    for unit in OrgUnit.objects.filter(municipality=municipality, kind=UnitKind.TEAM):
        teams.setdefault(unit.area, []).append(unit)
    rows = []
    for citizen_id, area, since in Responsibility.objects.filter(
        municipality=municipality, until__isnull=True
    ).values_list("citizen_id", "area", "since"):
        if rng.random() < 0.12:
            other = rng.choice([a for a in Area.values if a != area and teams.get(a)])
            start = since + dt.timedelta(days=rng.randint(0, 700))
            rows.append(
                Responsibility(
                    municipality=municipality,
                    citizen_id=citizen_id,
                    area=other,
                    unit=rng.choice(teams[other]),
                    since=min(start, timezone.localdate()),
                )
            )
    with transaction.atomic():
        Responsibility.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "second_areas": len(rows),
        "fsiii_assessments": assessments,
    }


def _assessments(municipality: Any) -> int:
    """1-4 FSIII funktionsevnetilstande per elderly-care citizen over three years (85 % of
    them), bulk-inserted like the journal's demo writer does."""
    import uuid

    from django.db import transaction
    from django.utils import timezone

    from sammen.citizens.models import Responsibility
    from sammen.journal.loader import content_load
    from sammen.journal.models import Entry, EntryKind, EntryStatus, Template
    from sammen.organisation.models import Area, Membership, Role

    content_load()
    template = Template.objects.get(key="fsiii-funktionsevnetilstand", version=1)
    nurses = list(
        Membership.objects.filter(municipality=municipality, role=Role.NURSE).select_related(
            "staff", "unit"
        )
    )
    rng = random.Random(7)
    now = timezone.now()
    entries = []
    for (citizen_id,) in Responsibility.objects.filter(
        municipality=municipality, area=Area.ELDERLY_HEALTH
    ).values_list("citizen_id"):
        if rng.random() > 0.85:
            continue
        for _i in range(rng.randint(1, 4)):
            m = rng.choice(nurses)
            refers = now - dt.timedelta(days=rng.randint(0, 3 * 365), hours=rng.randint(0, 12))
            written = refers + dt.timedelta(days=rng.choice([0, 0, 0, 1, 2, 10]))
            chain = uuid.uuid4()
            entries.append(
                Entry(
                    id=chain,
                    municipality=municipality,
                    citizen_id=citizen_id,
                    template=template,
                    kind=EntryKind.STATE,
                    author=m.staff,
                    role=m.role,
                    unit=m.unit,
                    written_at=min(written, now),
                    refers_to=refers,
                    data={
                        "tilstand": "feb38b55-c2d7-4d57-99c2-93622eaa0025",
                        "nuvaerende_niveau": 2,
                    },
                    status=EntryStatus.VALID,
                    chain_id=chain,
                    version=1,
                    subject_code="feb38b55-c2d7-4d57-99c2-93622eaa0025",
                )
            )
    with transaction.atomic():
        Entry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


RAW = """
WITH p(pkey, as_of) AS (VALUES {values})
SELECT p.pkey, r.area, COUNT(DISTINCT r.citizen_id)
FROM p JOIN citizens_responsibility r
  ON r.since <= p.as_of AND (r.until IS NULL OR r.until > p.as_of)
WHERE r.municipality_id = %s
GROUP BY p.pkey, r.area
"""


def _run_one(args: argparse.Namespace) -> int:
    _setup_django(args)
    from django.db import connection, models
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from sammen.insight import selectors
    from sammen.insight.figures import two_years
    from sammen.organisation.models import Membership, Role
    from sammen.organisation.tests.factories import actor_for, logged_in_client

    populated = _populate(args)
    if args.populate_only:
        print(json.dumps(populated))
        return 0
    director = (
        Membership.objects.filter(role=Role.DIRECTOR, municipality__name="Greve")
        .select_related("staff__user")
        .first()
    )
    assert director is not None
    actor = actor_for(director.staff)
    client = logged_in_client(director.staff, verified=False)
    today, now = timezone.localdate(), timezone.now()
    periods = two_years(today, now)
    values = ", ".join(["(%s, %s)"] * len(periods))
    params: list[Any] = []
    for p in periods:
        params += [p.key, connection.ops.adapt_datefield_value(p.as_of)]
    params.append(models.UUIDField().get_db_prep_value(actor.municipality.pk, connection))
    raw_sql = RAW.format(values=values)

    def page() -> None:
        response = client.get("/indsigt/kommune/")
        assert response.status_code == 200, response.status_code

    def selector() -> None:
        selectors.municipality_view(actor=actor)

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(raw_sql, params)
            cursor.fetchall()

    with CaptureQueriesContext(connection) as ctx:
        page()
    queries = len(ctx.captured_queries)
    ways = {"page": page, "selector": selector, "raw": raw}
    samples: dict[str, list[float]] = {k: [] for k in ways}
    for _round in range(args.rounds):
        for name in random.sample(list(ways), len(ways)):
            t0 = time.perf_counter()
            ways[name]()
            samples[name].append((time.perf_counter() - t0) * 1000)

    def stats(xs: list[float]) -> dict[str, float]:
        xs = sorted(xs)
        return {
            "median": round(statistics.median(xs), 1),
            "p95": round(xs[min(len(xs) - 1, int(0.95 * len(xs)))], 1),
        }

    result = {
        "db": connection.vendor,
        "citizens": args.citizens,
        "rounds": args.rounds,
        "populated": populated,
        "page_queries": queries,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **{k: stats(v) for k, v in samples.items()},
    }
    result["selector_per_figure_over_raw"] = round(
        result["selector"]["median"] / 4 / max(result["raw"]["median"], 0.01), 2
    )
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"insight_director_{connection.vendor}.json").write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
