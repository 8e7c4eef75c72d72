"""Serving: throughput and memory as gunicorn grows from 1 to 2 to 4 workers (production config).

    .venv/bin/python -m bench.serving --db postgres      # or --db sqlite; --workers 1,2,4

The production server setup (`config/gunicorn_conf.py`: sync workers, preloaded app,
persistent database connections; `--threads N` tries gthread) serves the logged citizen read of
`bench/access_log.py` (policy, access-log row and citizen copy in the read's transaction) to 16
concurrent clients, each a different nurse reading a different citizen. For each worker count:
requests/s, median and p95 latency, and the resident memory (RSS) of each worker process after
the run. Loopback only, bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.access_log import RESULTS, ROOT, _database_url, _free_port, _prepare, _round, _wait


def _worker_rss_mb(master_pid: int) -> list[float]:
    """RSS of the gunicorn workers (children of the master), from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    pids = [int(p) for p in children.read_text().split()] if children.exists() else []
    sizes = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else "")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=800, help="per worker count")
    args = parser.parse_args(argv)
    base_env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.access_settings",
        "DATABASE_URL": _database_url(args.db),
        "SAMMEN_MFA_REQUIRED": "false",
    }
    print(f"Forbereder database ({args.db}) …", flush=True)
    ids = _prepare(base_env)
    pairs = ids["pairs"]
    results: dict[str, Any] = {"db": args.db, "clients": args.clients, "threads": args.threads}
    for workers in [int(w) for w in args.workers.split(",")]:
        port = _free_port()
        env = base_env | {
            "SAMMEN_WORKERS": str(workers),
            "SAMMEN_THREADS": str(args.threads),
            "SAMMEN_BIND": f"127.0.0.1:{port}",
        }
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
            env=env,
        )
        try:
            _wait(port, server)
            _round(port, "logged", pairs, args.clients, 80)  # warm-up
            run = _round(port, "logged", pairs, args.clients, args.requests)
            rss = _worker_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=15)
        lat = sorted(run["latencies"])
        results[f"workers_{workers}"] = {
            "throughput_rps": len(lat) / run["elapsed"],
            "median_ms": statistics.median(lat) * 1000,
            "p95_ms": lat[int(len(lat) * 0.95) - 1] * 1000,
            "errors": len(run["errors"]),
            "rss_mb_per_worker": rss,
        }
        cell = results[f"workers_{workers}"]
        print(
            f"  {workers} worker(s) × {args.threads} tråde: {cell['throughput_rps']:.0f} req/s, "
            f"median {cell['median_ms']:.1f} ms, p95 {cell['p95_ms']:.1f} ms, "
            f"fejl {cell['errors']}, RSS pr. worker " + ", ".join(f"{m:.0f} MB" for m in rss),
            flush=True,
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"serving_{args.db}.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
