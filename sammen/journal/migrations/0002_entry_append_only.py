"""Journal entries are append-only at the database level: triggers refuse UPDATE and DELETE
(and TRUNCATE on PostgreSQL). There is no door: a journal version is never deleted by Sammen."""

from django.db import migrations

from sammen.core.db import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_areas_templates_entries")]

    operations = [
        append_only_operation("journal_entry"),
    ]
