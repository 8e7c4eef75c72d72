"""Load the small fixed demo and Greve's generated population (idempotent); print the logins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sammen.access.models import Checkpoint
from sammen.access.sealing import SealRefused, access_log_seal
from sammen.demo.generator import TqdmProgress
from sammen.demo.seed import (
    DEMO_CITIZENS,
    DEMO_PASSWORD,
    demo_citizen_login,
    demo_population,
    demo_seed,
)
from sammen.organisation.models import Municipality
from sammen.visits.demo import visits_demo_today


class Command(BaseCommand):
    help = "Opretter den lille demokommune (kan køres igen uden at dublere data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--citizens",
            type=int,
            default=DEMO_CITIZENS,
            help="genererede borgere i Greve (0 = ingen)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_seed(progress=lambda msg: self.stdout.write(f"  … {msg}"))
        if options["citizens"] > 0:
            progress = TqdmProgress(self.stderr._out)
            try:
                result = demo_population(citizens=options["citizens"], progress=progress)
            finally:
                progress.close()
            written = ", ".join(f"{kind}: {n}" for kind, n in result.rows.items())
            self.stdout.write(f"  … Greves genererede befolkning – nye rækker: {written}")
            citizen_login = demo_citizen_login()
            if citizen_login is not None:
                logins.append(citizen_login)
        greve = Municipality.objects.filter(code="253").first()
        if greve is not None:
            # Whatever day the demo starts: today's plan, and full day lists for the logins.
            n = visits_demo_today(greve)
            self.stdout.write(f"  … Dagens køreliste: {n} besøg fordelt til demo-logins")
        self._seal()
        self.stdout.write(self.style.SUCCESS("\nDemo-logins (alle fiktive):"))
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(
                f"  {login.username.ljust(width)}  {login.name} – {login.role}, {login.unit}"
            )
        self.stdout.write(f"\n  Adgangskode til alle: {DEMO_PASSWORD}")
        if not settings.SAMMEN_MFA_REQUIRED:
            self.stdout.write(
                self.style.WARNING(
                    "  Totrinsbekræftelse er slået fra (SAMMEN_MFA_REQUIRED=false) – kun til demo."
                )
            )
        else:
            self.stdout.write("  Første login beder dig opsætte en godkendelses-app (TOTP).")

    def _seal(self) -> None:
        """Seal the demo's history, so `access_log_verify` has something to check. A new demo
        database next to the checkpoints of an old one (deleted db.sqlite3) gets a fresh
        directory; the old one is kept aside, never deleted."""
        try:
            checkpoint = access_log_seal(lag_seconds=0)
        except SealRefused:
            if settings.SAMMEN_ENV == "production" or Checkpoint.objects.exists():
                raise
            old = Path(settings.SAMMEN_SEAL_DIR)
            aside = old.with_name(f"{old.name}.old-{timezone.now():%Y%m%d%H%M%S}")
            old.rename(aside)
            self.stdout.write(f"  … Ny database: de gamle forseglinger er flyttet til {aside}")
            checkpoint = access_log_seal(lag_seconds=0)
        if checkpoint is not None:
            self.stdout.write(f"  … Adgangsloggen er forseglet (forsegling {checkpoint.number})")
