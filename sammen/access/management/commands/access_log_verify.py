"""Verify the access log's hash chain; name every altered, removed, inserted or moved row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from sammen.access.log import access_log_verify
from sammen.access.models import AccessLogEntry


class Command(BaseCommand):
    help = "Tjekker adgangsloggens hash-kæde og navngiver hver ændret, fjernet eller indsat række."

    def handle(self, *args: Any, **options: Any) -> None:
        total = AccessLogEntry.objects.count()
        problems = []
        with tqdm(total=1, desc="Tjekker kæden", unit="kæde", disable=total < 10_000) as bar:
            problems = list(access_log_verify())
            bar.update(1)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Adgangsloggen er brudt: {len(problems)} fejl.")
        self.stdout.write(self.style.SUCCESS(f"Adgangsloggen er hel ({total} rækker)."))
