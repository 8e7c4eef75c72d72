"""The visitator's worklist and the care plan view against hand-written SQL, log insert included.

    .venv/bin/python -m bench.care_plans                  # SQLite, then PostgreSQL if it answers
    .venv/bin/python -m bench.care_plans --db sqlite --citizens 2000 --rounds 20

Population: `--citizens` citizens from the demo generator (seed 1, 300 staff, no other
streams), then three years of visitation history from the care-plan demo stream
(`sammen/care_plans/demo.py`: requests, decisions with legal basis, services by the catalogue,
goals, follow-ups, refusals, re-visitations). Databases of their own: a SQLite file under
bench/results/ and PostgreSQL `bench_care_plans` (`--pg-url`); a second run reuses them.

Timed, interleaved, `--rounds` each:

- worklist selector: `care_plans.selectors.visitation_worklist` for a visitator of the elderly
  area (new requests, follow-ups due within 14 days, unsent decisions; `visible_to` each, one
  `record_many`);
- worklist raw: the same three SELECTs by hand, with the same policy (the area's open
  responsibilities, citizens without any, the provider hook, consent for other areas' rows)
  and the same access-log INSERTs (log rows + citizen copies);
- plan selector: `care_plans.selectors.care_plan` for the citizen with the most services
  (gate: decision and log; areas; services; follow-ups; goals with their services; the
  journal's current tilstande);
- plan raw: the same reads by hand, plus the log INSERTs.
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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._pg import pg_answers, pg_create_database  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/bench_care_plans"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--citizens", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        return _run(args)
    for db in [args.db] if args.db != "both" else ["sqlite", "postgres"]:
        if db == "postgres":
            if not pg_answers(args.pg_url):
                print("PostgreSQL svarer ikke – springer over")
                continue
            pg_create_database(args.pg_url)
            url = args.pg_url
        else:
            RESULTS.mkdir(exist_ok=True)
            url = f"sqlite:///{RESULTS / f'bench_care_plans_{args.citizens}.sqlite3'}"
        env = os.environ | {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SAMMEN_SEAL_DIR": str(RESULTS / f"seal-care-plans-{db}"),
        }
        subprocess.run(  # noqa: S603 - our own script
            [
                sys.executable,
                "-m",
                "bench.care_plans",
                "--inner",
                "--rounds",
                str(args.rounds),
                "--citizens",
                str(args.citizens),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
    return 0


def _populate(citizens: int) -> Any:
    import datetime as dt
    import random

    from sammen.care_plans.demo import care_plans_demo_stream
    from sammen.citizens.models import Citizen
    from sammen.core.demo_streams import DemoContext
    from sammen.demo.generator import municipality_generate, municipality_get_or_create
    from sammen.journal.loader import content_load
    from sammen.organisation.models import Membership, Role

    content_load()
    m = municipality_get_or_create(name="Greve")
    today = dt.date(2026, 12, 1)
    if not Citizen.objects.filter(municipality=m).exists():
        t0 = time.perf_counter()
        municipality_generate(
            municipality=m,
            citizens=citizens,
            staff=300,
            years=3,
            seed=1,
            today=today,
            run_streams=False,
        )
        t1 = time.perf_counter()
        staff: dict[str, list[Any]] = {}
        for ms in Membership.objects.filter(municipality=m).select_related("staff"):
            staff.setdefault(ms.role, []).append(ms.staff)
        ctx = DemoContext(
            municipality=m,
            rng=random.Random("1:care"),
            faker=None,
            today=today,
            years=3,
            citizens=list(Citizen.objects.filter(municipality=m).order_by("pk")),
            staff_by_role=staff,
        )
        rows = care_plans_demo_stream(ctx)
        t2 = time.perf_counter()
        print(
            f"Befolkning: {citizens} borgere på {t1 - t0:.0f} s; visitation: {rows} rækker "
            f"på {t2 - t1:.0f} s",
            file=sys.stderr,
        )
    membership = (
        Membership.objects.filter(municipality=m, role=Role.ASSESSOR, unit__area="aeldre_sundhed")
        .select_related("staff", "unit", "municipality")
        .order_by("pk")
        .first()
    )
    assert membership is not None
    return m, membership


def _actor(membership: Any) -> Any:
    from sammen.core.actor import Actor
    from sammen.organisation.permissions import permissions_for

    return Actor(
        staff=membership.staff,
        municipality=membership.municipality,
        membership=membership,
        role=membership.role,
        unit=membership.unit,
        permissions=permissions_for(membership.role),
    )


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    import datetime as dt
    import uuid

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from sammen.access.models import AccessLogEntry, CitizenAccessRecord
    from sammen.care_plans import selectors
    from sammen.care_plans.models import Service

    call_command("migrate", verbosity=0)
    m, membership = _populate(args.citizens)
    actor = _actor(membership)
    q = connection.ops.quote_name
    uuid_param = (
        (lambda v: v)
        if connection.features.has_native_uuid_field
        else (lambda v: uuid.UUID(str(v)).hex)
    )
    top = (
        Service.objects.filter(municipality=m)
        .values("citizen_id")
        .annotate(n=Count("id"))
        .order_by("-n", "citizen_id")
        .first()
    )
    assert top is not None
    citizen_id = top["citizen_id"]

    log_cols = [
        "at",
        "municipality_id",
        "staff_id",
        "role",
        "unit_id",
        "unit_name",
        "citizen_id",
        "criterion",
        "operation",
        "purpose",
        "outcome",
        "severity",
        "object_type",
        "grant_id",
        "request_id",
        "client_ip",
    ]
    copy_cols = [
        "access_seq",
        "municipality_id",
        "citizen_id",
        "at",
        "unit_name",
        "staff_id",
        "role",
        "operation",
        "purpose",
        "object_type",
        "break_the_glass",
    ]
    log_table, copy_table = AccessLogEntry._meta.db_table, CitizenAccessRecord._meta.db_table
    seq_col = AccessLogEntry._meta.pk.column

    def log(cursor: Any, citizen_ids: list[Any], object_type: str) -> None:
        """The access-log rows for those shown: one multi-row INSERT and the citizen copies."""
        ids = list(dict.fromkeys(citizen_ids))
        if not ids:
            return
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        one = "(" + ", ".join(["%s"] * len(log_cols)) + ")"
        params: list[Any] = []
        for cid in ids:
            params += [
                now,
                uuid_param(m.pk),
                uuid_param(actor.staff.pk),
                actor.role,
                uuid_param(actor.unit.pk),
                actor.unit.name,
                uuid_param(cid),
                "",
                "view",
                "care_relation",
                "success",
                "normal",
                object_type,
                None,
                "",
                "",
            ]
        cursor.execute(
            f"INSERT INTO {q(log_table)} ({', '.join(q(c) for c in log_cols)}) "
            f"VALUES {', '.join([one] * len(ids))} RETURNING {q(seq_col)}",
            params,
        )
        seqs = [r[0] for r in cursor.fetchall()]
        one = "(" + ", ".join(["%s"] * len(copy_cols)) + ")"
        params = []
        for seq, cid in zip(seqs, ids, strict=True):
            params += [
                seq,
                uuid_param(m.pk),
                uuid_param(cid),
                now,
                actor.unit.name,
                uuid_param(actor.staff.pk),
                actor.role,
                "view",
                "care_relation",
                object_type,
                False,
            ]
        cursor.execute(
            f"INSERT INTO {copy_table} ({', '.join(q(c) for c in copy_cols)}) "
            f"VALUES {', '.join([one] * len(ids))}",
            params,
        )

    policy_sql = """
      c.municipality_id = %(m)s AND (
        c.id IN (SELECT citizen_id FROM citizens_responsibility
                 WHERE until IS NULL AND unit_id = %(unit)s)
        OR c.id IN (SELECT citizen_id FROM care_plans_service
                    WHERE municipality_id = %(m)s AND provider_unit_id = %(unit)s
                      AND status = 'granted' AND granted_from <= %(today)s
                      AND (granted_to IS NULL OR granted_to >= %(today)s))
        OR c.id IN (SELECT citizen_id FROM citizens_responsibility
                    WHERE until IS NULL AND area = %(area)s)
        OR c.id NOT IN (SELECT citizen_id FROM citizens_responsibility))
      AND (x.area = %(area)s OR EXISTS (
        SELECT 1 FROM citizens_consent k WHERE k.citizen_id = c.id AND k.area = %(area)s
          AND k.given_on <= %(today)s AND k.scope = 'alle'
          AND (k.withdrawn_on IS NULL OR k.withdrawn_on > %(today)s)))
    """
    today = timezone.localdate()
    p = {
        "m": uuid_param(m.pk),
        "unit": uuid_param(actor.unit.pk),
        "area": actor.unit.area,
        "today": today,
        "soon": today + dt.timedelta(days=14),
    }

    @transaction.atomic
    def worklist_raw() -> int:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT x.id, x.subject, x.received_at, x.area, c.id, c.first_name, c.last_name "
                "FROM care_plans_request x JOIN citizens_citizen c ON c.id = x.citizen_id "
                f"WHERE x.status = 'new' AND {policy_sql} ORDER BY x.received_at LIMIT 200",
                p,
            )
            requests = cur.fetchall()
            cur.execute(
                "SELECT x.id, x.due_on, x.service_id, s.code, c.id, c.first_name, c.last_name "
                "FROM care_plans_followup x JOIN citizens_citizen c ON c.id = x.citizen_id "
                "JOIN care_plans_service s ON s.id = x.service_id "
                f"WHERE x.done_at IS NULL AND x.due_on <= %(soon)s AND {policy_sql} "
                "ORDER BY x.due_on LIMIT 200",
                p,
            )
            follow_ups = cur.fetchall()
            cur.execute(
                "SELECT x.id, x.outcome, x.decided_at, c.id, c.first_name, c.last_name "
                "FROM care_plans_decision x JOIN citizens_citizen c ON c.id = x.citizen_id "
                f"WHERE x.sent_at IS NULL AND {policy_sql} ORDER BY x.decided_at LIMIT 200",
                p,
            )
            unsent = cur.fetchall()
            log(
                cur,
                [r[4] for r in requests] + [r[4] for r in follow_ups] + [r[3] for r in unsent],
                "care_worklist",
            )
        return len(requests) + len(follow_ups) + len(unsent)

    def worklist_selector() -> int:
        w = selectors.visitation_worklist(actor=actor)
        return len(w.requests) + len(w.follow_ups) + len(w.unsent)

    pc = {"c": uuid_param(citizen_id), "area": actor.unit.area, **p}

    @transaction.atomic
    def plan_raw() -> int:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT c.id, c.first_name, c.last_name, c.street, c.postcode, c.city "
                "FROM citizens_citizen c WHERE c.id = %(c)s AND c.municipality_id = %(m)s AND ("
                " EXISTS (SELECT 1 FROM citizens_responsibility r WHERE r.citizen_id = c.id"
                "   AND r.until IS NULL AND (r.unit_id = %(unit)s OR r.area = %(area)s))"
                " OR NOT EXISTS (SELECT 1 FROM citizens_responsibility r"
                "   WHERE r.citizen_id = c.id))",
                pc,
            )
            assert cur.fetchone() is not None
            log(cur, [citizen_id], "care_plan")
            cur.execute(
                "SELECT s.id, s.area, s.code, s.legal_basis, s.granted_from, s.granted_to, "
                "s.times, s.per, s.weekdays, s.minutes, s.double_staffing, s.instructions, "
                "s.status, s.private_provider, u.name FROM care_plans_service s "
                "LEFT JOIN organisation_orgunit u ON u.id = s.provider_unit_id "
                "WHERE s.citizen_id = %(c)s AND s.area = %(area)s AND s.status <> 'refused' "
                "ORDER BY s.area, s.status, s.granted_from",
                pc,
            )
            services = cur.fetchall()
            cur.execute(
                "SELECT id, service_id, due_on, done_at, result_code FROM care_plans_followup "
                "WHERE citizen_id = %(c)s AND area = %(area)s ORDER BY due_on",
                pc,
            )
            cur.fetchall()
            cur.execute(
                "SELECT g.id, g.kind, g.text, g.condition_code, g.expected_code, gs.service_id "
                "FROM care_plans_goal g LEFT JOIN care_plans_goal_services gs "
                "ON gs.goal_id = g.id WHERE g.citizen_id = %(c)s AND g.area = %(area)s",
                pc,
            )
            cur.fetchall()
            cur.execute(
                "SELECT condition_codes FROM care_plans_case "
                "WHERE citizen_id = %(c)s AND area = %(area)s",
                pc,
            )
            cur.fetchall()
            cur.execute(
                "SELECT * FROM (SELECT e.id, e.subject_code, e.data, e.refers_to, ROW_NUMBER() "
                "OVER (PARTITION BY e.subject_code ORDER BY e.refers_to DESC, e.written_at DESC,"
                " e.id DESC) AS rank FROM journal_entry e JOIN journal_template t "
                "ON t.id = e.template_id JOIN journal_area a ON a.id = t.area_id "
                "WHERE e.citizen_id = %(c)s AND a.municipal_area = %(area)s "
                "AND e.kind = 'state' AND e.status = 'valid' AND NOT EXISTS "
                "(SELECT 1 FROM journal_entry r WHERE r.replaces_id = e.id)) z "
                "WHERE rank = 1 ORDER BY subject_code LIMIT 100",
                pc,
            )
            cur.fetchall()
        return len(services)

    def plan_selector() -> int:
        plan = selectors.care_plan(actor=actor, citizen_id=citizen_id)
        return sum(len(part.services) for part in plan.parts)

    pairs = {"worklist": (worklist_selector, worklist_raw), "plan": (plan_selector, plan_raw)}
    result: dict[str, Any] = {"citizens": args.citizens, "vendor": connection.vendor}
    for name, (sel, raw) in pairs.items():
        assert sel() == raw(), f"{name}: the selector and the SQL disagree"
        with CaptureQueriesContext(connection) as captured:
            shown = sel()
        samples: dict[str, list[float]] = {"selector": [], "raw": []}
        for r in range(args.rounds):
            order = [("selector", sel), ("raw", raw)]
            for way, fn in order if r % 2 == 0 else list(reversed(order)):
                start = time.perf_counter()
                fn()
                samples[way].append((time.perf_counter() - start) * 1000)
        stats = {
            way: {
                "median_ms": statistics.median(v),
                "p95_ms": sorted(v)[max(0, int(len(v) * 0.95) - 1)],
            }
            for way, v in samples.items()
        }
        result[name] = stats | {
            "rows": shown,
            "queries": len(captured.captured_queries),
            "ratio_median": stats["selector"]["median_ms"] / stats["raw"]["median_ms"],
            "ratio_p95": stats["selector"]["p95_ms"] / stats["raw"]["p95_ms"],
        }
        s = result[name]
        print(
            f"{name} ({connection.vendor}, {shown} rækker, {s['queries']} forespørgsler): "
            f"selector {s['selector']['median_ms']:.1f} / {s['selector']['p95_ms']:.1f} ms, "
            f"raw {s['raw']['median_ms']:.1f} / {s['raw']['p95_ms']:.1f} ms, "
            f"selector ÷ raw {s['ratio_median']:.2f}× / {s['ratio_p95']:.2f}×"
        )
    result["load_average"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"care_plans_{connection.vendor}.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
