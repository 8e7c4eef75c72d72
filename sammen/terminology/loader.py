"""Load code systems and value sets from the versioned data files, idempotently.

A code system file (`"kind": "code_system"`) carries a flat concept list; loading it again
changes nothing, and loading a newer version updates displays and statuses and marks concepts
the new version lacks as `retired` (never deleted: old entries point at them). A value-set file
(`"kind": "value_sets"`) defines each value set by rules over a code system (see the file).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from sammen.terminology.models import CodeSystem, Concept, ConceptStatus, ValueSet, ValueSetMember

CONCEPT_FIELDS = ("legacy_code", "display", "definition", "parent_code", "status", "version")


class TerminologyFileError(ValueError):
    """A data file that does not follow the format; the message says where."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: LoadResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.notes.extend(other.notes)


def _require(doc: Mapping[str, Any], *keys: str) -> None:
    missing = [k for k in keys if k not in doc]
    if missing:
        raise TerminologyFileError(f"mangler felterne {', '.join(missing)}")


@transaction.atomic
def code_system_load(doc: Mapping[str, Any]) -> LoadResult:
    _require(doc, "url", "name", "title", "version", "concepts")
    result = LoadResult()
    system, created = CodeSystem.objects.get_or_create(
        url=doc["url"],
        defaults={
            "name": doc["name"],
            "title": doc["title"],
            "version": doc["version"],
            "source": doc.get("source", ""),
        },
    )
    header = {"name": doc["name"], "title": doc["title"], "version": doc["version"]}
    if not created and any(getattr(system, k) != v for k, v in header.items()):
        for k, v in header.items():
            setattr(system, k, v)
        system.source = doc.get("source", "")
        system.save()
    existing = {c.code: c for c in Concept.objects.filter(code_system=system)}
    seen: set[str] = set()
    new: list[Concept] = []
    changed: list[Concept] = []
    for raw in doc["concepts"]:
        _require(raw, "code", "display")
        code = str(raw["code"])
        if code in seen:
            raise TerminologyFileError(f"koden {code} står to gange")
        seen.add(code)
        values = {
            "legacy_code": raw.get("legacy_code") or "",
            "display": raw["display"],
            "definition": raw.get("definition") or "",
            "parent_code": raw.get("parent") or "",
            "status": raw.get("status") or ConceptStatus.CURRENT,
            "version": doc["version"],
        }
        if values["status"] not in ConceptStatus.values:
            raise TerminologyFileError(f"ukendt status {values['status']!r} for {code}")
        concept = existing.get(code)
        if concept is None:
            new.append(Concept(code_system=system, code=code, **values))
        elif any(getattr(concept, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(concept, k, v)
            changed.append(concept)
        else:
            result.unchanged += 1
    for code, concept in existing.items():
        if code not in seen and concept.status != ConceptStatus.RETIRED:
            concept.status = ConceptStatus.RETIRED
            changed.append(concept)
    Concept.objects.bulk_create(new, batch_size=500)
    Concept.objects.bulk_update(changed, CONCEPT_FIELDS, batch_size=500)
    if (new or changed) and not created:
        # bulk_update leaves updated_at alone: the code system's moves, so the reference
        # cache (core.refcache) sees a new version.
        system.save(update_fields=["updated_at"])
    result.created += len(new)
    result.updated += len(changed)
    result.notes.append(f"{system.name} {system.version}: {len(seen)} begreber")
    return result


def _natural(text: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def _sort_key(order: str, given: list[str]) -> Any:
    def key(c: Concept) -> Any:
        if order == "numeric":
            try:
                return (float(c.display), c.display)
            except ValueError:
                return (float("inf"), c.display)
        if order == "given":
            return (given.index(c.code), "")
        if order == "display":
            return (c.display.lower(), "")
        # legacy_code: concepts with a key first in natural order, then the rest by display
        return (0, _natural(c.legacy_code), c.display) if c.legacy_code else (1, (), c.display)

    return key


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _members(
    spec: Mapping[str, Any], by_code: Mapping[str, Concept], children: Mapping[str, list[Concept]]
) -> list[tuple[Concept, Concept | None]]:
    """(concept, group concept) pairs picked by the value set's include rule."""
    include = spec["include"]
    picked: list[tuple[Concept, Concept | None]] = []
    if "codes" in include:
        for code in include["codes"]:
            if code not in by_code:
                raise TerminologyFileError(f"{spec['key']}: koden {code} findes ikke")
            picked.append((by_code[code], None))
    elif "children_of" in include:
        for root in _as_list(include["children_of"]):
            if root not in by_code:
                raise TerminologyFileError(f"{spec['key']}: koden {root} findes ikke")
            picked.extend((c, None) for c in children.get(root, []))
    elif "leaves_under" in include:

        def leaves(code: str) -> Iterable[tuple[Concept, Concept | None]]:
            for child in children.get(code, []):
                if children.get(child.code):
                    yield from leaves(child.code)
                else:
                    yield child, by_code.get(child.parent_code)

        for root in _as_list(include["leaves_under"]):
            if root not in by_code:
                raise TerminologyFileError(f"{spec['key']}: koden {root} findes ikke")
            picked.extend(leaves(root))
    else:
        raise TerminologyFileError(f"{spec['key']}: ukendt include-regel")
    return picked


@transaction.atomic
def value_sets_load(doc: Mapping[str, Any]) -> LoadResult:
    _require(doc, "version", "value_sets")
    result = LoadResult()
    systems = {s.url: s for s in CodeSystem.objects.all()}
    concepts_of: dict[str, list[Concept]] = {}
    existing_sets = {v.key: v for v in ValueSet.objects.all()}
    members_of: dict[Any, dict[Any, ValueSetMember]] = {}
    for m in ValueSetMember.objects.filter(value_set__in=list(existing_sets.values())):
        members_of.setdefault(m.value_set_id, {})[m.concept_id] = m
    for spec in doc["value_sets"]:
        _require(spec, "key", "title", "system", "include")
        system = systems.get(spec["system"])
        if system is None:
            raise TerminologyFileError(
                f"{spec['key']}: kodesystemet {spec['system']} er ikke indlæst"
            )
        if system.url not in concepts_of:
            concepts_of[system.url] = list(
                Concept.objects.filter(code_system=system).only(
                    "id", "code", "legacy_code", "display", "parent_code", "status"
                )
            )
        concepts = concepts_of[system.url]
        by_code = {c.code: c for c in concepts}
        children: dict[str, list[Concept]] = {}
        for c in concepts:
            if c.parent_code:
                children.setdefault(c.parent_code, []).append(c)
        given = list(spec["include"].get("codes", []))
        order = spec.get("order", "legacy_code")
        picked = _members(spec, by_code, children)
        groups = sorted({g.code: g for _, g in picked if g}.values(), key=_sort_key(order, given))
        group_order = {g.code: i for i, g in enumerate(groups)}
        picked.sort(
            key=lambda pair: (
                group_order.get(pair[1].code, 0) if pair[1] else 0,
                _sort_key(order, given)(pair[0]),
            )
        )
        wanted = {
            c.pk: {
                "order": i,
                "active": c.status == ConceptStatus.CURRENT
                or (c.status == ConceptStatus.LEGACY and not spec.get("current_only", False)),
                "group_code": g.code if g else "",
                "group_display": g.display if g else "",
                "group_order": group_order.get(g.code, 0) if g else 0,
            }
            for i, (c, g) in enumerate(picked)
        }
        value_set = existing_sets.get(spec["key"])
        created = value_set is None
        if value_set is None:
            value_set = ValueSet.objects.create(
                key=spec["key"], title=spec["title"], version=doc["version"], code_system=system
            )
        have = members_of.get(value_set.pk, {})
        changed = created or value_set.title != spec["title"]
        to_create = [
            ValueSetMember(value_set=value_set, concept_id=cid, **values)
            for cid, values in wanted.items()
            if cid not in have
        ]
        to_update = []
        for cid, member in have.items():
            if cid not in wanted:
                continue
            if any(getattr(member, k) != v for k, v in wanted[cid].items()):
                for k, v in wanted[cid].items():
                    setattr(member, k, v)
                to_update.append(member)
        removed = [cid for cid in have if cid not in wanted]
        if removed:
            # A concept that leaves a value set stays readable through its code system.
            ValueSetMember.objects.filter(value_set=value_set, concept_id__in=removed).delete()
        ValueSetMember.objects.bulk_create(to_create)
        ValueSetMember.objects.bulk_update(
            to_update, ["order", "active", "group_code", "group_display", "group_order"]
        )
        if changed or to_create or to_update or removed:
            value_set.title = spec["title"]
            value_set.version = doc["version"]
            value_set.code_system = system
            value_set.save()
            if created:
                result.created += 1
            else:
                result.updated += 1
        else:
            result.unchanged += 1
    return result
