"""gunicorn settings for Sammen in production (and what `bench/serving.py` serves with).

    gunicorn config.wsgi -c config/gunicorn_conf.py

Sized to the machine: `SAMMEN_WORKERS` processes (default 2 x cores) with `SAMMEN_THREADS`
threads each (default 1: sync workers). Measured on 2 cores with PostgreSQL on the same
machine (`bench/serving.py`, 16 clients, logged citizen reads): 1 -> 2 -> 4 sync workers gave
87 -> 175 -> 180 req/s, 5 workers 144; 2 threads per worker (gthread) gave less (118 at 4 x 2):
the app spends its time in Python, so threads only contend for the GIL. ~70 MB RSS per worker.

Database connections persist per worker (`conn_max_age` in settings); static files are served
by WhiteNoise with far-future caching of hashed names. Workers are recycled after
`max_requests` (with jitter) so a slow leak never builds up, and the app is loaded before
forking (`preload_app`), so workers share its memory.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("SAMMEN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SAMMEN_WORKERS", str(multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("SAMMEN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
preload_app = True
max_requests = 2000
max_requests_jitter = 200
timeout = 30  # a request (and its transaction) never runs longer than the sealer's lag
graceful_timeout = 20
keepalive = 5
accesslog = "-" if os.environ.get("SAMMEN_ACCESS_LOG_STDOUT") == "1" else None
errorlog = "-"
