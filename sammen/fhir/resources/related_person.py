"""RelatedPerson (dk-core-related-person) from citizens.Relative."""

from __future__ import annotations

from django.db.models import QuerySet

from sammen.citizens.models import Relative
from sammen.fhir import codes
from sammen.fhir.context import FhirContext, instant, reference
from sammen.fhir.registry import Page, Resource, SearchParam, Source, register
from sammen.fhir.resources._owned import owned_get, owned_search
from sammen.fhir.search import SearchQuery, filter_range, uuids

OBJECT_TYPE = "fhir:RelatedPerson"

# Our relations as v3 RoleCode (the codes RelatedPerson.relationship binds to).
_RELATIONSHIP = {
    "aegtefaelle": ("SIGOTHR", "significant other"),
    "barn": ("CHILD", "child"),
    "forælder": ("PRN", "parent"),
    "soeskende": ("SIB", "sibling"),
    "barnebarn": ("GRNDCHILD", "grandchild"),
    "ven": ("FRND", "unrelated friend"),
    "vaerge": ("GUARD", "guardian"),
    "andet": ("O", "other"),
}


def to_fhir(relative: Relative) -> Resource:
    code, display = _RELATIONSHIP.get(relative.relation, ("O", "other"))
    resource: Resource = {
        "resourceType": "RelatedPerson",
        "id": str(relative.pk),
        "meta": {
            "versionId": str(relative.version),
            "lastUpdated": instant(relative.updated_at),
            "profile": [codes.DK_CORE_RELATED_PERSON],
        },
        "active": True,
        "patient": reference("Patient", relative.citizen_id),
        "relationship": [
            {
                "coding": [{"system": codes.V3_ROLE_CODE, "code": code, "display": display}],
                "text": relative.get_relation_display(),
            }
        ],
        "name": [{"text": relative.name}],
    }
    telecom = []
    if relative.phone:
        telecom.append({"system": "phone", "value": relative.phone})
    if relative.email:
        telecom.append({"system": "email", "value": relative.email})
    if telecom:
        resource["telecom"] = telecom
    if relative.is_primary_contact:
        resource["relationship"].append(
            {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/v2-0131", "code": "C"}
                ],
                "text": "Primær kontaktperson",
            }
        )
    return resource


def read(ctx: FhirContext, resource_id: str) -> Resource:
    return to_fhir(
        owned_get(
            ctx, Relative.objects.select_related("citizen"), resource_id, object_type=OBJECT_TYPE
        )
    )


def search(ctx: FhirContext, query: SearchQuery) -> Page:
    def narrow(rows: QuerySet[Relative]) -> QuerySet[Relative]:
        if query.ids:
            rows = rows.filter(pk__in=uuids(query.ids))
        return filter_range(rows, "updated_at", query.last_updated)

    shown, more = owned_search(
        ctx,
        Relative.objects.all(),
        query,
        object_type=OBJECT_TYPE,
        order=("citizen_id", "name", "pk"),
        narrow=narrow,
    )
    return Page([to_fhir(r) for r in shown], more)


SOURCE = register(
    Source(
        resource_type="RelatedPerson",
        name="relatedperson",
        profile=codes.DK_CORE_RELATED_PERSON,
        documentation="Borgerens pårørende.",
        read=read,
        search=search,
        params=(SearchParam("patient", "reference", "Borgeren"),),
    )
)
