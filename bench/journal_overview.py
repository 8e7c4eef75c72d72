"""The journal overview (borgerblik) of a citizen with five years of history, in a database of
a million journal entries: the page and the selector against the raw SQL the page needs.

    .venv/bin/python bench/journal_overview.py --entries 1000000      # SQLite, then PostgreSQL
    .venv/bin/python bench/journal_overview.py --db sqlite --entries 100000 --rounds 10

Population: the demo generator's organisation and citizens (`sammen.demo.generator`, seed 1,
no streams), then the journal demo stream's histories (`sammen.journal.demo`, bulk inserts)
until `--entries` rows exist; one citizen gets a dense five-year history (>= 2,000 entries:
assessments every 2-4 weeks, a note nearly every day). Databases of their own:
`bench/results/bench_journal_<N>.sqlite3` and PostgreSQL `bench_journal` (`--pg-url`); a
second run reuses them.

Timed, interleaved, `--rounds` times each:
- `page`: the view `journal.views.journal_overview` as a request reaches it (access rule,
  policy, access-log row, ORM, rendering the HTML), with `?since=` 30 days back;
- `selector`: `journal.selectors.journal_overview` (policy, access log, ORM, no HTML);
- `raw`: hand-written SQL for the data the page shows: the current state per item (window
  function over chain heads), the state 30 days ago, the ten latest notes, the value-set rows
  for display — rows as tuples, no policy, no log.
Reported: median and p95 in ms, the page's query count, and page/raw and selector/raw.
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
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/<name>.py`
    sys.path.insert(0, str(ROOT))

from bench._pg import pg_answers, pg_create_database  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/bench_journal"
HEAVY_YEARS = 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args(argv)
    if args.db != "both":
        return _run_one(args)
    databases = ["sqlite"] + (["postgres"] if pg_answers(args.pg_url) else [])
    for db in databases:  # one after the other: never load the machine twice
        command = [sys.executable, str(Path(__file__).resolve()), "--db", db]
        command += ["--entries", str(args.entries), "--rounds", str(args.rounds)]
        command += ["--pg-url", args.pg_url]
        subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603 - our own script
    return 0


def _setup_django(args: argparse.Namespace) -> None:
    if args.db == "postgres":
        pg_create_database(args.pg_url)
        os.environ["DATABASE_URL"] = args.pg_url
    else:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"bench_journal_{args.entries}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("SAMMEN_MFA_REQUIRED", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _populate(args: argparse.Namespace) -> dict[str, Any]:
    """Citizens from the demo generator, then journal histories until --entries rows."""
    from django.db import connection, transaction
    from django.utils import timezone

    from sammen.citizens.models import Citizen, Responsibility
    from sammen.demo.generator import (
        TqdmProgress,
        municipality_generate,
        municipality_get_or_create,
    )
    from sammen.journal import demo
    from sammen.journal.models import Entry
    from sammen.organisation.models import Area

    municipality = municipality_get_or_create(name="Greve")
    have = Entry.objects.count()
    if have >= args.entries:
        return {"reused": True}
    started = time.perf_counter()
    progress = TqdmProgress(sys.stderr, disable=False)
    citizens_needed = max(50, args.entries // 120)
    if Citizen.objects.for_municipality(municipality).count() < citizens_needed:
        print(f"[{connection.vendor}] {citizens_needed} borgere …", file=sys.stderr)
        municipality_generate(
            municipality=municipality,
            citizens=citizens_needed,
            staff=300,
            years=HEAVY_YEARS,
            seed=1,
            run_streams=False,
            progress=progress,
        )
    today = timezone.localdate()
    start = today - dt.timedelta(days=365 * HEAVY_YEARS)
    rng = random.Random(2026)
    writer = demo.writer_for(municipality, rng)
    authors = demo._authors(municipality)
    names = demo.choices_by_name(
        ["fsiii-funktionsevnetilstande", "fsiii-helbredstilstande", "fsiii-generelle-oplysninger"]
    )
    elderly = list(
        Responsibility.objects.filter(
            municipality=municipality, area=Area.ELDERLY_HEALTH, until__isnull=True
        )
        .order_by("citizen_id")
        .values_list("citizen_id", flat=True)
    )
    general = names["fsiii-generelle-oplysninger"]
    print(f"[{connection.vendor}] {args.entries} journalnotater …", file=sys.stderr)
    with transaction.atomic():
        heavy = elderly[0]
        demo.citizen_history(
            writer,
            authors,
            citizen_id=heavy,
            start=start,
            today=today,
            items=names["fsiii-funktionsevnetilstande"],
            health=names["fsiii-helbredstilstande"],
            general=general,
            kind="declining",
            note_every=(1, 1),
            assess_every=(14, 28),
        )
        writer.flush()
        i = 1
        while writer.written < args.entries - have:
            citizen_id = elderly[i % len(elderly)]
            i += 1
            demo.citizen_history(
                writer,
                authors,
                citizen_id=citizen_id,
                start=start + dt.timedelta(days=rng.randint(0, 365 * HEAVY_YEARS - 30)),
                today=today,
                items=names["fsiii-funktionsevnetilstande"],
                health=names["fsiii-helbredstilstande"],
                general=general,
            )
            if len(writer.buffer) >= demo.BATCH:
                writer.flush()
            progress("Journalnotater", min(writer.written, args.entries), args.entries)
        writer.flush()
        progress("Journalnotater", args.entries, args.entries)
    progress.close()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"seconds": round(time.perf_counter() - started, 1), "written": writer.written}


def _heavy(municipality: Any) -> Any:
    from django.db.models import Count

    from sammen.journal.models import Entry

    row = (
        Entry.objects.filter(municipality=municipality)
        .values("citizen_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert row is not None
    return row["citizen_id"], row["n"]


def _actor(municipality: Any) -> Any:
    """The head of elderly care: a leader at the top of the elderly tree (reaches everyone)."""
    from sammen.core.actor import Actor
    from sammen.organisation.models import Area, Membership, Role
    from sammen.organisation.permissions import permissions_for

    membership = (
        Membership.objects.for_municipality(municipality)
        .filter(role=Role.LEADER, unit__parent__isnull=True, unit__area=Area.ELDERLY_HEALTH)
        .select_related("staff", "staff__user", "unit", "municipality")
        .order_by("staff__user__username")
        .first()
    )
    assert membership is not None
    return Actor(
        staff=membership.staff,
        municipality=municipality,
        membership=membership,
        role=membership.role,
        unit=membership.unit,
        permissions=permissions_for(membership.role),
    )


RAW_CURRENT = """
SELECT id, subject_code, refers_to, data, author_id, template_id FROM (
  SELECT e.id, e.subject_code, e.refers_to, e.data, e.author_id, e.template_id,
         ROW_NUMBER() OVER (PARTITION BY e.subject_code
                            ORDER BY e.refers_to DESC, e.written_at DESC, e.id DESC) AS rn
  FROM journal_entry e
  WHERE e.citizen_id = %s AND e.kind = 'state' AND e.status = 'valid' {before}
    AND NOT EXISTS (SELECT 1 FROM journal_entry r WHERE r.replaces_id = e.id)
) ranked WHERE rn = 1
"""
RAW_NOTES = """
SELECT e.id, e.subject_code, e.refers_to, e.data, s.first_name, s.last_name
FROM journal_entry e JOIN organisation_staffmember s ON s.id = e.author_id
WHERE e.citizen_id = %s AND e.kind = 'note' AND e.status = 'valid'
  AND NOT EXISTS (SELECT 1 FROM journal_entry r WHERE r.replaces_id = e.id)
ORDER BY e.refers_to DESC, e.written_at DESC LIMIT 10
"""
RAW_VALUE_SETS = """
SELECT v.key, c.code, c.legacy_code, c.display, m.active, m.group_code, m.group_display
FROM terminology_valuesetmember m
JOIN terminology_valueset v ON v.id = m.value_set_id
JOIN terminology_concept c ON c.id = m.concept_id
WHERE v.key IN ('fsiii-generelle-oplysninger', 'fsiii-funktionsevnetilstande',
                'fsiii-helbredstilstande', 'fsiii-tilstande', 'fsiii-udfoerelse',
                'fsiii-betydning', 'fsiii-forventet-tilstand')
ORDER BY v.key, m.group_order, m."order"
"""


def _raw(citizen_id: Any, since: dt.datetime) -> int:
    from django.db import connection

    key = citizen_id.hex if connection.vendor == "sqlite" else citizen_id
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute(RAW_CURRENT.format(before=""), [key])
        rows += len(cursor.fetchall())
        cursor.execute(RAW_CURRENT.format(before="AND e.refers_to < %s"), [key, since])
        rows += len(cursor.fetchall())
        cursor.execute(RAW_NOTES, [key])
        rows += len(cursor.fetchall())
        cursor.execute(RAW_VALUE_SETS)
        rows += len(cursor.fetchall())
    return rows


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": round(statistics.median(ordered), 2), "p95": round(p95, 2)}


def _measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from sammen.citizens.models import Responsibility
    from sammen.core.requests import ActorRequest
    from sammen.journal import selectors, views
    from sammen.journal.models import Entry
    from sammen.organisation.models import Municipality

    municipality = Municipality.objects.get(name="Greve")
    citizen_id, heavy_count = _heavy(municipality)
    actor = _actor(municipality)
    # The measuring actor needs a care relation to the citizen (an open responsibility).
    Responsibility.objects.get_or_create(
        municipality=municipality,
        citizen_id=citizen_id,
        unit=actor.unit,
        until=None,
        defaults={"area": actor.unit.area, "since": timezone.localdate()},
    )
    since = timezone.localdate() - dt.timedelta(days=30)
    since_dt = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    factory = RequestFactory()

    def page() -> Any:
        request = cast(
            ActorRequest,
            factory.get(f"/journal/borger/{citizen_id}/", {"since": since.isoformat()}),
        )
        request.actor = actor
        request.user = actor.staff.user
        request.session = SessionStore()
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        response = views.journal_overview(request, citizen_id=citizen_id)
        assert response.status_code == 200, response.status_code
        return response

    def selector() -> Any:
        return selectors.journal_overview(actor=actor, citizen_id=citizen_id, since=since)

    def raw() -> Any:
        return _raw(citizen_id, since_dt)

    ways = {"page": page, "selector": selector, "raw": raw}
    for fn in ways.values():  # warm up
        fn()
    with CaptureQueriesContext(connection) as queries:
        html = page().content
    samples: dict[str, list[float]] = {name: [] for name in ways}
    order = list(ways)
    rng = random.Random(1)
    for _ in range(args.rounds):
        rng.shuffle(order)
        for name in order:
            started = time.perf_counter()
            ways[name]()
            samples[name].append((time.perf_counter() - started) * 1000)
    stats = {name: _stats(values) for name, values in samples.items()}
    ratio = {
        f"{name}/raw": {k: round(stats[name][k] / stats["raw"][k], 1) for k in ("median", "p95")}
        for name in ("page", "selector")
    }
    return {
        "database": f"{connection.vendor} {_version(connection)}",
        "entries": Entry.objects.count(),
        "citizen_entries": heavy_count,
        "citizen_years": HEAVY_YEARS,
        "rounds": args.rounds,
        "page_queries": len(queries),
        "page_bytes": len(html),
        "ms": stats,
        "ratio": ratio,
    }


def _version(connection: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        return str(cursor.fetchone()[0])


def _run_one(args: argparse.Namespace) -> int:
    _setup_django(args)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    generation = _populate(args)
    report = _measure(args)
    report["generation"] = generation
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"journal_overview_{connection.vendor}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
