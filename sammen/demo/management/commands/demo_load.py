"""Load the small fixed demo (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from sammen.demo.seed import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Opretter den lille demokommune (kan køres igen uden at dublere data)."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_seed(progress=lambda msg: self.stdout.write(f"  … {msg}"))
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
