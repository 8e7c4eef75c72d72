"""Load or update code systems, value sets, documentation areas and templates from files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sammen.journal.loader import ContentFileError, content_load, default_paths


class Command(BaseCommand):
    help = (
        "Indlæser terminologi (FSIII, FFB, værdisæt) og dokumentationsskabeloner fra de "
        "versionerede datafiler. Kan køres igen: kun ændringer skrives."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="Ekstra datafiler (fx en ny skabelon); projektets egne filer indlæses altid.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = default_paths() + list(options["paths"])
        try:
            result = content_load(paths)
        except ContentFileError as error:
            raise CommandError(str(error)) from error
        for note in result.notes:
            self.stdout.write(note)
        self.stdout.write(
            self.style.SUCCESS(
                f"Oprettet {result.created}, opdateret {result.updated}, "
                f"uændret {result.unchanged}."
            )
        )
