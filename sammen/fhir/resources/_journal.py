"""Shared reads of FSIII tilstande from the journal for the Condition and Observation sources:
one citizen through the gate (`journal.selectors.entries_visible`), lists through
`visible_to` + `record_many`; the current state per citizen and item as the journal defines
it (`current_entries`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from sammen.access import gate
from sammen.access.lists import record_many
from sammen.access.models import Operation, Purpose
from sammen.fhir import codes
from sammen.fhir.context import FhirContext
from sammen.fhir.search import SearchQuery, filter_range, page_rows
from sammen.journal.models import Entry, EntryKind, EntryStatus
from sammen.journal.selectors import current_entries, entries_visible
from sammen.terminology.models import Concept
from sammen.terminology.selectors import concepts_display


def newer_exists() -> Exists:
    """A newer valid assessment of the same citizen's item (this one is no longer current)."""
    return Exists(
        Entry.objects.filter(
            citizen_id=OuterRef("citizen_id"),
            subject_code=OuterRef("subject_code"),
            kind=EntryKind.STATE,
            status=EntryStatus.VALID,
            refers_to__gt=OuterRef("refers_to"),
        ).exclude(Exists(Entry.objects.filter(replaces=OuterRef("pk"))))
    )


def search_current(
    ctx: FhirContext,
    query: SearchQuery,
    *,
    templates: tuple[str, ...],
    object_type: str,
    narrow: Callable[[QuerySet[Entry]], QuerySet[Entry]] = lambda rows: rows,
    date_field: str = "refers_to",
) -> tuple[list[Entry], bool]:
    """The current assessments (one per citizen and item) of `templates`, newest first."""

    def pick(base: QuerySet[Entry], per_citizen: bool) -> QuerySet[Entry]:
        base = base.filter(template__key__in=templates)
        if query.codes:
            wanted = [t.code for t in query.codes if t.system in (None, codes.FSIII)]
            base = base.filter(subject_code__in=wanted)
        current = current_entries(base, per_citizen=per_citizen).values("pk")
        rows: QuerySet[Entry] = Entry.objects.filter(pk__in=current)
        rows = filter_range(rows, date_field, query.date)
        rows = filter_range(rows, "written_at", query.last_updated)
        if query.ids:
            rows = rows.filter(chain_id__in=_chain_ids(query.ids))
        rows = narrow(rows).select_related("template", "template__area", "author")
        return rows.order_by("-written_at", "-chain_id")

    if query.patient is not None:
        access = gate.citizen_open(
            actor=ctx.actor,
            citizen_id=query.patient,
            operation=Operation.SEARCH,
            object_type=object_type,
        )
        return page_rows(pick(entries_visible(access), per_citizen=False), query)
    with transaction.atomic():
        visible = Entry.objects.visible_to(ctx.actor, purpose=Purpose.CARE_RELATION)
        shown, more = page_rows(pick(visible, per_citizen=True), query)
        record_many(
            actor=ctx.actor, rows=shown, operation=Operation.SEARCH, object_type=object_type
        )
    return shown, more


def _chain_ids(ids: tuple[str, ...]) -> list[str]:
    out = []
    for value in ids:
        try:
            out.append(str(uuid.UUID(value[:36])))
        except ValueError:
            continue
    return out


def displays(entries: list[Entry], extra: tuple[str, ...] = ()) -> dict[str, Concept]:
    wanted = {e.subject_code for e in entries} | set(extra)
    for e in entries:
        for key in ("udfoerelse", "betydning"):
            if isinstance(e.data.get(key), str):
                wanted.add(e.data[key])
    return concepts_display(codes=wanted)


def notes_for(entries: list[Entry]) -> dict[tuple[object, str], list[Entry]]:
    """The valid faglige notater on the items of `entries` (their citizens are already
    allowed and logged), newest first, in one query."""
    if not entries:
        return {}
    q = Q()
    for e in entries:
        q |= Q(citizen_id=e.citizen_id, subject_code=e.subject_code)
    notes = (
        Entry.objects.filter(q, kind=EntryKind.NOTE, status=EntryStatus.VALID)
        .exclude(Exists(Entry.objects.filter(replaces=OuterRef("pk"))))
        .select_related("author")
        .order_by("-refers_to")
    )
    out: dict[tuple[object, str], list[Entry]] = {}
    for n in notes[:500]:
        out.setdefault((n.citizen_id, n.subject_code), []).append(n)
    return out
