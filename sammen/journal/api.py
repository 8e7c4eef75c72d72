"""JSON API of the journal: overview, document, correct, fejlregistrering, templates.

Bad input answers problem+json (422) with the same Danish field messages as the UI."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Router, Schema, Status

from sammen.core.requests import ApiRequest
from sammen.core.schemas import InSchema
from sammen.journal import selectors, services
from sammen.journal.models import Entry
from sammen.journal.selectors import EntryView

router = Router(tags=["journal"])


class EntryIn(InSchema):
    template: str = Field(max_length=100)
    template_version: int | None = None
    refers_to: dt.datetime | None = None
    data: dict[str, Any]


class CorrectionIn(InSchema):
    data: dict[str, Any]
    reason: str = Field(max_length=1000)
    refers_to: dt.datetime | None = None


class InErrorIn(InSchema):
    reason: str = Field(max_length=1000)


class EntryOut(Schema):
    id: uuid.UUID
    citizen_id: uuid.UUID
    template: str
    template_version: int
    kind: str
    status: str
    version: int
    replaces_id: uuid.UUID | None
    reason: str
    author: str
    role: str
    unit: str
    written_at: dt.datetime
    refers_to: dt.datetime
    subject_code: str
    subject: str
    data: dict[str, Any]
    terminology: dict[str, str]


class ShownOut(Schema):
    label: str
    value: str


class ItemOut(Schema):
    code: str
    display: str
    legacy_code: str
    group: str
    entry_id: uuid.UUID | None
    summary: list[ShownOut]
    changed_since: bool


class SectionOut(Schema):
    template: str
    title: str
    items: list[ItemOut]


class OverviewOut(Schema):
    citizen_id: uuid.UUID
    since: dt.date | None
    sections: list[SectionOut]
    notes: list[EntryOut]


class TemplateOut(Schema):
    key: str
    version: int
    title: str
    area: str
    kind: str
    definition: dict[str, Any]


def _entry_out(entry: Entry, subject: str = "") -> dict[str, Any]:
    return {
        "id": entry.pk,
        "citizen_id": entry.citizen_id,
        "template": entry.template.key,
        "template_version": entry.template.version,
        "kind": entry.kind,
        "status": entry.status,
        "version": entry.version,
        "replaces_id": entry.replaces_id,
        "reason": entry.reason,
        "author": entry.author.full_name,
        "role": entry.role,
        "unit": entry.unit.name,
        "written_at": entry.written_at,
        "refers_to": entry.refers_to,
        "subject_code": entry.subject_code,
        "subject": subject,
        "data": entry.data,
        "terminology": entry.terminology,
    }


def _view_out(view: EntryView) -> dict[str, Any]:
    return _entry_out(view.entry, view.subject)


@router.get("/citizens/{citizen_id}/overview", response=OverviewOut)
def overview(
    request: ApiRequest, citizen_id: uuid.UUID, since: dt.date | None = None, area: str = ""
) -> dict[str, Any]:
    o = selectors.journal_overview(
        actor=request.auth,
        citizen_id=citizen_id,
        since=since,
        area=area[:80],
    )
    return {
        "citizen_id": o.citizen.pk,
        "since": o.since,
        "sections": [
            {
                "template": s.template.key,
                "title": s.template.title,
                "items": [
                    {
                        "code": i.choice.code,
                        "display": i.choice.display,
                        "legacy_code": i.choice.legacy_code,
                        "group": i.choice.group_display,
                        "entry_id": i.current.entry.pk if i.current else None,
                        "summary": [vars(v) for v in i.current.summary] if i.current else [],
                        "changed_since": bool(o.since and i.changed),
                    }
                    for g in s.groups
                    for i in g.items
                ],
            }
            for s in o.sections
        ],
        "notes": [_view_out(n) for n in o.notes],
    }


@router.post("/citizens/{citizen_id}/entries", response={201: EntryOut})
def create(request: ApiRequest, citizen_id: uuid.UUID, payload: EntryIn) -> Status[dict[str, Any]]:
    entry = services.entry_create(
        actor=request.auth,
        citizen_id=citizen_id,
        template_key=payload.template,
        template_version=payload.template_version,
        data=payload.data,
        refers_to=payload.refers_to,
    )
    return Status(201, _entry_out(entry))


@router.get("/entries/{entry_id}", response=list[EntryOut])
def versions(request: ApiRequest, entry_id: uuid.UUID) -> list[dict[str, Any]]:
    v = selectors.entry_versions(actor=request.auth, entry_id=entry_id)
    return [_view_out(x) for x in v.versions]


@router.post("/entries/{entry_id}/corrections", response={201: EntryOut})
def correct(
    request: ApiRequest, entry_id: uuid.UUID, payload: CorrectionIn
) -> Status[dict[str, Any]]:
    entry = services.entry_correct(
        actor=request.auth,
        entry_id=entry_id,
        data=payload.data,
        reason=payload.reason,
        refers_to=payload.refers_to,
    )
    return Status(201, _entry_out(entry))


@router.post("/entries/{entry_id}/entered-in-error", response={201: EntryOut})
def in_error(
    request: ApiRequest, entry_id: uuid.UUID, payload: InErrorIn
) -> Status[dict[str, Any]]:
    entry = services.entry_mark_in_error(
        actor=request.auth,
        entry_id=entry_id,
        reason=payload.reason,
    )
    return Status(201, _entry_out(entry))


@router.get("/templates", response=list[TemplateOut])
def templates(request: ApiRequest) -> list[dict[str, Any]]:
    return [
        {
            "key": t.key,
            "version": t.version,
            "title": t.title,
            "area": t.area.key,
            "kind": t.kind,
            "definition": t.definition,
        }
        for t in selectors.templates_active()
    ]
