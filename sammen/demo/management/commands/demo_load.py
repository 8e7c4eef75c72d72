"""Load the small fixed demo and Greve's generated population (idempotent); print the logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sammen.demo.generator import TqdmProgress
from sammen.demo.seed import (
    DEMO_CITIZENS,
    DEMO_PASSWORD,
    demo_citizen_login,
    demo_population,
    demo_seed,
)


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
