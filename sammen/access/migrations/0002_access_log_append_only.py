"""The access log and the change log refuse UPDATE and DELETE at the database level.

The access log's DELETE has one door, for the retention job (access.retention), which opens it
inside its own transaction and logs the pruning itself.
"""

from django.db import migrations

from sammen.core.db import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [
        append_only_operation("access_accesslogentry", delete_permit_table="access_deletepermit"),
        append_only_operation("access_changelogentry"),
    ]
