"""The nightly rolling plan: visits from granted services for the next 14 days, per
municipality (run it from cron or the scheduler every night; idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sammen.organisation.models import Municipality
from sammen.visits.services import HORIZON_DAYS, visit_plan_generate


class Command(BaseCommand):
    help = "Planlægger besøg ud fra bevilgede indsatser for de næste 14 dage (kan køres igen)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=HORIZON_DAYS)
        parser.add_argument("--kommune", default="", help="kommunekode (tom: alle)")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = Municipality.objects.all()
        if options["kommune"]:
            rows = rows.filter(code=options["kommune"])
        for m in rows:
            r = visit_plan_generate(municipality=m, days=options["days"])
            self.stdout.write(
                f"{m}: {r.created} nye besøg, {r.updated} ændret, {r.cancelled} aflyst"
            )
