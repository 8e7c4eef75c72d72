"""Close new access-log, citizen-copy and journal rows into a signed checkpoint (also written
outside the database). `--watch N` keeps sealing every N seconds (run it as a service)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sammen.access.sealing import access_log_seal


class Command(BaseCommand):
    help = "Forsegler nye logrækker og journalnotater i et signeret checkpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--watch",
            type=int,
            nargs="?",
            const=settings.SAMMEN_SEAL_EVERY_SECONDS,
            default=None,
            help="Bliv ved og forsegl hvert N. sekund.",
        )
        parser.add_argument("--lag", type=int, default=None, help="Forsinkelse i sekunder.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            checkpoint = access_log_seal(lag_seconds=options["lag"])
            if checkpoint is None:
                self.stdout.write("Intet nyt at forsegle.")
            else:
                self.stdout.write(self.style.SUCCESS(f"Forsegling {checkpoint.number} skrevet."))
            if not options["watch"]:
                return
            time.sleep(options["watch"])
