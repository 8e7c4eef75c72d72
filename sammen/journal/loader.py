"""Load documentation content — code systems, value sets, areas, templates — from data files.

One entry point, `content_load(paths)`, used by `manage.py documentation_load`, the demo
stream and the tests. Files are read in dependency order (code systems, value sets, areas,
templates) and everything is idempotent: loading the same files twice changes nothing. A
template version, once loaded, is never changed: different content under the same key and
version is refused (publish a new version); only its status may change (e.g. to retired).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.db import transaction

from sammen.journal.fields import TemplateDefinitionError, definition_check
from sammen.journal.models import Area, EntryKind, Template, TemplateStatus
from sammen.organisation.models import Area as MunicipalArea
from sammen.organisation.permissions import Permission
from sammen.terminology.loader import (
    LoadResult,
    TerminologyFileError,
    code_system_load,
    value_sets_load,
)
from sammen.terminology.models import ValueSet

TERMINOLOGY_DIR = Path(__file__).resolve().parent.parent / "terminology" / "data"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates_data"
KIND_ORDER = {"code_system": 0, "value_sets": 1, "areas": 2, "template": 3}


class ContentFileError(ValueError):
    pass


def default_paths() -> list[Path]:
    return sorted(TERMINOLOGY_DIR.glob("*.json")) + sorted(TEMPLATES_DIR.glob("*.json"))


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ContentFileError(f"{path.name}: kan ikke læses ({error})") from error
    if not isinstance(doc, dict) or doc.get("kind") not in KIND_ORDER:
        raise ContentFileError(f"{path.name}: ukendt eller manglende 'kind'")
    return doc


def content_hash(doc: Mapping[str, Any]) -> str:
    body = {k: v for k, v in doc.items() if k not in ("status", "kind")}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def areas_load(doc: Mapping[str, Any]) -> LoadResult:
    result = LoadResult()
    for raw in doc["areas"]:
        if raw.get("municipal_area") not in MunicipalArea.values:
            raise ContentFileError(f"område {raw.get('key')}: ukendt forvaltningsområde")
        values = {
            "title": raw["title"],
            "municipal_area": raw["municipal_area"],
            "order": int(raw.get("order", 0)),
        }
        area, created = Area.objects.get_or_create(key=raw["key"], defaults=values)
        if created:
            result.created += 1
        elif any(getattr(area, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(area, k, v)
            area.save()
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def template_load(doc: Mapping[str, Any]) -> LoadResult:
    result = LoadResult()
    where = f"skabelon {doc.get('key')} v{doc.get('version')}"
    for name in ("key", "version", "area", "title", "entry_kind", "sections"):
        if name not in doc:
            raise TemplateDefinitionError(f"{where}: mangler {name}")
    if doc["entry_kind"] not in EntryKind.values:
        raise TemplateDefinitionError(f"{where}: ukendt entry_kind")
    status = doc.get("status", TemplateStatus.ACTIVE)
    if status not in TemplateStatus.values:
        raise TemplateDefinitionError(f"{where}: ukendt status {status!r}")
    area = Area.objects.filter(key=doc["area"]).first()
    if area is None:
        raise TemplateDefinitionError(f"{where}: området {doc['area']} findes ikke")
    definition_check(
        doc,
        value_sets=set(ValueSet.objects.values_list("key", flat=True)),
        permissions=set(Permission.values),
    )
    digest = content_hash(doc)
    definition = {k: v for k, v in doc.items() if k != "kind"}
    existing = Template.objects.filter(key=doc["key"], version=doc["version"]).first()
    if existing is None:
        Template.objects.create(
            area=area,
            key=doc["key"],
            version=int(doc["version"]),
            title=doc["title"],
            kind=doc["entry_kind"],
            status=status,
            definition=definition,
            content_hash=digest,
            order=int(doc.get("order", 0)),
        )
        result.created += 1
    elif existing.content_hash != digest:
        raise TemplateDefinitionError(
            f"{where} er allerede indlæst med et andet indhold. "
            "En skabelon ændres ved at udgive en ny version."
        )
    elif existing.status != status:
        existing.status = status
        existing.definition = definition
        existing.save(update_fields=["status", "definition", "updated_at"])
        result.updated += 1
    else:
        result.unchanged += 1
    return result


@transaction.atomic
def content_load(paths: Iterable[Path] | None = None) -> LoadResult:
    """Load the given files (default: the project's own) in dependency order."""
    docs = [(p, _read(p)) for p in (default_paths() if paths is None else paths)]
    docs.sort(key=lambda pd: (KIND_ORDER[pd[1]["kind"]], pd[0].name))
    result = LoadResult()
    for path, doc in docs:
        try:
            kind = doc["kind"]
            if kind == "code_system":
                result.add(code_system_load(doc))
            elif kind == "value_sets":
                result.add(value_sets_load(doc))
            elif kind == "areas":
                result.add(areas_load(doc))
            else:
                result.add(template_load(doc))
        except (TerminologyFileError, TemplateDefinitionError, KeyError) as error:
            raise ContentFileError(f"{path.name}: {error}") from error
    return result
