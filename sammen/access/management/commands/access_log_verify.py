"""Check the access log, the citizen's copy and the journal against the signed
checkpoints (the copies outside the database win); name every deleted, changed or inserted row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from sammen.access.sealing import access_log_unsealed, access_log_verify


class Command(BaseCommand):
    help = (
        "Tjekker adgangsloggen, borgerens kopi og journalen mod de signerede "
        "forseglinger og navngiver hver slettet, ændret eller indsat række."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-min",
            type=int,
            default=0,
            help="Nummeret på den nyeste forsegling i kopien uden for databasen.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = []
        found = access_log_verify(expect_min=options["expect_min"])
        for problem in tqdm(found, desc="Fund", unit=" fund", disable=None):
            problems.append(problem)
            self.stderr.write(str(problem))
        unsealed = access_log_unsealed()
        if problems:
            raise CommandError(f"Loggen er brudt: {len(problems)} fejl (den første står øverst).")
        self.stdout.write(
            self.style.SUCCESS(
                "Alle forseglede rækker passer med de signerede forseglinger. "
                f"{unsealed} nyere rækker venter på næste forsegling."
            )
        )
