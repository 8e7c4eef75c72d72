"""Figure definitions: versioned data files, read and checked like the journal's templates.

Each file in `definitions/` is one version of one figure (`<id>.v<version>.json`): id, Danish
title and plain-language explanation, formula, source tables, unit, measure, period,
breakdowns, small-number threshold, data-quality rule. The loader refuses a definition

- with a missing or unknown field value, a threshold under `MIN_THRESHOLD`, an unknown query,
- whose `sources` name a table that does not exist, or leave out a table its query reads,
- that asks for a breakdown its query cannot give,
- that divides (unit `share`) without saying what a zero denominator shows,
- whose content differs from the released version recorded in `definitions/RELEASED.json`
  (a released version never changes: publish a new version with a later `valid_from`).

The figure in force is its newest version with `valid_from` on or before the day asked about;
a page marks a figure whose definition changed inside the period it shows.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps

from sammen.insight.queries import REGISTRY

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
RELEASED_FILE = DEFINITIONS_DIR / "RELEASED.json"
MIN_THRESHOLD = 5
UNITS = {"count", "share"}
MEASURES = {"snapshot", "events"}
PERIODS = {"month"}
DRILLDOWNS = {"hit", "miss", "none"}
REQUIRED = (
    "id",
    "version",
    "valid_from",
    "title",
    "explanation",
    "formula",
    "sources",
    "query",
    "unit",
    "measure",
    "period",
    "breakdowns",
    "threshold",
    "drilldown",
    "quality",
)


class DefinitionError(ValueError):
    """A definition file that cannot be used; the message is Danish and names the file."""


@dataclass(frozen=True)
class Definition:
    id: str
    version: int
    valid_from: dt.date
    title: str
    explanation: str
    formula: str
    sources: tuple[str, ...]
    query: str
    unit: str
    measure: str
    period: str
    breakdowns: tuple[str, ...]
    threshold: int
    drilldown: str
    quality_rule: str
    stale_after_days: int
    categories: dict[str, str]
    parameters: dict[str, Any]
    denominator: str
    content_hash: str
    order: int = 0

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


def content_hash(doc: dict[str, Any]) -> str:
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def known_tables() -> set[str]:
    return {m._meta.db_table for m in apps.get_models()}


def definition_parse(doc: Any, *, name: str, released: dict[str, str] | None = None) -> Definition:
    """Check one definition document; raise DefinitionError with a Danish message."""

    def refuse(why: str) -> DefinitionError:
        return DefinitionError(f"{name}: {why}")

    if not isinstance(doc, dict) or doc.get("kind") != "insight_figure":
        raise refuse("ikke en nøgletalsdefinition (kind skal være 'insight_figure')")
    for key in REQUIRED:
        if key not in doc:
            raise refuse(f"mangler feltet '{key}'")
    if not isinstance(doc["version"], int) or doc["version"] < 1:
        raise refuse("version skal være et helt tal fra 1")
    try:
        valid_from = dt.date.fromisoformat(str(doc["valid_from"]))
    except ValueError as error:
        raise refuse("valid_from skal være en dato (ÅÅÅÅ-MM-DD)") from error
    if doc["unit"] not in UNITS:
        raise refuse(f"ukendt enhed {doc['unit']!r} (tilladt: {', '.join(sorted(UNITS))})")
    if doc["measure"] not in MEASURES:
        raise refuse(f"ukendt måltype {doc['measure']!r}")
    if doc["period"] not in PERIODS:
        raise refuse(f"ukendt periode {doc['period']!r}")
    if doc["drilldown"] not in DRILLDOWNS:
        raise refuse(f"ukendt drilldown {doc['drilldown']!r}")
    threshold = doc["threshold"]
    if not isinstance(threshold, int) or threshold < MIN_THRESHOLD:
        raise refuse(f"grænsen for små tal skal være mindst {MIN_THRESHOLD}")
    if doc["unit"] == "share" and (
        not doc.get("denominator") or doc.get("when_denominator_zero") != "no_data"
    ):
        raise refuse(
            "en andel deler med en nævner, der kan være 0: angiv 'denominator' og "
            "'when_denominator_zero': 'no_data'"
        )
    query = REGISTRY.get(str(doc["query"]))
    if query is None:
        raise refuse(f"ingen forespørgsel hedder {doc['query']!r}")
    sources = tuple(str(s) for s in doc["sources"])
    tables = known_tables()
    missing_tables = [s for s in sources if s not in tables]
    if missing_tables:
        raise refuse(f"kildetabellen {', '.join(missing_tables)} findes ikke")
    unlisted = sorted(query.tables - set(sources))
    if unlisted:
        raise refuse(f"forespørgslen læser {', '.join(unlisted)}, som ikke står i 'sources'")
    breakdowns = tuple(str(b) for b in doc["breakdowns"])
    unsupported = [b for b in breakdowns if b not in query.breakdowns]
    if unsupported:
        raise refuse(f"forespørgslen kan ikke fordele på {', '.join(unsupported)}")
    quality = doc["quality"]
    if not isinstance(quality, dict) or not quality.get("rule"):
        raise refuse("'quality' skal have en 'rule' (regel for datakvalitet)")
    digest = content_hash(doc)
    ref = f"{doc['id']}@{doc['version']}"
    if released is not None and ref in released and released[ref] != digest:
        raise refuse(
            f"{ref} er udgivet med et andet indhold. En definition ændres ved at udgive "
            "en ny version med en senere valid_from."
        )
    return Definition(
        id=str(doc["id"]),
        version=int(doc["version"]),
        valid_from=valid_from,
        title=str(doc["title"]),
        explanation=str(doc["explanation"]),
        formula=str(doc["formula"]),
        sources=sources,
        query=query.key,
        unit=str(doc["unit"]),
        measure=str(doc["measure"]),
        period=str(doc["period"]),
        breakdowns=breakdowns,
        threshold=threshold,
        drilldown=str(doc["drilldown"]),
        quality_rule=str(quality["rule"]),
        stale_after_days=int(quality.get("stale_after_days", 31)),
        categories={str(k): str(v) for k, v in dict(doc.get("categories", {})).items()},
        parameters=dict(doc.get("parameters", {})),
        denominator=str(doc.get("denominator", "")),
        content_hash=digest,
        order=int(doc.get("order", 0)),
    )


def released_hashes() -> dict[str, str]:
    if not RELEASED_FILE.exists():
        return {}
    return dict(json.loads(RELEASED_FILE.read_text(encoding="utf-8")))


def definitions_load(paths: Iterable[Path] | None = None) -> dict[str, list[Definition]]:
    """Every version of every figure, oldest first, by id."""
    released = released_hashes()
    found: dict[str, list[Definition]] = {}
    files = sorted(DEFINITIONS_DIR.glob("*.v*.json")) if paths is None else list(paths)
    for path in files:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise DefinitionError(f"{path.name}: kan ikke læses ({error})") from error
        definition = definition_parse(doc, name=path.name, released=released)
        versions = found.setdefault(definition.id, [])
        if any(d.version == definition.version for d in versions):
            raise DefinitionError(f"{path.name}: {definition.ref} findes to gange")
        versions.append(definition)
    for versions in found.values():
        versions.sort(key=lambda d: d.version)
        dates = [d.valid_from for d in versions]
        if dates != sorted(dates):
            raise DefinitionError(
                f"{versions[0].id}: en nyere version skal have en senere valid_from"
            )
    return found


@functools.cache
def definitions_all() -> dict[str, list[Definition]]:
    return definitions_load()


def definition_in_force(figure_id: str, on: dt.date) -> Definition | None:
    versions = definitions_all().get(figure_id, [])
    current = [d for d in versions if d.valid_from <= on]
    return current[-1] if current else (versions[0] if versions else None)


def definition_changes(figure_id: str, start: dt.date, end: dt.date) -> list[Definition]:
    """Versions that took effect inside [start, end] (a page marks them)."""
    return [
        d
        for d in definitions_all().get(figure_id, [])
        if start < d.valid_from <= end and d.version > 1
    ]
