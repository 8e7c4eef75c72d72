"""The morning rush: 700 staff at once against gunicorn (production config), PostgreSQL and SQLite.

    .venv/bin/python -m bench.morning_rush                        # PostgreSQL, then SQLite
    .venv/bin/python -m bench.morning_rush --db sqlite --steps 50,100 --step-seconds 20

A bounded, headless locust run (locust as a library: one `LocalRunner`, `FastHttpUser`).
The population is the demo generator's (`demo_municipality --name Greve --citizens 3000
--staff 700 --seed 1`, with journal histories) in a database of its own (PostgreSQL
`bench_rush`, recreated; SQLite `bench/results/bench_rush.sqlite3`). Every generated staff
member is logged in up front (a session created directly, no second factor) and each locust
user is one of them, working on her own citizens. gunicorn serves `config.wsgi` with
`config/gunicorn_conf.py` on loopback. Users are added in steps (10, 25, 35, 50 … 700);
each step is measured for a fixed time after its users have started, so the whole run stops by
itself (the first step after a warm-up). Per step: requests/s, median and p95, failures,
machine load and CPU (the server's processes and locust's own).
Results go to `bench/results/morning_rush_<db>.json`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.access_log import RESULTS, ROOT, _free_port, _wait

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "bench_rush"
MUNICIPALITY = "Greve"
# A FSIII function-ability item and a level: what a home-care helper documents after a visit.
TEMPLATE = "fsiii-funktionsevnetilstand"
PERSONLIG_PLEJE = "feb38b55-c2d7-4d57-99c2-93622eaa0025"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _database_url(kind: str) -> str:
    if kind == "sqlite":
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / "bench_rush.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return f"postgres://postgres@127.0.0.1:5432/{PG_DB}"


def _prepare(env: dict[str, str], db: str, citizens: int, staff: int) -> list[dict[str, Any]]:
    """Migrate, generate the municipality, log every staff member in."""
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    started = time.monotonic()
    subprocess.run(  # noqa: S603 - our own management command
        [
            *manage,
            "demo_municipality",
            "--name",
            MUNICIPALITY,
            "--citizens",
            str(citizens),
            "--staff",
            str(staff),
            "--seed",
            "1",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stderr=subprocess.DEVNULL,  # progress bars
    )
    print(f"  demo_municipality: {time.monotonic() - started:.0f} s", flush=True)
    out = RESULTS / f"morning_rush_{db}_sessions.json"
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench._rush_prepare", str(out), MUNICIPALITY],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return list(json.loads(out.read_text())["staff"])


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process itself (not of its reaped children: the
    master's share would add a recycled worker's or ended connection's whole life)."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = sum(int(f) for f in fields[11:13]) / os.sysconf("SC_CLK_TCK")  # utime stime
    return seconds


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two snapshots; a process started in between (a recycled gunicorn
    worker, a renewed database connection) counts whole, one that ended is lost."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return float(sum(values) - idle), float(sum(values))


def _server_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [master, *(int(p) for p in children.read_text().split())] if children.exists() else []


def _db_pids(db: str) -> list[int]:
    """PostgreSQL's backends (all of them: this machine is shared) or none for SQLite."""
    if db != "postgres":
        return []
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if (proc / "comm").read_text().strip().startswith("postgres"):
                    pids.append(int(proc.name))
            except OSError:
                continue
    return pids


def _run_steps(
    port: int, people: list[dict[str, Any]], args: argparse.Namespace, server: int, db: str
) -> list[dict[str, Any]]:
    # Imported here: locust patches the standard library for gevent on import (so time.sleep
    # below yields to the users' greenlets).
    from locust import FastHttpUser, between, task
    from locust.env import Environment
    from requests.cookies import create_cookie

    # Every session once (more users than sessions would share them); staff with no citizens of
    # their own (administration, the job centre) look at the start page, their list and search.
    pool = itertools.cycle(people)
    lo, hi = (float(x) for x in args.wait.split(","))

    class Staff(FastHttpUser):
        """One care worker: her own citizens, one session cookie, one CSRF token."""

        host = f"http://127.0.0.1:{port}"
        wait_time = between(lo, hi)

        def on_start(self) -> None:
            me = next(pool)
            self.citizens: list[str] = me["citizens"]
            self.note_citizens: list[str] = me["note_citizens"]
            self.names: list[str] = me["names"] or ["Jensen"]
            self.reads: bool = me["reads_citizens"]  # else (administration): the start page
            self.rng = random.Random(me["session"])
            self.client.cookiejar.set_cookie(create_cookie("sessionid", me["session"]))

        @task(10)
        def start_page(self) -> None:
            self.client.get("/", name="start page")

        @task(15)
        def mine(self) -> None:
            if not self.reads:
                return self.start_page()
            self.client.get("/borgere/mine/", name="Mine borgere")
            return None

        @task(30)
        def citizen_page(self) -> None:
            if not self.citizens:
                return self.mine()
            self.client.get(f"/borgere/{self.rng.choice(self.citizens)}/", name="citizen page")
            return None

        @task(25)
        def journal_overview(self) -> None:
            if not self.citizens:
                return self.mine()
            citizen = self.rng.choice(self.citizens)
            self.client.get(f"/journal/borger/{citizen}/", name="journal overview")
            return None

        @task(10)
        def note_write(self) -> None:
            if not self.note_citizens:
                return self.journal_overview()
            citizen = self.rng.choice(self.note_citizens)
            url = f"/journal/borger/{citizen}/dokumenter/{TEMPLATE}/?tilstand={PERSONLIG_PLEJE}"
            with self.client.get(url, name="note form", catch_response=True) as form:
                found = CSRF_FIELD.search(form.text or "")
                if not found:
                    form.failure("no CSRF token in the form")
                    return None
            self.client.post(
                url,
                data={
                    "csrfmiddlewaretoken": found.group(1),
                    "tilstand": PERSONLIG_PLEJE,
                    "nuvaerende_niveau": str(self.rng.choice([0, 1, 2, 3])),
                },
                headers={"Referer": f"{self.host}{url}"},
                name="note write",
                allow_redirects=False,
            )
            return None

        @task(10)
        def search(self) -> None:
            if not self.reads:
                return self.start_page()
            with self.client.get("/borgere/", name="search form", catch_response=True) as page:
                found = CSRF_FIELD.search(page.text or "")
                if not found:
                    page.failure("no CSRF token in the search form")
                    return None
            self.client.post(
                "/borgere/",
                data={"csrfmiddlewaretoken": found.group(1), "q": self.rng.choice(self.names)},
                headers={"Referer": f"{self.host}/borgere/"},
                name="search",
            )
            return None

    env = Environment(user_classes=[Staff])
    runner = env.create_local_runner()
    steps = []
    for n, users in enumerate(int(u) for u in args.steps.split(",")):
        runner.start(users, spawn_rate=args.spawn_rate)
        while runner.user_count < users:
            time.sleep(0.2)
        time.sleep(args.settle + (args.warmup if n == 0 else 0.0))  # first: warm the workers
        env.stats.reset_all()
        cpu0 = (
            _cpu_seconds(_server_pids(server)),
            _cpu_seconds(_db_pids(db)),
            _self_cpu(),
            _machine_busy(),
        )
        started = time.monotonic()
        time.sleep(args.step_seconds)
        elapsed = time.monotonic() - started
        cpu1 = (
            _cpu_seconds(_server_pids(server)),
            _cpu_seconds(_db_pids(db)),
            _self_cpu(),
            _machine_busy(),
        )
        total = env.stats.total
        busy = (cpu1[3][0] - cpu0[3][0]) / max(cpu1[3][1] - cpu0[3][1], 1.0)
        step: dict[str, Any] = {
            "users": users,
            "seconds": round(elapsed, 1),
            "requests": total.num_requests,
            "rps": round(total.num_requests / elapsed, 1),
            "median_ms": total.median_response_time,
            "p95_ms": total.get_response_time_percentile(0.95),
            "failures": total.num_failures,
            "cpu_machine_pct": round(100 * busy * (os.cpu_count() or 1), 0),
            "cpu_gunicorn_pct": round(100 * _cpu_used(cpu0[0], cpu1[0]) / elapsed, 0),
            "cpu_postgres_pct": round(100 * _cpu_used(cpu0[1], cpu1[1]) / elapsed, 0),
            "cpu_locust_pct": round(100 * (cpu1[2] - cpu0[2]) / elapsed, 0),
            "loadavg_1m": round(os.getloadavg()[0], 2),
            "by_request": {
                name: {
                    "requests": s.num_requests,
                    "median_ms": s.median_response_time,
                    "p95_ms": s.get_response_time_percentile(0.95),
                    "failures": s.num_failures,
                }
                for (name, _method), s in sorted(env.stats.entries.items())
            },
            "errors": [
                f"{e.method} {e.name}: {e.error} x{e.occurrences}"
                for e in env.stats.errors.values()
            ][:5],
        }
        steps.append(step)
        print(
            f"  {users:4d} users: {step['rps']:6.1f} req/s, median {step['median_ms']:.0f} ms, "
            f"p95 {step['p95_ms']:.0f} ms, failures {step['failures']}, "
            f"CPU machine {step['cpu_machine_pct']:.0f} % (gunicorn "
            f"{step['cpu_gunicorn_pct']:.0f}, postgres {step['cpu_postgres_pct']:.0f}, "
            f"locust {step['cpu_locust_pct']:.0f}), load {step['loadavg_1m']}",
            flush=True,
        )
        if step["p95_ms"] > args.stop_p95_ms:
            print(f"  p95 over {args.stop_p95_ms} ms: no bigger step", flush=True)
            break
    runner.quit()
    return steps


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _one_db(db: str, args: argparse.Namespace) -> dict[str, Any]:
    env = os.environ | {
        "DATABASE_URL": _database_url(db),
        "SAMMEN_MFA_REQUIRED": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    if args.cache_url:
        env["SAMMEN_CACHE_URL"] = args.cache_url
    print(f"{db}: forbereder {args.citizens} borgere og {args.staff} medarbejdere …", flush=True)
    people = _prepare(env, db, args.citizens, args.staff)
    port = _free_port()
    server_env = env | {"SAMMEN_BIND": f"127.0.0.1:{port}"}
    if args.workers:
        server_env["SAMMEN_WORKERS"] = str(args.workers)
    server = subprocess.Popen(  # noqa: S603 - our own server on loopback
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "-c",
            "config/gunicorn_conf.py",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env,
    )
    try:
        _wait(port, server)
        steps = _run_steps(port, people, args, server.pid, db)
        workers = len(_server_pids(server.pid)) - 1
    finally:
        server.terminate()
        server.wait(timeout=30)
    best = [s for s in steps if s["p95_ms"] <= 200 and s["failures"] == 0]
    return {
        "db": db,
        "workers": workers,
        "sessions": len(people),
        "with_own_citizens": sum(1 for p in people if p["citizens"]),
        "read_citizens": sum(1 for p in people if p["reads_citizens"]),
        "may_write_notes": sum(1 for p in people if p["note_citizens"]),
        "rps_at_p95_200ms": max((s["rps"] for s in best), default=0.0),
        "steps": steps,
    }


def _table(db: str) -> str:
    """The README's table for one database, from its results file."""
    result = json.loads((RESULTS / f"morning_rush_{db}.json").read_text())
    lines = [
        "| users | req/s | median / p95 ms | failures "
        "| CPU machine % (gunicorn / postgres / locust) | load 1 min |",
        "|---|---|---|---|---|---|",
    ]
    for s in result["steps"]:
        lines.append(
            f"| {s['users']} | {s['rps']} | {s['median_ms']:.0f} / {s['p95_ms']:.0f} "
            f"| {s['failures']} | {s['cpu_machine_pct']:.0f} ({s['cpu_gunicorn_pct']:.0f} / "
            f"{s['cpu_postgres_pct']:.0f} / {s['cpu_locust_pct']:.0f}) | {s['loadavg_1m']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--db", default="postgres,sqlite")
    parser.add_argument("--steps", default="10,25,35,50,100,200,400,700")
    parser.add_argument("--step-seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=5.0, help="s after a step's users start")
    parser.add_argument("--warmup", type=float, default=15.0, help="s before the first step")
    parser.add_argument("--spawn-rate", type=float, default=50.0)
    parser.add_argument("--wait", default="0.5,1.5", help="think time between requests, s")
    parser.add_argument("--stop-p95-ms", type=float, default=15000.0)
    parser.add_argument("--workers", type=int, default=0, help="default: config/gunicorn_conf.py")
    parser.add_argument("--cache-url", default="", help="SAMMEN_CACHE_URL (Redis) for sessions")
    parser.add_argument("--citizens", type=int, default=3000)
    parser.add_argument("--staff", type=int, default=700)
    parser.add_argument("--table", action="store_true", help="print the last results as tables")
    args = parser.parse_args(argv)
    if args.table:
        for db in args.db.split(","):
            print(f"\n{db}\n\n{_table(db)}")
        return 0
    RESULTS.mkdir(exist_ok=True)
    for db in args.db.split(","):
        result = _one_db(db, args) | {
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "cores": os.cpu_count(),
            "wait_s": args.wait,
            "cache_url": bool(args.cache_url),
        }
        (RESULTS / f"morning_rush_{db}.json").write_text(json.dumps(result, indent=2))
        print(
            f"{db}: {result['rps_at_p95_200ms']} req/s with p95 <= 200 ms "
            f"({result['workers']} gunicorn workers)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
