"""Delete sealed access-log rows past their retention (as the retention role); logged."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sammen.access.services import access_log_prune


class Command(BaseCommand):
    help = "Sletter logrækker ældre end opbevaringsperioden (sikkerhedslog 6 mdr., borgerlog 2 år)."

    def handle(self, *args: Any, **options: Any) -> None:
        totals = access_log_prune()
        self.stdout.write(
            self.style.SUCCESS(
                f"Slettet {totals['access_log']} rækker i sikkerhedsloggen og "
                f"{totals['citizen_log']} i borgerloggen."
            )
        )
