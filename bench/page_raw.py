"""The citizen page and the journal overview against hand-written SQL for the same rows, both
with their access-log insert: selector ÷ raw, side by side in one run, SQLite and PostgreSQL.

    flock /tmp/sammen-bench.lock .venv/bin/python -m bench.page_raw          # SQLite, then PG
    .venv/bin/python -m bench.page_raw --db sqlite --entries 100000 --rounds 30

The population is `bench/journal_overview.py`'s (demo citizens, journal histories until
`--entries` rows, one citizen with a dense five-year history; the same databases, reused), the
reading actor its head of elderly care. Timed, interleaved in random order, `--rounds` each:

- `citizen page`: `citizens.selectors.citizen_overview` and the page's sections as the view
  loads them (citizen, care-relation decision, access-log row, relatives, consents, open
  responsibilities, change log, the journal section's current states and notes), no HTML;
  `citizen page html`: the view `citizens.views.citizen_overview` with its HTML;
- `overview`: `journal.selectors.journal_overview` with `since` 30 days back;
  `overview html`: the view with its HTML;
- `raw page` / `raw overview`: one transaction of hand-written SQL (psycopg or sqlite3 through
  Django's cursor, rows as tuples): the citizen row, the care relation as one EXISTS (with the
  leader's unit subtree as a recursive CTE), the same data rows the selector reads, and the
  access-log row with its citizen copy (two INSERTs), then the commit. Value sets are not read
  on either side: the app caches them per process by version (they never change), and a
  hand-written program would too. No display text is built on the raw side.

Reported: median and p95 in ms and selector ÷ raw. Results go to bench/results/page_raw_<db>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/<name>.py`
    sys.path.insert(0, str(ROOT))

from bench import journal_overview as population  # noqa: E402
from bench._pg import pg_answers  # noqa: E402

RESULTS = ROOT / "bench" / "results"

RELATION = """
WITH RECURSIVE subtree(id) AS (
  SELECT %s {uuid_cast}
  UNION ALL SELECT u.id FROM organisation_orgunit u JOIN subtree s ON u.parent_id = s.id
)
SELECT EXISTS (SELECT 1 FROM citizens_responsibility r
               WHERE r.citizen_id = %s AND r.until IS NULL
                 AND r.unit_id IN (SELECT id FROM subtree))
"""
CITIZEN = "SELECT * FROM citizens_citizen WHERE id = %s AND municipality_id = %s"
RELATIVES = (
    "SELECT * FROM citizens_relative WHERE citizen_id = %s ORDER BY is_primary_contact DESC, name"
)
CONSENTS = """
SELECT c.*, r.first_name, r.last_name, w.first_name, w.last_name
FROM citizens_consent c
JOIN organisation_staffmember r ON r.id = c.recorded_by_id
LEFT JOIN organisation_staffmember w ON w.id = c.withdrawn_by_id
WHERE c.citizen_id = %s ORDER BY c.given_on DESC
"""
RESPONSIBILITIES = """
SELECT r.*, u.name FROM citizens_responsibility r JOIN organisation_orgunit u ON u.id = r.unit_id
WHERE r.citizen_id = %s AND r.until IS NULL ORDER BY r.area, r.since DESC
"""
CHANGES = """
SELECT l.*, s.first_name, s.last_name FROM access_changelogentry l
LEFT JOIN organisation_staffmember s ON s.id = l.staff_id
WHERE l.citizen_id = %s ORDER BY l.created_at DESC LIMIT 20
"""
SECTION_CURRENT = population.RAW_CURRENT + " LIMIT 200"
SECTION_NOTES = population.RAW_NOTES.replace("LIMIT 10", "LIMIT 3")
LOG = """
INSERT INTO access_accesslogentry (at, municipality_id, staff_id, role, unit_id, unit_name,
  citizen_id, criterion, operation, purpose, outcome, severity, object_type, grant_id,
  request_id, client_ip)
VALUES (%s, %s, %s, %s, %s, %s, %s, '', 'view', 'care_relation', 'success', 'normal', %s, NULL,
  '', '')
RETURNING seq
"""
LOG_COPY = """
INSERT INTO access_citizenaccessrecord (access_seq, municipality_id, citizen_id, at, unit_name,
  staff_id, role, operation, purpose, object_type, break_the_glass)
VALUES (%s, %s, %s, %s, %s, %s, %s, 'view', 'care_relation', %s, %s)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--pg-url", default=population.DEFAULT_PG_URL)
    args = parser.parse_args(argv)
    if args.db != "both":
        return _run_one(args)
    print(f"load before: {os.getloadavg()}", flush=True)
    databases = ["sqlite"] + (["postgres"] if pg_answers(args.pg_url) else [])
    for db in databases:  # one after the other: never load the machine twice
        command = [sys.executable, str(Path(__file__).resolve()), "--db", db]
        command += ["--entries", str(args.entries), "--rounds", str(args.rounds)]
        command += ["--pg-url", args.pg_url]
        subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603 - our own script
    print(f"load after: {os.getloadavg()}", flush=True)
    return 0


def _raw_log(cursor: Any, actor: Any, key: Any, at: Any, object_type: str, ids: Any) -> None:
    municipality, staff, unit = ids
    cursor.execute(
        LOG, [at, municipality, staff, actor.role, unit, actor.unit.name, key, object_type]
    )
    (seq,) = cursor.fetchone()
    cursor.execute(
        LOG_COPY,
        [seq, municipality, key, at, actor.unit.name, staff, actor.role, object_type, False],
    )


def _measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction
    from django.test import RequestFactory
    from django.utils import timezone

    from sammen.citizens import sections
    from sammen.citizens import selectors as citizen_selectors
    from sammen.citizens import views as citizen_views
    from sammen.citizens.models import Responsibility
    from sammen.core.refcache import reference_scope
    from sammen.core.requests import ActorRequest
    from sammen.journal import selectors, views
    from sammen.organisation.models import Municipality

    municipality = Municipality.objects.get(name="Greve")
    citizen_id, heavy_count = population._heavy(municipality)
    actor = population._actor(municipality)
    Responsibility.objects.get_or_create(
        municipality=municipality,
        citizen_id=citizen_id,
        unit=actor.unit,
        until=None,
        defaults={"area": actor.unit.area, "since": timezone.localdate()},
    )
    since = timezone.localdate() - dt.timedelta(days=30)
    since_dt = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    sqlite = connection.vendor == "sqlite"

    def db_id(value: uuid.UUID) -> Any:
        return value.hex if sqlite else value

    key = db_id(citizen_id)
    ids = (db_id(municipality.pk), db_id(actor.staff.pk), db_id(actor.unit.pk))
    relation = RELATION.format(uuid_cast="" if sqlite else "::uuid")
    factory = RequestFactory()

    def request_for(path: str, data: dict[str, str] | None = None) -> ActorRequest:
        request = cast(ActorRequest, factory.get(path, data or {}))
        request.actor = actor
        request.user = actor.staff.user
        request.session = SessionStore()
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        return request

    def page() -> Any:
        overview = citizen_selectors.citizen_overview(actor=actor, citizen_id=citizen_id)
        return [s.load(actor, overview.access) for s in sections.sections_all()]

    def page_html() -> Any:
        response = citizen_views.citizen_overview(
            request_for(f"/borgere/{citizen_id}/"), citizen_id=citizen_id
        )
        assert response.status_code == 200, response.status_code

    def overview() -> Any:
        return selectors.journal_overview(actor=actor, citizen_id=citizen_id, since=since)

    def overview_html() -> Any:
        request = request_for(f"/journal/borger/{citizen_id}/", {"since": since.isoformat()})
        response = views.journal_overview(request, citizen_id=citizen_id)
        assert response.status_code == 200, response.status_code

    def raw_page() -> int:
        rows = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(CITIZEN, [key, ids[0]])
            rows += len(cursor.fetchall())
            cursor.execute(relation, [ids[2], key])
            assert cursor.fetchone()[0]
            _raw_log(cursor, actor, key, timezone.now(), "citizen", ids)
            for sql in (RELATIVES, CONSENTS, RESPONSIBILITIES, CHANGES):
                cursor.execute(sql, [key])
                rows += len(cursor.fetchall())
            cursor.execute(SECTION_CURRENT.format(before=""), [key])
            rows += len(cursor.fetchall())
            cursor.execute(SECTION_NOTES, [key])
            rows += len(cursor.fetchall())
        return rows

    def raw_overview() -> int:
        rows = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(CITIZEN, [key, ids[0]])
            rows += len(cursor.fetchall())
            cursor.execute(relation, [ids[2], key])
            assert cursor.fetchone()[0]
            _raw_log(cursor, actor, key, timezone.now(), "journal", ids)
            cursor.execute(population.RAW_CURRENT.format(before=""), [key])
            rows += len(cursor.fetchall())
            cursor.execute(
                population.RAW_CURRENT.format(before="AND e.refers_to < %s"), [key, since_dt]
            )
            rows += len(cursor.fetchall())
            cursor.execute(population.RAW_NOTES, [key])
            rows += len(cursor.fetchall())
        return rows

    ways = {
        "citizen page": page,
        "citizen page html": page_html,
        "raw page": raw_page,
        "overview": overview,
        "overview html": overview_html,
        "raw overview": raw_overview,
    }
    for fn in ways.values():  # warm up
        fn()
    samples: dict[str, list[float]] = {name: [] for name in ways}
    order = list(ways)
    rng = random.Random(1)
    for _ in range(args.rounds):
        rng.shuffle(order)
        for name in order:
            started = time.perf_counter()
            with reference_scope():  # as in a request: the reference-data stamp read once
                ways[name]()
            samples[name].append((time.perf_counter() - started) * 1000)
    stats = {name: population._stats(values) for name, values in samples.items()}
    pairs = {
        "citizen page / raw page": ("citizen page", "raw page"),
        "citizen page html / raw page": ("citizen page html", "raw page"),
        "overview / raw overview": ("overview", "raw overview"),
        "overview html / raw overview": ("overview html", "raw overview"),
    }
    ratio = {
        label: {k: round(stats[a][k] / stats[b][k], 2) for k in ("median", "p95")}
        for label, (a, b) in pairs.items()
    }
    return {
        "database": f"{connection.vendor} {population._version(connection)}",
        "citizen_entries": heavy_count,
        "rounds": args.rounds,
        "load": os.getloadavg(),
        "ms": stats,
        "ratio": ratio,
    }


def _run_one(args: argparse.Namespace) -> int:
    population._setup_django(args)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    population._populate(args)
    report = _measure(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"page_raw_{connection.vendor}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
