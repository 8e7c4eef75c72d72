"""Observation from the journal's funktionsevnetilstande: the function level (funktionsevne-
niveau, code FSIII B "Funktionsevne skalering", value B1–B5/B6) and the citizen's own ratings
(udførelse C → C1–C4, betydning D → D1–D2; KL Gateway CareCitizensOwnObservation), each with
`focus` on the Condition of the same assessment.

Three sources of one resource type, one per kind, so a search pages each 1:1 over journal
entries and the registry merges them. Id: `<chain id>-<kind>` (a valid FHIR id); versionId
and history follow the entry chain like the Condition's. Vital signs and follow-up results
come from their own modules as further sources (module README)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from sammen.fhir import codes
from sammen.fhir.context import FhirContext, instant, reference
from sammen.fhir.errors import not_found
from sammen.fhir.registry import Page, Resource, SearchParam, Source, register
from sammen.fhir.resources._journal import displays, search_current
from sammen.fhir.search import SearchQuery
from sammen.journal.models import Entry, EntryStatus
from sammen.journal.selectors import entry_chain_head, entry_chain_versions
from sammen.terminology.models import Concept

OBJECT_TYPE = "fhir:Observation"
FSIII_SCALE_GROUP = "2c02a704-deee-4878-9378-1167613b3da6"  # B Funktionsevne skalering


@dataclass(frozen=True)
class Kind:
    suffix: str
    field: str
    code: str
    title: str
    value: Callable[[Any], str | None]
    profile: str | None
    category: str | None


def _level(value: Any) -> str | None:
    pair = codes.FSIII_SEVERITY.get(value) if isinstance(value, int) else None
    return pair[0] if pair else None


def _code(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


KINDS = (
    Kind(
        "niveau",
        "nuvaerende_niveau",
        FSIII_SCALE_GROUP,
        "Funktionsevneniveau",
        _level,
        None,
        "survey",
    ),
    Kind(
        "udfoerelse",
        "udfoerelse",
        codes.FSIII_PERFORMANCE,
        "Borgerens udførelse",
        _code,
        codes.KLGW_CITIZENS_OWN_OBSERVATION,
        None,
    ),
    Kind(
        "betydning",
        "betydning",
        codes.FSIII_IMPORTANCE,
        "Betydning for borgeren",
        _code,
        codes.KLGW_CITIZENS_OWN_OBSERVATION,
        None,
    ),
)


def _coding(code: str, concepts: dict[str, Concept], *, display: bool) -> dict[str, str]:
    coding = {"system": codes.FSIII, "code": code}
    if display and code in concepts:
        coding["display"] = concepts[code].display
    return coding


def to_fhir(entry: Entry, kind: Kind, concepts: dict[str, Concept]) -> Resource | None:
    value = kind.value(entry.data.get(kind.field))
    if value is None:
        return None
    meta: dict[str, Any] = {
        "versionId": str(entry.version),
        "lastUpdated": instant(entry.written_at),
    }
    if kind.profile:
        meta["profile"] = [kind.profile]
    resource: Resource = {
        "resourceType": "Observation",
        "id": f"{entry.chain_id}-{kind.suffix}",
        "meta": meta,
        "status": "entered-in-error" if entry.status == EntryStatus.ENTERED_IN_ERROR else "final",
    }
    if kind.category:
        resource["category"] = [
            {"coding": [{"system": codes.OBSERVATION_CATEGORY, "code": kind.category}]}
        ]
    resource["code"] = {"coding": [{"system": codes.FSIII, "code": kind.code}]}
    resource["subject"] = reference("Patient", entry.citizen_id)
    resource["focus"] = [reference("Condition", entry.chain_id)]
    resource["effectiveDateTime"] = instant(entry.refers_to)
    if kind.profile is None:
        resource["performer"] = [reference("Practitioner", entry.author_id)]
    # The KL Gateway citizen-rating profile allows no display on the value's coding.
    resource["valueCodeableConcept"] = {
        "coding": [_coding(value, concepts, display=kind.profile is None)]
    }
    return resource


def _chain(kind: Kind, resource_id: str) -> str:
    return resource_id.removesuffix(f"-{kind.suffix}")


def _extra() -> tuple[str, ...]:
    return tuple(c for c, _k in codes.FSIII_SEVERITY.values())


def _source(kind: Kind) -> Source:
    def read(ctx: FhirContext, resource_id: str) -> Resource:
        head = entry_chain_head(
            actor=ctx.actor,
            chain_id=_chain(kind, resource_id),
            template_keys=(codes.TEMPLATE_FUNCTION,),
        )
        resource = to_fhir(head, kind, displays([head], _extra()))
        if resource is None:
            raise not_found()
        return resource

    def history(ctx: FhirContext, resource_id: str) -> list[Resource]:
        head = entry_chain_head(
            actor=ctx.actor,
            chain_id=_chain(kind, resource_id),
            template_keys=(codes.TEMPLATE_FUNCTION,),
        )
        versions = entry_chain_versions(actor=ctx.actor, head=head)
        concepts = displays(versions, _extra())
        found = [r for v in reversed(versions) if (r := to_fhir(v, kind, concepts)) is not None]
        if not found:
            raise not_found()
        return found

    def narrow(rows: QuerySet[Entry]) -> QuerySet[Entry]:
        return rows.filter(data__has_key=kind.field)

    def search(ctx: FhirContext, query: SearchQuery) -> Page:
        # `code` names the observation's code (B, C or D); the source is chosen by it, so the
        # entries are not narrowed by item here.
        shown, more = search_current(
            ctx,
            dataclasses.replace(query, codes=()),
            templates=(codes.TEMPLATE_FUNCTION,),
            object_type=OBJECT_TYPE,
            narrow=narrow,
        )
        concepts = displays(shown, _extra())
        return Page([r for e in shown if (r := to_fhir(e, kind, concepts)) is not None], more)

    return Source(
        resource_type="Observation",
        name=f"journal-{kind.suffix}",
        documentation=f"{kind.title} fra journalens funktionsevnetilstande.",
        read=read,
        search=search,
        history=history,
        profile=kind.profile,
        owns=lambda resource_id: resource_id.endswith(f"-{kind.suffix}"),
        params=(
            SearchParam("patient", "reference", "Borgeren"),
            SearchParam(
                "code", "token", f"{codes.FSIII}|<UUID> (B-skala, C udførelse, D betydning)"
            ),
            SearchParam("category", "token", "survey (funktionsevneniveau)"),
            SearchParam("date", "date", "Vurderingstidspunkt (effective)"),
        ),
        codes=frozenset({(codes.FSIII, kind.code)}),
        categories=frozenset({(codes.OBSERVATION_CATEGORY, kind.category)})
        if kind.category
        else frozenset(),
        supported_profiles=(kind.profile,) if kind.profile else (),
    )


SOURCES = [register(_source(kind)) for kind in KINDS]
