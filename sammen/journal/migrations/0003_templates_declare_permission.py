"""Templates declare the permission they need (organisation.permissions), not roles.

Template versions already loaded get the same change their files got (the definition and its
content hash), so `documentation_load` keeps accepting the project's files on an existing
database."""

import hashlib
import json
from typing import Any

from django.db import migrations

PERMISSION_BY_KIND = {
    "helbredstilstand": "document_health",
    "funktionsevnetilstand": "document",
    "generelle_oplysninger": "document",
    "note": "document",
}
PERMISSION_BY_KEY = {"ffb-tilstand": "document_assessment"}


def _hash(definition: dict[str, Any]) -> str:
    body = {k: v for k, v in definition.items() if k not in ("status", "kind")}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def forwards(apps: Any, schema_editor: Any) -> None:
    Template = apps.get_model("journal", "Template")
    for template in Template.objects.all():
        definition = dict(template.definition)
        if "permission" in definition:
            continue
        kind = definition.pop("document_kind", None)
        definition.pop("roles", None)
        permission = PERMISSION_BY_KEY.get(template.key) or PERMISSION_BY_KIND.get(str(kind))
        # Any other template gets the narrowest documenting permission.
        definition["permission"] = permission or "document_health"
        template.definition = definition
        template.content_hash = _hash(definition)
        template.save(update_fields=["definition", "content_hash"])


class Migration(migrations.Migration):
    dependencies = [("journal", "0002_entry_append_only")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
