"""JSON API of the care chain: the same services and selectors as the pages. Reads go through
the access gate (one citizen) or `visible_to` + `record_many` (worklists). Bad input answers
problem+json 422 with the Danish field messages; a case decided since `case_version` 409."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Router, Schema, Status

from sammen.care_plans import selectors, services
from sammen.care_plans.models import Decision, FollowUp, Request
from sammen.care_plans.selectors import ServiceView
from sammen.core.requests import ApiRequest
from sammen.core.schemas import InSchema

router = Router(tags=["care_plans"])


class AttachmentIn(InSchema):
    title: str = Field(max_length=200)
    text: str = Field(max_length=20_000)


class RequestIn(InSchema):
    area: str = Field(max_length=30)
    source_code: str = Field(max_length=64, description="FSIII A-kode (kode eller nøgle, fx A2)")
    subject: str = Field(max_length=300)
    text: str = Field("", max_length=20_000)
    received_at: dt.datetime | None = None
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=20)


class RequestOut(Schema):
    id: uuid.UUID
    citizen_id: uuid.UUID
    area: str
    source_code: str
    source: str
    subject: str
    status: str
    received_at: dt.datetime
    version: int


class CaseIn(InSchema):
    condition_codes: list[str] = Field(default_factory=list, max_length=100)
    citizen_view: str = Field("", max_length=20_000)
    citizen_performance: str = Field("", max_length=64)
    citizen_meaning: str = Field("", max_length=64)
    overall_assessment: str = Field("", max_length=20_000)
    ffb_themes: dict[str, str] = Field(default_factory=dict)
    version: int | None = None


class CaseOut(Schema):
    id: uuid.UUID
    request_id: uuid.UUID
    citizen_id: uuid.UUID
    area: str
    status: str
    condition_codes: list[str]
    citizen_view: str
    citizen_performance: str
    citizen_meaning: str
    overall_assessment: str
    ffb_themes: dict[str, str]
    version: int


class ServiceIn(InSchema):
    code: str = Field(max_length=64)
    legal_basis: str = Field(max_length=50)
    granted_from: dt.date | None = None
    granted_to: dt.date | None = None
    times: int | None = Field(1, ge=-1000, le=1000)
    per: str = Field("week", max_length=10)
    weekdays: list[int] = Field(default_factory=list, max_length=7)
    minutes: int | None = Field(None, ge=-1000, le=10_000)
    requested_times: int | None = Field(None, ge=0, le=1000)
    provider_unit_id: uuid.UUID | None = None
    private_provider: str = Field("", max_length=200)
    double_staffing: bool = False
    instructions: str = Field("", max_length=20_000)
    refused: bool = False
    refusal_reason: str = Field("", max_length=20_000)


class GoalIn(InSchema):
    kind: str = Field(max_length=20)
    text: str = Field(max_length=1000)
    condition_code: str = Field("", max_length=64)
    expected_code: str = Field("", max_length=64)
    services: list[int] = Field(default_factory=list, max_length=50)


class DecisionIn(InSchema):
    case_version: int | None = None
    reasoning: str = Field(max_length=20_000)
    services: list[ServiceIn] = Field(max_length=50)
    goals: list[GoalIn] = Field(default_factory=list, max_length=50)
    follow_up_on: dt.date | None = None


class ServiceOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    status: str
    legal_basis: str
    legal_basis_text: str
    granted_from: dt.date
    granted_to: dt.date | None
    times: int
    per: str
    weekdays: list[int]
    minutes: int
    provider: str
    provider_unit_id: uuid.UUID | None
    double_staffing: bool
    instructions: str
    refusal_reason: str
    next_follow_up: dt.date | None
    version: int


class DecisionOut(Schema):
    id: uuid.UUID
    citizen_id: uuid.UUID
    case_id: uuid.UUID
    outcome: str
    reasoning: str
    decided_at: dt.datetime
    waiting_days: int
    sent_at: dt.datetime | None
    law_catalogue_version: str
    services: list[ServiceOut]
    version: int


class FollowUpIn(InSchema):
    version: int | None = None
    result_code: str = Field(max_length=64)
    note: str = Field("", max_length=20_000)
    next_due: dt.date | None = None


class FollowUpOut(Schema):
    id: uuid.UUID
    citizen_id: uuid.UUID
    service_id: uuid.UUID
    due_on: dt.date
    done_at: dt.datetime | None
    result_code: str
    note: str
    version: int


class GoalOut(Schema):
    id: uuid.UUID
    kind: str
    text: str
    condition: str
    expected: str
    service_ids: list[uuid.UUID]


class PlanPartOut(Schema):
    area: str
    title: str
    goals: list[GoalOut]
    services: list[ServiceOut]
    follow_ups: list[FollowUpOut]


class PlanOut(Schema):
    citizen_id: uuid.UUID
    parts: list[PlanPartOut]
    hidden_areas: list[str]


class WorklistOut(Schema):
    requests: list[RequestOut]
    follow_ups: list[FollowUpOut]
    unsent: list[DecisionOut]


def _request_out(r: Request) -> dict[str, Any]:
    return {
        "id": r.pk,
        "citizen_id": r.citizen_id,
        "area": r.area,
        "source_code": r.source_code,
        "source": selectors.display(r.source_code, selectors.VS_SOURCE),
        "subject": r.subject,
        "status": r.status,
        "received_at": r.received_at,
        "version": r.version,
    }


def _service_out(v: ServiceView) -> dict[str, Any]:
    s = v.service
    return {
        "id": s.pk,
        "code": s.code,
        "name": v.name,
        "status": s.status,
        "legal_basis": s.legal_basis,
        "legal_basis_text": v.basis.label if v.basis else "",
        "granted_from": s.granted_from,
        "granted_to": s.granted_to,
        "times": s.times,
        "per": s.per,
        "weekdays": s.weekdays,
        "minutes": s.minutes,
        "provider": v.provider,
        "provider_unit_id": s.provider_unit_id,
        "double_staffing": s.double_staffing,
        "instructions": s.instructions,
        "refusal_reason": s.refusal_reason,
        "next_follow_up": v.next_follow_up,
        "version": s.version,
    }


def _decision_out(d: Decision, views: list[ServiceView]) -> dict[str, Any]:
    return {
        "id": d.pk,
        "citizen_id": d.citizen_id,
        "case_id": d.case_id,
        "outcome": d.outcome,
        "reasoning": d.reasoning,
        "decided_at": d.decided_at,
        "waiting_days": d.waiting_days,
        "sent_at": d.sent_at,
        "law_catalogue_version": d.law_catalogue_version,
        "services": [_service_out(v) for v in views],
        "version": d.version,
    }


def _follow_up_out(f: FollowUp) -> dict[str, Any]:
    return {
        "id": f.pk,
        "citizen_id": f.citizen_id,
        "service_id": f.service_id,
        "due_on": f.due_on,
        "done_at": f.done_at,
        "result_code": f.result_code,
        "note": f.note,
        "version": f.version,
    }


@router.get("/worklist", response=WorklistOut)
def worklist(request: ApiRequest) -> dict[str, Any]:
    w = selectors.visitation_worklist(actor=request.auth)
    return {
        "requests": [_request_out(r) for r in w.requests],
        "follow_ups": [_follow_up_out(f) for f in w.follow_ups],
        "unsent": [_decision_out(d, []) for d in w.unsent],
    }


@router.post("/citizens/{citizen_id}/requests", response={201: RequestOut})
def request_create(
    request: ApiRequest, citizen_id: uuid.UUID, payload: RequestIn
) -> Status[dict[str, Any]]:
    made = services.request_create(
        actor=request.auth,
        citizen_id=citizen_id,
        data=services.RequestInput(
            area=payload.area,
            source_code=payload.source_code,
            subject=payload.subject,
            text=payload.text,
            received_at=payload.received_at,
            attachments=tuple((a.title, a.text) for a in payload.attachments),
        ),
    )
    return Status(201, _request_out(made))


@router.post("/requests/{request_id}/case", response=CaseOut)
def case_save(request: ApiRequest, request_id: uuid.UUID, payload: CaseIn) -> dict[str, Any]:
    case = services.case_save(
        actor=request.auth,
        request_id=request_id,
        version=payload.version,
        data=services.CaseInput(
            condition_codes=tuple(payload.condition_codes),
            citizen_view=payload.citizen_view,
            citizen_performance=payload.citizen_performance,
            citizen_meaning=payload.citizen_meaning,
            overall_assessment=payload.overall_assessment,
            ffb_themes=payload.ffb_themes,
        ),
    )
    return {
        "id": case.pk,
        "request_id": case.request_id,
        "citizen_id": case.citizen_id,
        "area": case.area,
        "status": case.status,
        "condition_codes": case.condition_codes,
        "citizen_view": case.citizen_view,
        "citizen_performance": case.citizen_performance,
        "citizen_meaning": case.citizen_meaning,
        "overall_assessment": case.overall_assessment,
        "ffb_themes": case.ffb_themes,
        "version": case.version,
    }


@router.post("/cases/{case_id}/decisions", response={201: DecisionOut})
def decision_make(
    request: ApiRequest, case_id: uuid.UUID, payload: DecisionIn
) -> Status[dict[str, Any]]:
    made = services.decision_make(
        actor=request.auth,
        case_id=case_id,
        case_version=payload.case_version,
        data=services.DecisionInput(
            reasoning=payload.reasoning,
            services=tuple(
                services.ServiceInput(**{**s.model_dump(), "weekdays": tuple(s.weekdays)})
                for s in payload.services
            ),
            goals=tuple(
                services.GoalInput(**{**g.model_dump(), "services": tuple(g.services)})
                for g in payload.goals
            ),
            follow_up_on=payload.follow_up_on,
        ),
    )
    return Status(201, _decision_out(made, selectors.decision_services(decision=made)))


@router.get("/decisions/{decision_id}", response=DecisionOut)
def decision_get(request: ApiRequest, decision_id: uuid.UUID) -> dict[str, Any]:
    made = selectors.decision_get(actor=request.auth, decision_id=decision_id)
    return _decision_out(made, selectors.decision_services(decision=made))


@router.post("/follow-ups/{follow_up_id}", response=FollowUpOut)
def follow_up_record(
    request: ApiRequest, follow_up_id: uuid.UUID, payload: FollowUpIn
) -> dict[str, Any]:
    row = services.follow_up_record(
        actor=request.auth,
        follow_up_id=follow_up_id,
        version=payload.version,
        result_code=payload.result_code,
        note=payload.note,
        next_due=payload.next_due,
    )
    return _follow_up_out(row)


@router.get("/citizens/{citizen_id}/plan", response=PlanOut)
def plan(request: ApiRequest, citizen_id: uuid.UUID) -> dict[str, Any]:
    p = selectors.care_plan(actor=request.auth, citizen_id=citizen_id)
    return {
        "citizen_id": p.citizen.pk,
        "hidden_areas": p.hidden_areas,
        "parts": [
            {
                "area": part.area,
                "title": part.area_label,
                "goals": [
                    {
                        "id": g.goal.pk,
                        "kind": g.goal.kind,
                        "text": g.goal.text,
                        "condition": g.condition,
                        "expected": g.expected,
                        "service_ids": [v.service.pk for v in g.services],
                    }
                    for g in part.goals
                ],
                "services": [_service_out(v) for v in part.services],
                "follow_ups": [_follow_up_out(f) for f in part.follow_ups],
            }
            for part in p.parts
        ],
    }
