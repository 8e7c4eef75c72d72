"""Sammen side by side with GNU Health 5.0: the same operations, the same N, interleaved blocks.

    flock /tmp/sammen-bench.lock .venv/bin/python bench/gnuhealth_compare.py --gh-peer /work/gh-peer
    .venv/bin/python bench/gnuhealth_compare.py -n 200 --blocks 2 --searches 40   # a quick look

GNU Health is the peer installed by `../shared/peers/gnuhealth/setup_gnuhealth.sh` into
`--gh-peer` (its own PostgreSQL cluster on port 5433). Its own benchmark, `gnuhealth_bench.py`,
runs unchanged in its own venv as a subprocess, once per block (`-n N/blocks --no-reset`; the
first block recreates its database, untimed): the driver below imports it and only wraps its
`stats()` so the raw samples come back in its JSON, not just the block's median.

Sammen runs in this process on PostgreSQL (`--pg-url`, database `bench_compare`, dropped and
recreated each run, never `test`) through its own services and selectors, as a view calls
them — policy, one transaction, the change log and the access log (hash-chained) included:

- create_patient (party + patient, then its id looked up) against `citizen_create`;
- create_evaluation (an encounter with vital signs) against `entry_create` of an FSIII health
  condition assessment: the nearest kind of structured record only (Sammen has no vital-signs
  template), so its ratio is marked "nearest kind";
- create_nursing_session (ambulatory care: vitals and notes) against `entry_create` of a
  `fsiii-fagligt-notat`;
- read_patient_with_records (the patient, its evaluations and sessions) against
  `citizen_overview` and the citizen page's sections, as the view loads them (no HTML);
- search_name_recname (`rec_name ilike %Family%`) and search_name_lastname
  (`party.lastname ilike Family%`), each with the hits read, against `citizen_search` with the
  family name (name contains; hits read; one access-log row per hit).

Sammen also times, without a GNU Health counterpart: the citizen page view with its HTML, and
the journal overview selector. Block order: Sammen, GNU Health, Sammen, … so both see the same
machine load. Each side draws names from the same 40 × 40 Danish names (GNU Health's lists), so
a family-name search hits about N/40 people on both. Reported: median and p95 ms per operation
for each side and GNU Health ÷ Sammen (how many times faster Sammen is); JSON in bench/results/.
No CPR number is printed.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/<name>.py`
    sys.path.insert(0, str(ROOT))

from bench._pg import pg_answers, pg_create_database  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/bench_compare"

# gnuhealth_bench.py's name lists, so both sides search the same distribution.
GIVEN = ["Anne", "Kirsten", "Hanne", "Mette", "Anna", "Helle", "Susanne", "Lene", "Maria",
         "Marianne", "Inge", "Karen", "Lone", "Bente", "Camilla", "Pia", "Louise", "Charlotte",
         "Jette", "Tina", "Peter", "Michael", "Jens", "Lars", "Thomas", "Henrik", "Søren",
         "Christian", "Martin", "Jan", "Morten", "Jesper", "Anders", "Niels", "Mads", "Rasmus",
         "Per", "Kim", "Hans", "Ole"]  # fmt: skip
FAMILY = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
          "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
          "Thomsen", "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen",
          "Jakobsen", "Mikkelsen", "Olesen", "Frederiksen", "Laursen", "Henriksen", "Lund",
          "Schmidt", "Holm", "Eriksen", "Kristiansen", "Clausen", "Simonsen", "Svendsen",
          "Andreasen", "Iversen", "Østergaard", "Jeppesen", "Vestergaard"]  # fmt: skip

PERSONLIG_PLEJE = "feb38b55-c2d7-4d57-99c2-93622eaa0025"  # FSIII J1 (a current concept)
TRYKSAAR = "bb0ea5fa-3462-40de-9047-a16fc4815a47"  # FSIII I4.4 (a current concept)

# (label, Sammen op, GNU Health op or None, fair?)
PAIRS: list[tuple[str, str, str | None, str]] = [
    ("create citizen / patient", "create_citizen", "create_patient", "yes"),
    (
        "structured assessment / evaluation",
        "create_assessment",
        "create_evaluation",
        "nearest kind",
    ),
    ("nursing note / session", "create_note", "create_nursing_session", "yes"),
    ("read citizen with records", "read_citizen", "read_patient_with_records", "yes"),
    ("search family name (contains)", "search_name", "search_name_recname", "yes"),
    ("search family name (GH: prefix)", "search_name", "search_name_lastname", "yes"),
    ("citizen page with HTML", "page_html", None, "no counterpart"),
    ("journal overview selector", "journal_overview", None, "no counterpart"),
]

# Runs GNU Health's own bench unchanged; only its stats() also returns the raw samples.
GH_DRIVER = """
import sys
sys.path.insert(0, sys.argv[1])
import gnuhealth_bench as g
_stats = g.stats
g.stats = lambda samples, wall: {**_stats(samples, wall),
                                 "samples_ms": [s * 1000 for s in samples]}
sys.argv = ["gnuhealth_bench.py", *sys.argv[2:]]
g.main()
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("-n", type=int, default=1000, help="citizens/patients in all")
    parser.add_argument("--blocks", type=int, default=4, help="blocks per side")
    parser.add_argument("--searches", type=int, default=200, help="name searches in all")
    parser.add_argument("--gh-peer", default=os.environ.get("GH_PEER", "/work/gh-peer"))
    parser.add_argument("--gh-db", default="ghcompare")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args(argv)
    if args.n < 2 * args.blocks:
        parser.error("-n must be at least 2 per block (GNU Health's audit probe needs two)")
    # `make bench` runs every script: without the peer or PostgreSQL this one is skipped.
    if not pg_answers(args.pg_url):
        print("PostgreSQL svarer ikke på --pg-url – springer over.")
        return 0
    gh_python = Path(args.gh_peer) / "gnuhealth-venv" / "bin" / "python"
    if not gh_python.exists():
        print(
            f"GNU Health er ikke installeret i {args.gh_peer} (setup_gnuhealth.sh) – springer over."
        )
        return 0
    _pg_drop(args.pg_url)
    pg_create_database(args.pg_url)
    _setup_django(args.pg_url)
    RESULTS.mkdir(parents=True, exist_ok=True)
    sammen = _Sammen()
    per_block = args.n // args.blocks
    searches = max(1, args.searches // args.blocks)
    samples: dict[str, dict[str, list[float]]] = {"sammen": {}, "gnuhealth": {}}
    gh_extra: dict[str, Any] = {}
    load = {"before": _loadavg()}
    started = time.perf_counter()
    for block in range(args.blocks):
        print(f"[{_now()}] blok {block + 1}/{args.blocks}: Sammen", file=sys.stderr, flush=True)
        for op, values in sammen.block(block, per_block, searches).items():
            samples["sammen"].setdefault(op, []).extend(values)
        print(f"[{_now()}] blok {block + 1}/{args.blocks}: GNU Health", file=sys.stderr, flush=True)
        result = _gh_block(args, gh_python, block, per_block, searches)
        for op, stats in result["ops"].items():
            samples["gnuhealth"].setdefault(op, []).extend(stats["samples_ms"])
            if "avg_hits" in stats:
                gh_extra.setdefault(f"{op}_hits", []).append(stats["avg_hits"])
        gh_extra.setdefault("audit_probe", result.get("audit_probe"))
    load["after"] = _loadavg()
    report = _report(args, samples, sammen, gh_extra, load, time.perf_counter() - started)
    out = RESULTS / "gnuhealth_compare.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    _print(report)
    print(f"\nresultater: {out}")
    return 0


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%H:%M:%S")


def _loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _pg_drop(url: str) -> None:
    """A fresh database each run (never `test`: refused here and by pg_create_database)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in ("", "test", "postgres", "template0", "template1"):
        raise SystemExit(f"Vælg en egen database til benchmark, ikke {name!r}.")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "false"  # no query log in memory while timing
    os.environ.setdefault("SAMMEN_MFA_REQUIRED", "false")
    import django

    django.setup()


def _gh_block(
    args: argparse.Namespace, python: Path, block: int, n: int, searches: int
) -> dict[str, Any]:
    out = RESULTS / f"gnuhealth_compare_gh_block{block + 1}.json"
    command = [str(python), "-c", GH_DRIVER, str(args.gh_peer)]
    command += ["-n", str(n), "--searches", str(searches), "--raw", "0"]
    command += ["--db", args.gh_db, "--seed", str(42 + block), "--json", str(out)]
    if block:
        command.append("--no-reset")  # the first block recreates the database (untimed)
    env = dict(os.environ, GH_PEER=str(args.gh_peer))
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    return cast(dict[str, Any], json.loads(out.read_text()))


class _Sammen:
    """A home-care nurse in Greve documenting, reading and searching through Sammen's API."""

    def __init__(self) -> None:
        from django.core.management import call_command

        from sammen.journal.loader import content_load
        from sammen.organisation.models import Area, Role, UnitKind
        from sammen.organisation.tests import factories as f

        call_command("migrate", verbosity=0)
        content_load()
        greve = f.municipality_create("Greve", "253")
        admin = f.unit_create(greve, "Social, Sundhed og Ældre", kind=UnitKind.ADMINISTRATION)
        district = f.unit_create(greve, "Hjemmepleje Nord", kind=UnitKind.DISTRICT, parent=admin)
        team = f.unit_create(greve, "Team Nord A", parent=district, area=Area.ELDERLY_HEALTH)
        self.actor = f.actor_for(f.staff_create(team, Role.NURSE, username="bench-nurse"))
        self.used_cpr: set[str] = set()
        self.log_rows: dict[str, list[int]] = {}

    def _cpr(self, rng: random.Random) -> str:
        """A fictitious CPR number with a valid date, unique in this run (never printed)."""
        while True:
            born = dt.date(1925, 1, 1) + dt.timedelta(days=rng.randrange(0, 36000))
            digit7 = rng.randint(0, 3) if born.year < 2000 else 4
            cpr = f"{born:%d%m%y}{digit7}{rng.randrange(0, 1000):03d}"
            if cpr not in self.used_cpr:
                self.used_cpr.add(cpr)
                return cpr

    def block(self, block: int, n: int, searches: int) -> dict[str, list[float]]:
        from django.contrib.messages.storage.fallback import FallbackStorage
        from django.contrib.sessions.backends.db import SessionStore
        from django.test import RequestFactory

        from sammen.access.models import AccessLogEntry
        from sammen.citizens import sections, selectors
        from sammen.citizens import views as citizen_views
        from sammen.citizens.services import CitizenInput, citizen_create
        from sammen.core.requests import ActorRequest
        from sammen.journal import selectors as journal_selectors
        from sammen.journal.services import entry_create

        actor = self.actor
        rng = random.Random(1042 + block)
        people = [
            CitizenInput(
                cpr=self._cpr(rng), first_name=rng.choice(GIVEN), last_name=rng.choice(FAMILY)
            )
            for _ in range(n)
        ]
        ids: list[Any] = []
        factory = RequestFactory()

        def create_citizen(data: CitizenInput) -> None:
            ids.append(citizen_create(actor=actor, data=data).pk)

        def create_assessment(citizen_id: Any) -> None:
            entry_create(
                actor=actor,
                citizen_id=citizen_id,
                template_key="fsiii-helbredstilstand",
                template_version=None,
                data={
                    "tilstand": TRYKSAAR,
                    "problem": "aktuelt",
                    "faglig_vurdering": "Hjemmebesøg: opfølgning. Stabil. Ingen tryksår.",
                },
            )

        def create_note(citizen_id: Any) -> None:
            entry_create(
                actor=actor,
                citizen_id=citizen_id,
                template_key="fsiii-fagligt-notat",
                template_version=None,
                data={"tilstand": PERSONLIG_PLEJE, "notat": "Sårskift ve. crus. Medicin givet."},
            )

        def read_citizen(citizen_id: Any) -> None:
            overview = selectors.citizen_overview(actor=actor, citizen_id=citizen_id)
            loaded = [s.load(actor, overview.access) for s in sections.sections_all()]
            assert overview.citizen.pk == citizen_id
            assert loaded

        def page_html(citizen_id: Any) -> None:
            request = cast(ActorRequest, factory.get(f"/borgere/{citizen_id}/"))
            request.actor = actor
            request.user = actor.staff.user
            request.session = SessionStore()
            request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
            response = citizen_views.citizen_overview(request, citizen_id=citizen_id)
            assert response.status_code == 200, response.status_code

        def journal_overview(citizen_id: Any) -> None:
            journal_selectors.journal_overview(actor=actor, citizen_id=citizen_id)

        hits: list[int] = []

        def search_name(name: str) -> None:
            hits.append(len(selectors.citizen_search(actor=actor, query=name).citizens))

        reads = ids  # filled by create_citizen; shuffled before the reads
        queries = [rng.choice(FAMILY) for _ in range(searches)]
        steps: list[tuple[str, Callable[[Any], None], Callable[[], list[Any]]]] = [
            ("create_citizen", create_citizen, lambda: people),
            ("create_assessment", create_assessment, lambda: ids),
            ("create_note", create_note, lambda: ids),
            ("read_citizen", read_citizen, lambda: reads),
            ("search_name", search_name, lambda: queries),
            ("page_html", page_html, lambda: reads),
            ("journal_overview", journal_overview, lambda: reads),
        ]
        samples: dict[str, list[float]] = {}
        for op, fn, items in steps:
            if op == "read_citizen":
                reads = ids[:]
                rng.shuffle(reads)
            before = AccessLogEntry.objects.count()
            values = []
            for item in items():
                t0 = time.perf_counter()
                fn(item)
                values.append((time.perf_counter() - t0) * 1000)
            samples[op] = values
            self.log_rows.setdefault(op, []).append(AccessLogEntry.objects.count() - before)
        self.log_rows.setdefault("search_hits", []).append(round(statistics.fmean(hits)))
        return samples


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]  # as gnuhealth_bench.py
    return {"n": len(ordered), "median": round(statistics.median(ordered), 2), "p95": round(p95, 2)}


def _report(
    args: argparse.Namespace,
    samples: dict[str, dict[str, list[float]]],
    sammen: _Sammen,
    gh_extra: dict[str, Any],
    load: dict[str, str],
    seconds: float,
) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = str(cursor.fetchone()[0])
    rows = []
    for label, ours, theirs, fair in PAIRS:
        s = _stats(samples["sammen"][ours])
        row: dict[str, Any] = {"operation": label, "sammen_op": ours, "fair": fair, "sammen": s}
        if theirs is not None:
            g = _stats(samples["gnuhealth"][theirs])
            row.update(gnuhealth_op=theirs, gnuhealth=g)
            row["ratio"] = {k: round(g[k] / s[k], 2) for k in ("median", "p95")}
        rows.append(row)
    logged = {op: sum(v) for op, v in sammen.log_rows.items() if op != "search_hits"}
    return {
        "n": args.n,
        "blocks": args.blocks,
        "searches": args.searches,
        "sammen_db": f"PostgreSQL {version} (port 5432)",
        "gnuhealth_db": "PostgreSQL 15 (own cluster, port 5433)",
        "loadavg": load,
        "cpus": os.cpu_count(),
        "seconds": round(seconds, 1),
        "rows": rows,
        "sammen_access_log_rows_written": logged,
        "sammen_search_hits_per_block": sammen.log_rows.get("search_hits"),
        "gnuhealth_search_hits_per_block": {
            k: v for k, v in gh_extra.items() if k.endswith("_hits")
        },
        "gnuhealth_audit_probe": gh_extra.get("audit_probe"),
    }


def _print(report: dict[str, Any]) -> None:
    print(f"N={report['n']} in {report['blocks']} blocks per side, load {report['loadavg']}")
    head = (
        f"{'operation':36s} {'Sammen med/p95':>16s} {'GNU Health med/p95':>20s} {'GH÷Sammen':>10s}"
    )
    print(head)
    for row in report["rows"]:
        s = row["sammen"]
        ours = f"{s['median']:.1f}/{s['p95']:.1f}"
        if "gnuhealth" in row:
            g = row["gnuhealth"]
            theirs = f"{g['median']:.1f}/{g['p95']:.1f}"
            ratio = f"{row['ratio']['median']:.1f}×"
        else:
            theirs, ratio = "–", "–"
        print(f"{row['operation']:36s} {ours:>16s} {theirs:>20s} {ratio:>10s}  ({row['fair']})")
    print("Sammen access-log rows written:", report["sammen_access_log_rows_written"])


if __name__ == "__main__":
    raise SystemExit(main())
