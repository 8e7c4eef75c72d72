"""Organization (units), Practitioner (staff) and PractitionerRole (a role in a unit).

Not citizen data: scoped to the actor's municipality (another municipality's id is 404 like a
missing one), not written to the citizen access log. System clients' own service accounts are
not practitioners and never appear."""

from __future__ import annotations

from django.db.models import QuerySet

from sammen.core.errors import NotFound
from sammen.core.ids import parse_uuid
from sammen.fhir import codes
from sammen.fhir.context import FhirContext, instant, reference
from sammen.fhir.errors import FhirError, not_found
from sammen.fhir.registry import Page, Resource, SearchParam, Source, register
from sammen.fhir.search import SearchQuery, filter_range, page_rows, patient_id, uuids
from sammen.organisation.models import Membership, OrgUnit, StaffMember


def organization(unit: OrgUnit) -> Resource:
    resource: Resource = {
        "resourceType": "Organization",
        "id": str(unit.pk),
        "meta": {"versionId": str(unit.version), "lastUpdated": instant(unit.updated_at)},
        "identifier": [{"system": codes.SAMMEN_UNIT, "value": str(unit.pk)}],
        "active": unit.is_active,
        "type": [
            {
                "coding": [{"system": codes.ORGANIZATION_TYPE, "code": "govt"}],
                "text": unit.get_kind_display(),
            },
            {
                "coding": [{"system": codes.SAMMEN_AREA, "code": unit.area}],
                "text": unit.get_area_display(),
            },
        ],
        "name": unit.name,
    }
    if unit.parent_id:
        resource["partOf"] = reference("Organization", unit.parent_id)
    return resource


def practitioner(staff: StaffMember) -> Resource:
    return {
        "resourceType": "Practitioner",
        "id": str(staff.pk),
        "meta": {
            "versionId": str(staff.version),
            "lastUpdated": instant(staff.updated_at),
            "profile": [codes.DK_CORE_PRACTITIONER],
        },
        "active": staff.is_active,
        "name": [
            {"family": staff.last_name, "given": staff.first_name.split(), "text": staff.full_name}
        ],
        "qualification": [
            {
                "code": {
                    "coding": [{"system": codes.SAMMEN_PROFESSION, "code": staff.profession}],
                    "text": staff.get_profession_display(),
                }
            }
        ],
    }


def practitioner_role(membership: Membership) -> Resource:
    return {
        "resourceType": "PractitionerRole",
        "id": str(membership.pk),
        "meta": {"lastUpdated": instant(membership.updated_at)},
        "active": True,
        "practitioner": reference("Practitioner", membership.staff_id),
        "organization": reference("Organization", membership.unit_id),
        "code": [
            {
                "coding": [{"system": codes.SAMMEN_ROLE, "code": membership.role}],
                "text": membership.get_role_display(),
            }
        ],
    }


def _pk(resource_id: str):  # type: ignore[no-untyped-def]
    try:
        return parse_uuid(resource_id)
    except NotFound:
        raise not_found() from None


def _staff(ctx: FhirContext) -> QuerySet[StaffMember]:
    return StaffMember.objects.for_municipality(ctx.actor.municipality).filter(
        fhir_client__isnull=True
    )


def organization_read(ctx: FhirContext, resource_id: str) -> Resource:
    unit = OrgUnit.objects.for_municipality(ctx.actor.municipality).filter(pk=_pk(resource_id))
    found = unit.first()
    if found is None:
        raise not_found()
    return organization(found)


def organization_search(ctx: FhirContext, query: SearchQuery) -> Page:
    rows: QuerySet[OrgUnit] = OrgUnit.objects.for_municipality(ctx.actor.municipality)
    if query.ids:
        rows = rows.filter(pk__in=uuids(query.ids))
    if "name" in query.other:
        rows = rows.filter(name__icontains=query.other["name"])
    if "partof" in query.other:
        rows = rows.filter(parent_id=_ref(query.other["partof"], "Organization"))
    rows = filter_range(rows, "updated_at", query.last_updated)
    shown, more = page_rows(rows.order_by("name", "pk"), query)
    return Page([organization(u) for u in shown], more)


def practitioner_read(ctx: FhirContext, resource_id: str) -> Resource:
    found = _staff(ctx).filter(pk=_pk(resource_id)).first()
    if found is None:
        raise not_found()
    return practitioner(found)


def practitioner_search(ctx: FhirContext, query: SearchQuery) -> Page:
    rows = _staff(ctx)
    if query.ids:
        rows = rows.filter(pk__in=uuids(query.ids))
    if "name" in query.other:
        for word in query.other["name"].split():
            rows = rows.filter(first_name__icontains=word) | rows.filter(last_name__icontains=word)
    rows = filter_range(rows, "updated_at", query.last_updated)
    shown, more = page_rows(rows.order_by("last_name", "first_name", "pk"), query)
    return Page([practitioner(s) for s in shown], more)


def _memberships(ctx: FhirContext) -> QuerySet[Membership]:
    return Membership.objects.for_municipality(ctx.actor.municipality).filter(
        staff__fhir_client__isnull=True
    )


def practitioner_role_read(ctx: FhirContext, resource_id: str) -> Resource:
    found = _memberships(ctx).filter(pk=_pk(resource_id)).first()
    if found is None:
        raise not_found()
    return practitioner_role(found)


def _ref(value: str, resource_type: str):  # type: ignore[no-untyped-def]
    try:
        return patient_id(value.replace(f"{resource_type}/", "Patient/", 1))
    except FhirError:
        raise FhirError(400, f"Ugyldig reference til {resource_type}.") from None


def practitioner_role_search(ctx: FhirContext, query: SearchQuery) -> Page:
    rows = _memberships(ctx)
    if query.ids:
        rows = rows.filter(pk__in=uuids(query.ids))
    if "practitioner" in query.other:
        rows = rows.filter(staff_id=_ref(query.other["practitioner"], "Practitioner"))
    if "organization" in query.other:
        rows = rows.filter(unit_id=_ref(query.other["organization"], "Organization"))
    rows = filter_range(rows, "updated_at", query.last_updated)
    shown, more = page_rows(rows.order_by("unit__name", "staff__last_name", "pk"), query)
    return Page([practitioner_role(m) for m in shown], more)


register(
    Source(
        resource_type="Organization",
        name="organization",
        citizen_data=False,
        documentation="Kommunens organisationsenheder (forvaltning, område, team).",
        read=organization_read,
        search=organization_search,
        params=(
            SearchParam("name", "string", "Navn"),
            SearchParam("partof", "reference", "Overordnet enhed"),
        ),
    )
)
register(
    Source(
        resource_type="Practitioner",
        name="practitioner",
        citizen_data=False,
        profile=codes.DK_CORE_PRACTITIONER,
        documentation="Medarbejdere (ikke systemklienter).",
        read=practitioner_read,
        search=practitioner_search,
        params=(SearchParam("name", "string", "Navn"),),
    )
)
register(
    Source(
        resource_type="PractitionerRole",
        name="practitionerrole",
        citizen_data=False,
        documentation="En medarbejders rolle i en enhed.",
        read=practitioner_role_read,
        search=practitioner_role_search,
        params=(
            SearchParam("practitioner", "reference", "Medarbejderen"),
            SearchParam("organization", "reference", "Enheden"),
        ),
    )
)
