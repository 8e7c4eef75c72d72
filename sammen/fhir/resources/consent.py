"""Consent from citizens.Consent: what may be shared with which municipal area, on what
basis (consent, proxy, legal basis), given and withdrawn when."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from sammen.citizens.models import Consent
from sammen.fhir import codes
from sammen.fhir.context import FhirContext, instant, reference
from sammen.fhir.errors import FhirError
from sammen.fhir.registry import Page, Resource, SearchParam, Source, register
from sammen.fhir.resources._owned import owned_get, owned_search
from sammen.fhir.search import SearchQuery, filter_range, uuids

OBJECT_TYPE = "fhir:Consent"


def to_fhir(consent: Consent, today: dt.date | None = None) -> Resource:
    today = today or timezone.localdate()
    period: dict[str, str] = {"start": consent.given_on.isoformat()}
    if consent.withdrawn_on:
        period["end"] = consent.withdrawn_on.isoformat()
    resource: Resource = {
        "resourceType": "Consent",
        "id": str(consent.pk),
        "meta": {"versionId": str(consent.version), "lastUpdated": instant(consent.updated_at)},
        "status": "active" if consent.is_active(today) else "inactive",
        "scope": {
            "coding": [{"system": codes.CONSENT_SCOPE, "code": "patient-privacy"}],
        },
        "category": [
            {
                "coding": [{"system": codes.CONSENT_CATEGORY, "code": "59284-0"}],
                "text": consent.get_basis_display(),
            }
        ],
        "patient": reference("Patient", consent.citizen_id),
        "dateTime": instant(consent.created_at),
        "performer": [reference("Patient", consent.citizen_id)],
        "provision": {
            "type": "permit",
            "period": period,
            "actor": [
                {
                    "role": {
                        "coding": [{"system": codes.V3_ROLE_CODE, "code": "IRCP"}],
                        "text": "Modtager",
                    },
                    "reference": {"display": consent.get_area_display()},
                }
            ],
            "class": [{"system": codes.SAMMEN_CONSENT_SCOPE, "code": consent.scope}],
        },
    }
    # R4 ppc-1: a policy or a policy rule; ours is the legal basis, or the consent itself.
    resource["policyRule"] = {"text": consent.legal_basis or consent.get_basis_display()}
    return resource


def read(ctx: FhirContext, resource_id: str) -> Resource:
    return to_fhir(
        owned_get(
            ctx, Consent.objects.select_related("citizen"), resource_id, object_type=OBJECT_TYPE
        )
    )


def search(ctx: FhirContext, query: SearchQuery) -> Page:
    status = query.other.get("status")
    if status not in (None, "active", "inactive"):
        raise FhirError(400, "status skal være active eller inactive.")
    today = timezone.localdate()
    active = Q(given_on__lte=today) & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))

    def narrow(rows: QuerySet[Consent]) -> QuerySet[Consent]:
        if status == "active":
            rows = rows.filter(active)
        elif status == "inactive":
            rows = rows.exclude(active)
        if query.ids:
            rows = rows.filter(pk__in=uuids(query.ids))
        rows = filter_range(rows, "updated_at", query.last_updated)
        return filter_range(rows, "created_at", query.date)

    shown, more = owned_search(
        ctx,
        Consent.objects.all(),
        query,
        object_type=OBJECT_TYPE,
        order=("citizen_id", "-given_on", "pk"),
        narrow=narrow,
    )
    return Page([to_fhir(c, today) for c in shown], more)


SOURCE = register(
    Source(
        resource_type="Consent",
        name="consent",
        documentation="Samtykker og lovhjemmel til deling med andre forvaltningsområder.",
        read=read,
        search=search,
        params=(
            SearchParam("patient", "reference", "Borgeren"),
            SearchParam("date", "date", "Registreret"),
            SearchParam("status", "token", "active eller inactive"),
        ),
    )
)
