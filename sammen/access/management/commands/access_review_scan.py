"""Find suspicious access patterns and put them in the leaders' review queues (run by cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sammen.access.services import access_review_scan
from sammen.organisation.models import Municipality


class Command(BaseCommand):
    help = "Finder mistænkelige mønstre i adgangsloggen og opretter punkter til gennemgang."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="Hvor langt tilbage (timer)")

    def handle(self, *args: Any, **options: Any) -> None:
        since = timezone.now() - dt.timedelta(hours=options["hours"])
        created = sum(
            access_review_scan(municipality_id=mid, since=since)
            for mid in Municipality.objects.values_list("pk", flat=True)
        )
        self.stdout.write(self.style.SUCCESS(f"{created} nye punkter til gennemgang."))
