"""Benchmark: the same citizen read over HTTP with and without writing the access-log row.

    .venv/bin/python -m bench.access_log [--db postgres|sqlite] [--requests 600]

Starts gunicorn (4 workers) on 127.0.0.1 against a database of its own (PostgreSQL
`bench_access` or a SQLite file under bench/results/), logs 16 nurses in (each caring for her
own citizen), and sends GET /bench/logged/<id>/ and /bench/unlogged/<id>/ in alternating
rounds from 1, 4 and 16 concurrent clients (`--clients`; threads with keep-alive connections),
each client a different nurse reading a different citizen. Both views run the same policy check
and serialisation; only one writes the access-log row (with its citizen copy and MinLog queue
row) in the read's transaction — without any lock since the sealed-checkpoint design, so reads
of different citizens do not queue behind each other. Prints median/p95 latency, throughput,
the ratio logged/unlogged and the scaling of throughput with clients, and writes
bench/results/access_log_<db>.json. Loopback only; bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url(kind: str) -> str:
    if kind == "sqlite":
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / "bench_access.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute("DROP DATABASE IF EXISTS bench_access")
        c.execute("CREATE DATABASE bench_access")
    return "postgres://postgres@127.0.0.1:5432/bench_access"


def _prepare(env: dict[str, str]) -> dict[str, Any]:
    """Migrate and create one municipality, a nurse with a session, and her citizen."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    out = subprocess.run(
        [sys.executable, "-m", "bench._access_prepare"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _wait(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        if proc.poll() is not None:
            raise SystemExit("gunicorn stoppede")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn svarede ikke")


def _client(
    port: int, path: str, cookie: str, count: int, out: list[float], errors: list[int]
) -> None:
    """One staff member's browser: keep-alive, one request after the other."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"sessionid={cookie}"}
    for _ in range(count):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        out.append(time.perf_counter() - start)
        if response.status != 200:
            errors.append(response.status)
    conn.close()


def _round(
    port: int, mode: str, pairs: list[dict[str, str]], clients: int, total: int
) -> dict[str, Any]:
    """`clients` staff members at once, each reading a different citizen."""
    latencies: list[float] = []
    errors: list[int] = []
    per = max(1, total // clients)
    threads = [
        threading.Thread(
            target=_client,
            args=(
                port,
                f"/bench/{mode}/{pairs[i]['citizen']}/",
                pairs[i]["session"],
                per,
                latencies,
                errors,
            ),
        )
        for i in range(clients)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {"latencies": latencies, "elapsed": elapsed, "errors": errors}


def _summary(rounds: list[dict[str, Any]]) -> dict[str, float]:
    lat = sorted(x for r in rounds for x in r["latencies"])
    n = len(lat)
    return {
        "requests": n,
        "median_ms": statistics.median(lat) * 1000,
        "p95_ms": lat[int(n * 0.95) - 1] * 1000,
        "throughput_rps": n / sum(r["elapsed"] for r in rounds),
        "errors": sum(len(r["errors"]) for r in rounds),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--requests", type=int, default=600, help="per mode and client count")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds per mode")
    parser.add_argument(
        "--clients", default="1,4,16", help="concurrent clients, each its own staff and citizen"
    )
    args = parser.parse_args(argv)
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.access_settings",
        "DATABASE_URL": _database_url(args.db),
        "SAMMEN_MFA_REQUIRED": "false",
    }
    print(f"Forbereder database ({args.db}) …", flush=True)
    ids = _prepare(env)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own server on loopback
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    results: dict[str, Any] = {"db": args.db, "requests_per_cell": args.requests}
    try:
        _wait(port, server)
        pairs = ids["pairs"]
        counts = [int(c) for c in args.clients.split(",")]
        for clients in counts:
            for mode in ("logged", "unlogged"):  # warm-up
                _round(port, mode, pairs, clients, 40)
            collected: dict[str, list[dict[str, Any]]] = {"logged": [], "unlogged": []}
            per_round = max(clients, args.requests // args.rounds)
            for r in range(args.rounds):
                order = ["logged", "unlogged"] if r % 2 == 0 else ["unlogged", "logged"]
                for mode in order:
                    collected[mode].append(_round(port, mode, pairs, clients, per_round))
                print(f"  {clients} klient(er): runde {r + 1}/{args.rounds}", flush=True)
            cell: dict[str, Any] = {mode: _summary(rs) for mode, rs in collected.items()}
            cell["ratio_median"] = cell["logged"]["median_ms"] / cell["unlogged"]["median_ms"]
            cell["ratio_p95"] = cell["logged"]["p95_ms"] / cell["unlogged"]["p95_ms"]
            cell["ratio_throughput"] = (
                cell["unlogged"]["throughput_rps"] / cell["logged"]["throughput_rps"]
            )
            results[f"clients_{clients}"] = cell
    finally:
        server.terminate()
        server.wait(timeout=10)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"access_log_{args.db}.json").write_text(json.dumps(results, indent=2))
    print(f"\nAdgangslog over HTTP ({args.db}, gunicorn 4 workers):")
    print(
        f"{'klienter':>8} {'tilstand':>9} {'median ms':>10} {'p95 ms':>8} {'req/s':>8} {'fejl':>5}"
    )
    for clients in counts:
        cell = results[f"clients_{clients}"]
        for mode in ("unlogged", "logged"):
            s = cell[mode]
            print(
                f"{clients:>8} {mode:>9} {s['median_ms']:>10.2f} {s['p95_ms']:>8.2f} "
                f"{s['throughput_rps']:>8.0f} {s['errors']:>5}"
            )
        print(
            f"{'':>8} {'ratio':>9} {cell['ratio_median']:>10.2f} {cell['ratio_p95']:>8.2f} "
            f"{cell['ratio_throughput']:>8.2f}"
        )
    base = results[f"clients_{counts[0]}"]
    for clients in counts[1:]:
        cell = results[f"clients_{clients}"]
        for mode in ("unlogged", "logged"):
            scale = cell[mode]["throughput_rps"] / base[mode]["throughput_rps"]
            results[f"scaling_{mode}_{clients}"] = scale
            print(f"Skalering {mode}: {clients} klienter / {counts[0]} = {scale:.2f}×")
    (RESULTS / f"access_log_{args.db}.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
