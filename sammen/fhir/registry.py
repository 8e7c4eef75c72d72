"""The mapper registry: every FHIR resource the facade serves comes from a `Source` — one
mapper file in `sammen/fhir/resources/` that says which resource type it makes, from which
module's data, with which profile, search parameters and read / search / history functions.

A resource type may have several sources (Observation: function levels and citizen ratings
from the journal today; vital signs from the observations module later). Reads go to the
source that owns the id; a search goes to the sources whose codes/categories match, and is
merged (newest first) when more than one answers. The views, the CapabilityStatement and the
scope check read only this registry. Adding Goal, CarePlan, ServiceRequest, Encounter,
Procedure or Observation (vital signs) is one new file there (module README)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sammen.fhir.errors import FhirError

if TYPE_CHECKING:
    from sammen.fhir.context import FhirContext
    from sammen.fhir.search import SearchQuery

Resource = dict[str, Any]


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: str  # FHIR search parameter type: token, reference, date, string, number
    documentation: str


@dataclass(frozen=True)
class Page:
    """One page of a search: the resources shown, and whether there is a next page."""

    resources: list[Resource]
    more: bool


@dataclass(frozen=True)
class Source:
    resource_type: str
    name: str  # unique per resource type, e.g. "journal-function-level"
    documentation: str
    read: Callable[[FhirContext, str], Resource]
    search: Callable[[FhirContext, SearchQuery], Page]
    profile: str | None = None
    params: tuple[SearchParam, ...] = ()
    # vread and history for sources whose data keeps every version (journal entries).
    history: Callable[[FhirContext, str], list[Resource]] | None = None
    # Does this source own the id? (one source per type: yes)
    owns: Callable[[str], bool] = lambda _id: True
    # The codes / categories (system, code) this source can produce: a search with `code` or
    # `category` asks only the sources that can match. No codes = any code; no categories =
    # the resources carry no category (a category search skips the source).
    codes: frozenset[tuple[str, str]] = frozenset()
    categories: frozenset[tuple[str, str]] = frozenset()
    supported_profiles: tuple[str, ...] = ()
    citizen_data: bool = True  # rows belong to a citizen (logged); units/staff are not


@dataclass
class ResourceType:
    name: str
    sources: list[Source] = field(default_factory=list)

    @property
    def params(self) -> tuple[SearchParam, ...]:
        seen: dict[str, SearchParam] = {}
        for source in self.sources:
            for p in source.params:
                seen.setdefault(p.name, p)
        return tuple(seen.values())

    @property
    def has_history(self) -> bool:
        return any(s.history is not None for s in self.sources)

    def source_for(self, resource_id: str) -> Source | None:
        return next((s for s in self.sources if s.owns(resource_id)), None)

    def sources_for(self, query: SearchQuery) -> list[Source]:
        return [
            s
            for s in self.sources
            if (not query.codes or not s.codes or matches(query.codes, s.codes))
            and (not query.categories or matches(query.categories, s.categories))
        ]

    def search(self, ctx: FhirContext, query: SearchQuery) -> Page:
        sources = self.sources_for(query)
        if not sources:
            return Page([], False)
        if len(sources) == 1:
            return sources[0].search(ctx, query)
        return _merged(ctx, sources, query)


def matches(tokens: Any, offered: frozenset[tuple[str, str]]) -> bool:
    """Can a source offering `offered` (system, code) pairs match any of the search tokens?"""
    return any(
        (t.system, t.code) in offered
        or (t.system is None and any(t.code == c for _s, c in offered))
        for t in tokens
    )


def _sort_key(resource: Resource) -> tuple[str, str]:
    return (str(resource.get("meta", {}).get("lastUpdated", "")), str(resource.get("id", "")))


def _merged(ctx: FhirContext, sources: list[Source], query: SearchQuery) -> Page:
    """Several sources answer one citizen's search (`patient=`): each is asked for its first
    offset+count+1 resources (newest first), the lot is sorted newest first and the page cut
    out of it. Each source passed the gate for that one citizen, which logged the read.

    Across citizens a search must name one source (code or category): merging would read
    rows of citizens who are not shown, and everything read is logged as shown."""
    if query.patient is None:
        raise FhirError(
            400,
            f"En søgning i {sources[0].resource_type} på tværs af borgere skal angive "
            "patient, code eller category, så den rammer én slags data.",
        )
    wide = dataclasses.replace(query, offset=0, count=query.offset + query.count + 1)
    found = [r for s in sources for r in s.search(ctx, wide).resources]
    found.sort(key=_sort_key, reverse=True)
    end = query.offset + query.count
    return Page(found[query.offset : end], len(found) > end)


_REGISTRY: dict[str, ResourceType] = {}


def register(source: Source) -> Source:
    rtype = _REGISTRY.setdefault(source.resource_type, ResourceType(source.resource_type))
    if any(s.name == source.name for s in rtype.sources):
        raise ValueError(f"FHIR source {source.resource_type}/{source.name} registered twice")
    rtype.sources.append(source)
    return source


def get(name: str) -> ResourceType | None:
    return _REGISTRY.get(name)


def all_types() -> list[ResourceType]:
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


# Parameters every search takes (besides each type's own).
COMMON_PARAMS = (
    SearchParam("_id", "token", "Ressourcens id"),
    SearchParam("_lastUpdated", "date", "Senest ændret (ge, gt, le, lt, eq)"),
    SearchParam("_count", "number", "Antal pr. side (1–200, standard 50)"),
    SearchParam("_offset", "number", "Forskydning (bruges af sidelinks)"),
)
