"""Create the PostgreSQL roles and grant (idempotent): run as the owner after `migrate`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from sammen.core.db import RETENTION_ROLE
from sammen.core.db_roles import APP_ROLE, db_roles_apply


class Command(BaseCommand):
    help = (
        "Opretter databaserollerne sammen_app og sammen_retention og giver dem deres rettigheder "
        "(kun PostgreSQL). Køres af ejeren efter migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--login",
            action="store_true",
            help="Giv rollerne LOGIN (adgangskoden sætter driften selv med ALTER ROLE).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Databaseroller findes kun på PostgreSQL; SQLite har ingen roller.")
        locked = db_roles_apply(login=options["login"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{APP_ROLE}: kun SELECT og INSERT på {', '.join(locked)}; "
                f"{RETENTION_ROLE}: må slette gamle logrækker."
            )
        )
