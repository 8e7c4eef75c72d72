"""Search parameters: parsed strictly (an unknown or malformed parameter is a 400
OperationOutcome, never silently ignored), typed for the resource files."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from sammen.fhir.errors import FhirError
from sammen.fhir.registry import COMMON_PARAMS, ResourceType

_M = TypeVar("_M", bound=models.Model)

DEFAULT_COUNT = 50
MAX_COUNT = 200
MAX_OFFSET = 10_000
# Parameters about the response, not the search (handled by the views).
_FORMAT_PARAMS = {"_format", "_pretty", "_summary"}
_PREFIXES = ("ge", "gt", "le", "lt", "eq")
_DATE = re.compile(
    r"^(ge|gt|le|lt|eq)?(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?)$"
)


@dataclass(frozen=True)
class DateRange:
    """Half-open [start, end) in aware datetimes; None = unbounded."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def narrowed(self, other: DateRange) -> DateRange:
        starts = [d for d in (self.start, other.start) if d is not None]
        ends = [d for d in (self.end, other.end) if d is not None]
        return DateRange(max(starts) if starts else None, min(ends) if ends else None)


@dataclass(frozen=True)
class Token:
    system: str | None
    code: str


@dataclass(frozen=True)
class SearchQuery:
    count: int = DEFAULT_COUNT
    offset: int = 0
    ids: tuple[str, ...] = ()
    patient: uuid.UUID | None = None
    codes: tuple[Token, ...] = ()
    categories: tuple[Token, ...] = ()
    date: DateRange | None = None
    last_updated: DateRange | None = None
    # Type-specific parameters, raw (identifier, name, ...), validated by the resource file.
    other: dict[str, str] = field(default_factory=dict)
    raw: tuple[tuple[str, str], ...] = ()


def _parse_date(value: str, name: str) -> DateRange:
    match = _DATE.match(value.strip())
    if match is None:
        raise FhirError(400, f"Ugyldig dato i {name}: brug fx ge2026-01-01 eller le2026-01-31.")
    prefix, text = match.group(1) or "eq", match.group(2)
    try:
        if "T" in text:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = timezone.make_aware(moment)
            start, end = moment, moment + dt.timedelta(seconds=1)
        else:
            day = dt.date.fromisoformat(text)
            start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            end = start + dt.timedelta(days=1)
    except (ValueError, OverflowError):
        raise FhirError(400, f"Ugyldig dato i {name}.") from None
    if start.year < 1900:
        raise FhirError(400, f"Datoen i {name} er for tidlig.")
    return {
        "eq": DateRange(start, end),
        "ge": DateRange(start, None),
        "gt": DateRange(end, None),
        "le": DateRange(None, end),
        "lt": DateRange(None, start),
    }[prefix]


def _tokens(value: str) -> tuple[Token, ...]:
    out = []
    for part in value.split(","):
        if not part.strip():
            raise FhirError(400, "Tom kode i søgningen.")
        if "|" in part:
            system, code = part.split("|", 1)
            out.append(Token(system or None, code))
        else:
            out.append(Token(None, part))
    return tuple(out)


def _integer(value: str, name: str, low: int, high: int) -> int:
    if not value.isdigit() or len(value) > 9:
        raise FhirError(400, f"{name} skal være et helt tal mellem {low} og {high}.")
    number = int(value)
    if not low <= number <= high:
        raise FhirError(400, f"{name} skal være et helt tal mellem {low} og {high}.")
    return number


def patient_id(value: str) -> uuid.UUID:
    """`patient=<id>` or `patient=Patient/<id>`: a malformed id finds nobody (404 later would
    leak nothing either, but a 400 tells the client its mistake)."""
    text = value.removeprefix("Patient/")
    try:
        return uuid.UUID(text)
    except ValueError:
        raise FhirError(400, "patient skal være et Patient-id (UUID).") from None


def parse(resource_type: ResourceType, params: QueryDict) -> SearchQuery:
    allowed = {p.name for p in resource_type.params} | {p.name for p in COMMON_PARAMS}
    count, offset = DEFAULT_COUNT, 0
    ids: tuple[str, ...] = ()
    patient = None
    codes: tuple[Token, ...] = ()
    categories: tuple[Token, ...] = ()
    date = last_updated = None
    other: dict[str, str] = {}
    raw: list[tuple[str, str]] = []
    for name, values in params.lists():
        base = name.split(":", 1)[0]
        if base in _FORMAT_PARAMS:
            continue
        if name != base or base not in allowed:
            raise FhirError(
                400,
                f"Søgeparameteren {name[:40]!r} understøttes ikke for {resource_type.name}. "
                "Se CapabilityStatement (/metadata).",
                code="not-supported",
            )
        for value in values:
            raw.append((name, value))
            if base == "_count":
                count = _integer(value, "_count", 1, MAX_COUNT)
            elif base == "_offset":
                offset = _integer(value, "_offset", 0, MAX_OFFSET)
            elif base == "_id":
                ids = tuple(v for v in value.split(",") if v)
            elif base == "patient":
                patient = patient_id(value)
            elif base == "code":
                codes = _tokens(value)
            elif base == "category":
                categories = _tokens(value)
            elif base == "date":
                parsed = _parse_date(value, "date")
                date = parsed if date is None else date.narrowed(parsed)
            elif base == "_lastUpdated":
                parsed = _parse_date(value, "_lastUpdated")
                last_updated = parsed if last_updated is None else last_updated.narrowed(parsed)
            else:
                if base in other:
                    raise FhirError(400, f"{base} må kun angives én gang.")
                other[base] = value
    return SearchQuery(
        count=count,
        offset=offset,
        ids=ids,
        patient=patient,
        codes=codes,
        categories=categories,
        date=date,
        last_updated=last_updated,
        other=other,
        raw=tuple(raw),
    )


def filter_range(queryset: QuerySet[_M], field_name: str, rng: DateRange | None) -> QuerySet[_M]:
    if rng is None:
        return queryset
    if rng.start is not None:
        queryset = queryset.filter(**{f"{field_name}__gte": rng.start})
    if rng.end is not None:
        queryset = queryset.filter(**{f"{field_name}__lt": rng.end})
    return queryset


def page_rows(queryset: QuerySet[_M], query: SearchQuery) -> tuple[list[_M], bool]:
    """One page (ordered by the caller) and whether another follows. The row after the page
    is only asked for (EXISTS), never loaded: nothing is read that is not shown and logged."""
    end = query.offset + query.count
    rows = list(queryset[query.offset : end])
    more = len(rows) == query.count and queryset[end : end + 1].exists()
    return rows, more


def uuids(ids: tuple[str, ...]) -> list[uuid.UUID]:
    """`_id` values that are UUIDs (others can match nothing)."""
    out = []
    for value in ids:
        try:
            out.append(uuid.UUID(value))
        except ValueError:
            continue
    return out
