"""The home-care day (issue 11): visit-plan generation, the day list against hand-written SQL,
and 50 devices syncing 20 queued deliveries each at once. PostgreSQL only (concurrency).

    .venv/bin/python -m bench.visits                       # PostgreSQL bench_visits
    .venv/bin/python -m bench.visits --citizens 2000 --rounds 10

Population (built once, reused): `--citizens` citizens of one municipality, each with one
granted service "2 times a day" for one of 20 home-care teams (request, case, decision and
service rows by bulk insert — the care chain's services are not the thing measured here).

1. Plan generation: `visits.services.visit_plan_generate` for all citizens, 14 days, from an
   empty plan → visits + visit services per second; against COPY of the same number of rows
   into copies of the two tables (the floor for getting rows into PostgreSQL).
2. Day list: a SOSU helper with 15 visits today, each citizen with journal-like history
   (deliveries with notes by colleagues; plan changes): `visits.selectors.day_list` (policy,
   `visible_to`, "since your last visit", `record_many`) against the same reads written as SQL
   plus the same access-log call; interleaved, `--rounds` each, median and p95.
3. Sync: 50 devices (threads, one connection each) send 20 queued deliveries each through
   `visits.services.sync_batch` at the same moment, then every device replays its whole batch
   (a lost response): expected 1,000 stored, 1,000 duplicates, 0 lost, 0 stored twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._pg import pg_answers, pg_create_database  # noqa: E402

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/bench_visits"
TEAMS = 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--citizens", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--writes", type=int, default=20)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    args = parser.parse_args(argv)
    if not pg_answers(args.pg_url):
        print("PostgreSQL svarer ikke – springer over")
        return 0
    pg_create_database(args.pg_url)
    os.environ["DATABASE_URL"] = args.pg_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("SAMMEN_SEAL_DIR", str(ROOT / "bench" / "results" / "seal-visits"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"load average: {os.getloadavg()}")
    world = _population(args.citizens)
    _plan(world)
    _day_list(world, args.rounds)
    _sync(world, args.devices, args.writes)
    print(f"load average: {os.getloadavg()}")
    return 0


def _population(n: int) -> dict[str, Any]:
    from django.utils import timezone

    from sammen.care_plans.models import Case, Decision, Request, Service
    from sammen.citizens.models import Citizen, Responsibility
    from sammen.citizens.tests.factories import fictitious_cpr
    from sammen.journal.loader import content_load
    from sammen.organisation.models import Municipality, OrgUnit, Role
    from sammen.organisation.tests import factories as f

    content_load()
    m = Municipality.objects.filter(code="801").first()
    if m is None:
        m = f.municipality_create("Benchby", "801")
        top = f.unit_create(m, "Hjemmeplejen", kind="district")
        for t in range(TEAMS):
            team = f.unit_create(m, f"Team {t:02d}", parent=top)
            for s in range(60):
                f.staff_create(team, Role.SOSU_HELPER, username=f"b-{t}-{s}", first_name=f"H{s}")
        assessor = f.staff_create(top, Role.ASSESSOR, username="b-visitator")
    teams = list(OrgUnit.objects.filter(municipality=m, kind="team").order_by("name"))
    have = Citizen.objects.filter(municipality=m).count()
    if have < n:
        from sammen.organisation.models import StaffMember

        assessor = StaffMember.objects.get(user__username="b-visitator")
        today = timezone.localdate()
        t0 = time.perf_counter()
        for start in range(have, n, 1000):
            citizens, resp, reqs, cases, decs, svcs = [], [], [], [], [], []
            for i in range(start, min(n, start + 1000)):
                cpr = fictitious_cpr(dt.date(1930 + i % 60, 1 + i % 12, 2 + i % 27))
                c = Citizen(
                    id=uuid.uuid4(),
                    municipality=m,
                    cpr=cpr,
                    cpr_birth_part=cpr[:6],
                    birth_date=dt.date(1930 + i % 60, 1 + i % 12, 2 + i % 27),
                    sex="female",
                    first_name=f"Borger{i}",
                    last_name="Bench",
                    street="Benchvej",
                    house_number=str(i),
                    postcode="2670",
                    city="Greve",
                )
                team = teams[i % TEAMS]
                citizens.append(c)
                resp.append(
                    Responsibility(
                        municipality=m, citizen=c, unit=team, area="elderly_health", since=today
                    )
                )
                now = dt.datetime.now(dt.UTC)
                r = Request(
                    id=uuid.uuid4(),
                    municipality=m,
                    citizen=c,
                    area="elderly_health",
                    source_code="A1",
                    subject="Bench",
                    received_at=now,
                    received_by=assessor,
                    status="decided",
                )
                k = Case(
                    id=uuid.uuid4(),
                    municipality=m,
                    citizen=c,
                    request=r,
                    area="elderly_health",
                    assessor=assessor,
                    status="decided",
                )
                d = Decision(
                    id=uuid.uuid4(),
                    municipality=m,
                    citizen=c,
                    case=k,
                    area="elderly_health",
                    outcome="granted",
                    reasoning="Bench",
                    decided_at=now,
                    decided_by=assessor,
                    waiting_days=1,
                    law_catalogue_version="bench",
                )
                svc = Service(
                    municipality=m,
                    citizen=c,
                    decision=d,
                    area="elderly_health",
                    code="17312894-b23f-43d9-9723-b725ac25d872",
                    code_system="bench",
                    legal_basis="aeldre-helhedspleje",
                    granted_from=today,
                    times=2,
                    per="day",
                    minutes=25,
                    provider_unit=team,
                    status="granted",
                    instructions="Bad og påklædning.",
                )
                reqs.append(r)
                cases.append(k)
                decs.append(d)
                svcs.append(svc)
            batches: list[tuple[Any, list[Any]]] = [
                (Citizen, citizens),
                (Responsibility, resp),
                (Request, reqs),
                (Case, cases),
                (Decision, decs),
                (Service, svcs),
            ]
            for model, rows in batches:
                model.objects.bulk_create(rows, batch_size=1000)
        print(
            f"population: {n} citizens with a granted service in {time.perf_counter() - t0:.0f} s"
        )
    return {"m": m, "teams": teams, "n": n}


def _plan(world: dict[str, Any]) -> None:
    from django.db import connection

    from sammen.visits.models import Delivery, DeliveryLine, Visit, VisitService
    from sammen.visits.services import visit_plan_generate

    m = world["m"]
    DeliveryLine.objects.filter(municipality=m).delete()
    Delivery.objects.filter(municipality=m).delete()
    VisitService.objects.filter(municipality=m).delete()
    Visit.objects.filter(municipality=m).delete()
    start = time.perf_counter()
    result = visit_plan_generate(municipality=m)
    took = time.perf_counter() - start
    rows = result.created + VisitService.objects.filter(municipality=m).count()
    print(
        f"plan: {world['n']} citizens × 14 days: {result.created} visits + services = {rows} rows"
        f" in {took:.1f} s = {rows / took:,.0f} rows/s"
    )
    # COPY of the same rows into copies of the two tables: the floor.
    with connection.cursor() as cur:
        for table in ("visits_visit", "visits_visitservice"):
            cur.execute(f"DROP TABLE IF EXISTS bench_{table}")
            cur.execute(f"CREATE TABLE bench_{table} (LIKE {table} INCLUDING ALL)")
        raw = cur.connection
        data = {}
        for table in ("visits_visit", "visits_visitservice"):
            with raw.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                data[table] = b"".join(bytes(chunk) for chunk in copy)
        t0 = time.perf_counter()
        for table in ("visits_visit", "visits_visitservice"):
            with raw.cursor().copy(f"COPY bench_{table} FROM STDIN") as copy:
                copy.write(data[table])
        copy_took = time.perf_counter() - t0
        for table in ("visits_visit", "visits_visitservice"):
            cur.execute(f"DROP TABLE bench_{table}")
    print(
        f"plan: COPY of the same {rows} rows (with the same indexes) {copy_took:.1f} s = "
        f"{rows / copy_took:,.0f} rows/s; generation ÷ COPY = {took / copy_took:.1f}×"
    )


def _stats(samples: list[float]) -> str:
    s = sorted(samples)
    return f"{statistics.median(s) * 1000:.1f} / {s[int(len(s) * 0.95) - 1] * 1000:.1f} ms"


def _day_list(world: dict[str, Any], rounds: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from sammen.access.lists import record_many
    from sammen.organisation.models import StaffMember
    from sammen.organisation.tests.factories import actor_for
    from sammen.visits import selectors
    from sammen.visits.models import Delivery, Visit

    m = world["m"]
    team = world["teams"][0]
    staff = list(StaffMember.objects.filter(memberships__unit=team).order_by("pk")[:2])
    me, colleague = staff
    today = timezone.localdate()
    visits = list(Visit.objects.filter(unit=team, day=today).order_by("window_start")[:15])
    Visit.objects.filter(pk__in=[v.pk for v in visits]).update(assigned_to=me)
    # History: a colleague's deliveries with notes on the previous days.
    prior = list(
        Visit.objects.filter(citizen_id__in=[v.citizen_id for v in visits], day__lt=today)[:30]
    )
    for v in prior:
        Delivery.objects.get_or_create(
            visit=v,
            defaults={
                "municipality": m,
                "client_id": uuid.uuid4(),
                "citizen_id": v.citizen_id,
                "staff": colleague,
                "unit": team,
                "outcome": "delivered",
                "note": "Spiste godt.",
                "started_at": v.window_start,
                "ended_at": v.window_start,
                "recorded_at": v.window_start,
            },
        )
    actor = actor_for(me)
    ids = [str(v.citizen_id) for v in visits]

    def orm() -> None:
        rows = selectors.day_list(actor=actor)
        assert len(rows.rows) == 15, len(rows.rows)

    def raw() -> None:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "SELECT v.id, v.window_start, v.window_end, v.status, c.first_name, c.last_name,"
                " c.street, c.house_number, c.postcode, c.city, c.latitude, c.longitude"
                " FROM visits_visit v JOIN citizens_citizen c ON c.id = v.citizen_id"
                " WHERE v.municipality_id = %s AND v.day = %s"
                " AND (v.assigned_to_id = %s OR v.second_assigned_to_id = %s)"
                " AND v.citizen_id IN (SELECT citizen_id FROM citizens_responsibility"
                "   WHERE until IS NULL AND unit_id = %s UNION SELECT citizen_id FROM"
                "   visits_visit WHERE day = %s AND assigned_to_id = %s)"
                " ORDER BY v.sequence, v.window_start LIMIT 60",
                [m.pk, today, me.pk, me.pk, team.pk, today, me.pk],
            )
            vids = [r[0] for r in cur.fetchall()]
            cur.execute(
                "SELECT visit_id, title, minutes, instructions FROM visits_visitservice"
                " WHERE visit_id = ANY(%s)",
                [vids],
            )
            cur.fetchall()
            cur.execute(
                "SELECT citizen_id, text FROM visits_practicalinfo"
                " WHERE citizen_id = ANY(%s::uuid[])",
                [ids],
            )
            cur.execute(
                "SELECT citizen_id, max(started_at) FROM visits_delivery WHERE staff_id"
                " = %s AND citizen_id = ANY(%s::uuid[]) GROUP BY citizen_id",
                [me.pk, ids],
            )
            since = timezone.now() - dt.timedelta(days=7)
            cur.execute(
                "SELECT e.citizen_id, e.written_at, t.title FROM journal_entry e JOIN"
                " journal_template t ON t.id = e.template_id WHERE e.citizen_id ="
                " ANY(%s::uuid[]) AND e.written_at > %s ORDER BY e.written_at DESC"
                " LIMIT 500",
                [ids, since],
            )
            cur.execute(
                "SELECT d.citizen_id, d.note, s.first_name FROM visits_delivery d JOIN"
                " organisation_staffmember s ON s.id = d.staff_id WHERE d.citizen_id ="
                " ANY(%s::uuid[]) AND d.started_at > %s AND d.staff_id <> %s"
                " ORDER BY d.started_at DESC LIMIT 300",
                [ids, since, me.pk],
            )
            cur.execute(
                "SELECT citizen_id, code, status FROM care_plans_service WHERE"
                " citizen_id = ANY(%s::uuid[]) AND updated_at > %s",
                [ids, since],
            )
            record_many(actor=actor, citizen_ids=[uuid.UUID(i) for i in ids], object_type="visit")

    timings: dict[str, list[float]] = {"selector": [], "raw SQL + log": []}
    for _ in range(rounds):
        for name, fn in (("selector", orm), ("raw SQL + log", raw)):
            t0 = time.perf_counter()
            fn()
            timings[name].append(time.perf_counter() - t0)
    sel = statistics.median(timings["selector"])
    rw = statistics.median(timings["raw SQL + log"])
    print(
        f"day list (15 visits, since last visit), median / p95: selector "
        f"{_stats(timings['selector'])}, raw SQL + log {_stats(timings['raw SQL + log'])};"
        f" ratio {sel / rw:.2f}×"
    )


def _sync(world: dict[str, Any], devices: int, writes: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from sammen.organisation.models import StaffMember
    from sammen.organisation.tests.factories import actor_for
    from sammen.visits import services
    from sammen.visits.models import Delivery, Visit

    m = world["m"]
    today = timezone.localdate()
    # Devices spread over the teams (round robin), so each has 20 visits of its own team.
    by_team: dict[Any, list[Any]] = {}
    for s in (
        StaffMember.objects.filter(municipality=m, memberships__role="sosu_hjaelper")
        .select_related("user")
        .order_by("user__username")
    ):
        by_team.setdefault(s.user.username.split("-")[1], []).append(s)
    staff = []
    for i in range(1, 60):  # skip each team's first helper (the day-list bench's)
        staff += [members[i] for members in by_team.values() if i < len(members)]
    staff = staff[:devices]
    batches: list[tuple[Any, list[Any]]] = []
    for s in staff:
        actor = actor_for(s)
        free = list(
            Visit.objects.filter(
                unit=actor.unit, day=today, status="planned", assigned_to__isnull=True
            ).order_by("pk")[:writes]
        )
        Visit.objects.filter(pk__in=[v.pk for v in free]).update(assigned_to=s)
        now = timezone.now()
        batches.append(
            (
                actor,
                [
                    services.DeliveryInput(
                        client_id=uuid.uuid4(),
                        visit_id=v.pk,
                        note="Offline",
                        started_at=now,
                        ended_at=now,
                        offline=True,
                    )
                    for v in free
                ],
            )
        )
    before = Delivery.objects.filter(municipality=m).count()
    results: dict[str, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(len(batches))

    def device(actor: Any, items: list[Any]) -> None:
        try:
            barrier.wait()
            for _ in range(2):  # the batch, then the whole batch again (lost response)
                for a in services.sync_batch(actor=actor, items=items):
                    with lock:
                        results[a.result] = results.get(a.result, 0) + 1
        finally:
            connection.close()

    threads = [threading.Thread(target=device, args=b) for b in batches]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    sent = sum(len(items) for _a, items in batches)
    stored = Delivery.objects.filter(municipality=m).count() - before
    client_ids = {str(i.client_id) for _a, items in batches for i in items}
    found = set(
        Delivery.objects.filter(client_id__in=client_ids).values_list("client_id", flat=True)
    )
    print(
        f"sync: {len(batches)} devices × {writes} writes, sent twice = {2 * sent} requests in"
        f" {took:.1f} s ({2 * sent / took:,.0f} items/s): answers {results}; stored {stored},"
        f" lost {len(client_ids) - len(found)}, stored twice {stored - len(found)}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
