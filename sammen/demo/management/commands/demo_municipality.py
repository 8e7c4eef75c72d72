"""Generate a synthetic municipality: `manage.py demo_municipality --name Greve --citizens 200`.

Deterministic for a seed, idempotent (a second run with the same arguments adds nothing), all
data fictitious. Progress bars go to stderr; the summary to stdout. No CPR number is printed.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from sammen.demo.generator import (
    TqdmProgress,
    municipality_generate,
    municipality_get_or_create,
)
from sammen.organisation.models import Role


class Command(BaseCommand):
    help = (
        "Opretter (eller udvider) en syntetisk kommune med organisation, medarbejdere, borgere, "
        "pårørende og samtykker. Samme --seed giver samme data; kan køres igen uden dubletter."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="Greve", help="kommunens navn")
        parser.add_argument("--code", default=None, help="kommunekode (tre cifre), valgfri")
        parser.add_argument("--citizens", type=int, default=200, help="antal borgere")
        parser.add_argument(
            "--staff", type=int, default=40, help=f"antal medarbejdere (mindst {len(Role)})"
        )
        parser.add_argument("--years", type=int, default=2, help="års historik til datastrømme")
        parser.add_argument("--seed", type=int, default=1, help="frø (samme frø = samme data)")
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, default=None, help="'i dag' (ÅÅÅÅ-MM-DD)"
        )
        parser.add_argument(
            "--no-streams", action="store_true", help="spring modulernes datastrømme over"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["staff"] < len(Role):
            raise CommandError(f"--staff skal være mindst {len(Role)} (én pr. rolle).")
        if options["citizens"] < 0 or options["years"] < 1:
            raise CommandError("--citizens skal være 0 eller mere og --years mindst 1.")
        municipality = municipality_get_or_create(name=options["name"], code=options["code"])
        progress = TqdmProgress(self.stderr._out)
        started = time.perf_counter()
        try:
            result = municipality_generate(
                municipality=municipality,
                citizens=options["citizens"],
                staff=options["staff"],
                years=options["years"],
                seed=options["seed"],
                today=options["today"],
                run_streams=not options["no_streams"],
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        finally:
            progress.close()
        statistics_refresh()
        seconds = time.perf_counter() - started
        written = ", ".join(f"{kind}: {n}" for kind, n in result.rows.items())
        self.stdout.write(f"  … {municipality} ({seconds:.1f} s) – nye rækker: {written}")


def statistics_refresh() -> None:
    """After a bulk load, PostgreSQL plans from table statistics that do not exist yet until
    autovacuum gets to the tables (never, where it is off, as in CI and on the bench machine).
    Without them a fresh municipality's "Mine borgere" planned a nested loop over every citizen
    × the team's responsibilities: 130-460 ms instead of 4 ms (bench/README.md). SQLite keeps
    its own defaults (no ANALYZE: its planner is not guided by sampled statistics here)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
