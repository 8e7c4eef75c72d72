"""Send queued accesses to NSP MinLog2 (run by cron every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sammen.access.services import minlog_push


class Command(BaseCommand):
    help = "Sender adgange i kø til MinLog og prøver igen senere, hvis MinLog ikke svarer."

    def handle(self, *args: Any, **options: Any) -> None:
        totals = minlog_push()
        self.stdout.write(
            self.style.SUCCESS(
                f"Sendt til MinLog: {totals['sent']}; venter på nyt forsøg: {totals['failed']}."
            )
        )
