"""Trigram GIN indexes for partial name/address search on PostgreSQL (pg_trgm).

`search_name__contains` becomes LIKE '%…%', which a gin_trgm_ops index answers. SQLite has no
trigram index; there the (municipality, search_name) B-tree and a scan of one municipality's
rows is the fallback (see bench/README.md for the figures).
"""

from typing import Any

from django.db import migrations

INDEXES = [
    ("citizen_search_name_trgm", "search_name"),
    ("citizen_search_address_trgm", "search_address"),
]


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON citizens_citizen "
            f"USING gin ({column} gin_trgm_ops);"
        )


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [("citizens", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
