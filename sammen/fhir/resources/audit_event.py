"""AuditEvent from the access log: for auditors (permission `access_review`: every access in
the municipality, by citizen, period or staff member) and for the citizen's own log (the
citizen-facing copy of each access: when, which unit, why; staff names only where the
municipality shows them). Reading the log names citizens, so it is logged too: an auditor's
search as "review" for each citizen shown, the citizen's own look as on the citizen's page."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from sammen.access.lists import record_many
from sammen.access.log import access_log_record_system
from sammen.access.models import (
    AccessLogEntry,
    CitizenAccessRecord,
    Operation,
    Outcome,
    Purpose,
)
from sammen.fhir import codes
from sammen.fhir.context import FhirContext, instant, reference
from sammen.fhir.errors import FhirError, not_found
from sammen.fhir.registry import Page, Resource, SearchParam, Source, register
from sammen.fhir.search import SearchQuery, filter_range, page_rows, patient_id
from sammen.organisation.permissions import Permission, has_permission

OBJECT_TYPE = "fhir:AuditEvent"
_SUBTYPE = {
    Operation.VIEW: "read",
    Operation.SEARCH: "search-type",
    Operation.CREATE: "create",
    Operation.UPDATE: "update",
}


def _event(
    *,
    pk: Any,
    at: Any,
    operation: str,
    purpose: str,
    outcome: str,
    unit_name: str,
    citizen_id: Any,
    object_type: str,
    staff_id: Any = None,
    client_ip: str = "",
    criterion: str = "",
) -> Resource:
    agent: dict[str, Any] = {
        "type": {"coding": [{"system": codes.AUDIT_AGENT_TYPE, "code": "humanuser"}]},
        "who": {"display": unit_name or "Sammen"},
        "requestor": True,
    }
    if staff_id:
        agent["who"]["identifier"] = {
            "system": codes.SAMMEN_UNIT.replace("org-unit", "staff"),
            "value": str(staff_id),
        }
    if client_ip:
        agent["network"] = {"address": client_ip, "type": "2"}
    resource: Resource = {
        "resourceType": "AuditEvent",
        "id": str(pk),
        "meta": {"lastUpdated": instant(at)},
        "type": {"system": codes.AUDIT_EVENT_TYPE, "code": "rest", "display": "RESTful Operation"},
        "action": "R" if operation in (Operation.VIEW, Operation.SEARCH) else "E",
        "recorded": instant(at),
        "outcome": "0" if outcome == Outcome.SUCCESS else "4",
        "purposeOfEvent": [
            {
                "coding": [{"system": codes.SAMMEN_PURPOSE, "code": purpose}],
                "text": str(Purpose(purpose).label) if purpose in Purpose.values else purpose,
            }
        ],
        "agent": [agent],
        "source": {"observer": {"display": "Sammen"}},
    }
    subtype = _SUBTYPE.get(operation)  # type: ignore[call-overload]
    if subtype:
        resource["subtype"] = [{"system": codes.AUDIT_EVENT_SUBTYPE, "code": subtype}]
    else:
        resource["subtype"] = [{"system": codes.SAMMEN_OPERATION, "code": operation}]
    entity: dict[str, Any] = {
        "type": {"system": codes.AUDIT_ENTITY_TYPE, "code": "1", "display": "Person"},
    }
    if citizen_id:
        entity["what"] = reference("Patient", citizen_id)
    if object_type:
        entity["description"] = object_type
    if criterion:  # already CPR-masked when it was written
        entity["detail"] = [{"type": "criterion", "valueString": criterion}]
    resource["entity"] = [entity]
    return resource


def from_log(row: AccessLogEntry) -> Resource:
    return _event(
        pk=row.seq,
        at=row.at,
        operation=row.operation,
        purpose=row.purpose,
        outcome=row.outcome,
        unit_name=row.unit_name,
        citizen_id=row.citizen_id,
        object_type=row.object_type,
        staff_id=row.staff_id,
        client_ip=row.client_ip,
        criterion=row.criterion,
    )


def from_citizen_copy(row: CitizenAccessRecord) -> Resource:
    return _event(
        pk=row.access_seq,
        at=row.at,
        operation=row.operation,
        purpose=row.purpose,
        outcome=Outcome.SUCCESS,
        unit_name=row.unit_name,
        citizen_id=row.citizen_id,
        object_type=row.object_type,
    )


def _auditor(ctx: FhirContext) -> None:
    if not has_permission(ctx.actor, Permission.ACCESS_REVIEW):
        raise FhirError(403, "Adgangsloggen er kun for dem, der gennemgår adgang.")


def _log_rows(ctx: FhirContext) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(municipality_id=ctx.actor.municipality.pk)


def read(ctx: FhirContext, resource_id: str) -> Resource:
    _auditor(ctx)
    if not resource_id.isdigit() or len(resource_id) > 18:
        raise not_found()
    with transaction.atomic():
        row = _log_rows(ctx).filter(seq=int(resource_id)).first()
        if row is None:
            raise not_found()
        if row.citizen_id:
            record_many(
                actor=ctx.actor,
                citizen_ids=[row.citizen_id],
                operation=Operation.REVIEW,
                purpose=Purpose.ADMINISTRATION,
                object_type=OBJECT_TYPE,
            )
    return from_log(row)


def search(ctx: FhirContext, query: SearchQuery) -> Page:
    _auditor(ctx)
    with transaction.atomic():
        rows = _log_rows(ctx)
        if query.patient is not None:
            rows = rows.filter(citizen_id=query.patient)
        if "agent" in query.other:
            rows = rows.filter(
                staff_id=patient_id(query.other["agent"].replace("Practitioner/", ""))
            )
        if query.ids:
            rows = rows.filter(seq__in=[int(i) for i in query.ids if i.isdigit() and len(i) < 18])
        rows = filter_range(rows, "at", query.date)
        rows = filter_range(rows, "at", query.last_updated)
        shown, more = page_rows(rows.order_by("-seq"), query)
        cited = [r.citizen_id for r in shown if r.citizen_id]
        if cited:
            record_many(
                actor=ctx.actor,
                citizen_ids=cited,
                operation=Operation.REVIEW,
                purpose=Purpose.ADMINISTRATION,
                object_type=OBJECT_TYPE,
            )
    return Page([from_log(r) for r in shown], more)


def citizen_own(citizen: Any, query: SearchQuery) -> Page:
    """The citizen's own log as AuditEvents (a citizen's login, not staff): their own
    accesses only, whatever `patient` says; the look itself is logged (purpose citizen_self)."""
    with transaction.atomic():
        rows = CitizenAccessRecord.objects.filter(citizen_id=citizen.pk)
        rows = filter_range(rows, "at", query.date)
        rows = filter_range(rows, "at", query.last_updated)
        shown, more = page_rows(rows.order_by("-at", "-access_seq"), query)
        access_log_record_system(
            municipality_id=citizen.municipality_id,
            citizen_ids=[citizen.pk],
            operation=Operation.VIEW,
            purpose=Purpose.CITIZEN_SELF,
            unit_name="Borgeren selv",
            object_type="citizen_log",
        )
    return Page([from_citizen_copy(r) for r in shown], more)


SOURCE = register(
    Source(
        resource_type="AuditEvent",
        name="access-log",
        documentation="Adgangsloggen: for dem, der gennemgår adgang, og borgerens egen log.",
        read=read,
        search=search,
        params=(
            SearchParam("patient", "reference", "Borgeren, hvis oplysninger blev brugt"),
            SearchParam("agent", "reference", "Medarbejderen (Practitioner-id)"),
            SearchParam("date", "date", "Tidspunkt"),
        ),
        citizen_data=False,
    )
)
