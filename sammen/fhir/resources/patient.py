"""Patient (dk-core-patient) from citizens.Citizen. The CPR identifier only to clients allowed
to see CPR; a CPR search by anyone else is refused and the refusal logged (without the CPR)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from sammen.access import gate
from sammen.access.lists import record_many
from sammen.access.log import access_log_record
from sammen.access.models import Operation, Outcome, Purpose
from sammen.citizens.models import Citizen, CitizenStatus
from sammen.citizens.text import tokens
from sammen.core.cpr import Cpr, InvalidCpr
from sammen.fhir import codes
from sammen.fhir.context import FhirContext, instant
from sammen.fhir.errors import FhirError
from sammen.fhir.registry import Page, Resource, SearchParam, Source, register
from sammen.fhir.search import SearchQuery, filter_range, page_rows, uuids

OBJECT_TYPE = "fhir:Patient"


def to_fhir(citizen: Citizen, *, may_see_cpr: bool) -> Resource:
    resource: Resource = {
        "resourceType": "Patient",
        "id": str(citizen.pk),
        "meta": {
            "versionId": str(citizen.version),
            "lastUpdated": instant(citizen.updated_at),
            "profile": [codes.DK_CORE_PATIENT],
        },
    }
    if may_see_cpr:
        resource["identifier"] = [{"use": "official", "system": codes.CPR, "value": citizen.cpr}]
    resource["active"] = citizen.status == CitizenStatus.ACTIVE
    resource["name"] = [
        {
            "use": "official",
            "family": citizen.last_name,
            "given": citizen.first_name.split(),
            "text": citizen.full_name,
        }
    ]
    if citizen.phone:
        resource["telecom"] = [{"system": "phone", "value": citizen.phone}]
    resource["gender"] = citizen.sex
    resource["birthDate"] = citizen.birth_date.isoformat()
    if citizen.status == CitizenStatus.DECEASED:
        if citizen.status_date:
            resource["deceasedDateTime"] = citizen.status_date.isoformat()
        else:
            resource["deceasedBoolean"] = True
    else:
        resource["deceasedBoolean"] = False
    if citizen.address_line:
        line = " ".join(p for p in (citizen.street, citizen.house_number) if p)
        address: dict[str, Any] = {"use": "home", "type": "physical", "text": citizen.address_line}
        if line:
            address["line"] = [f"{line}, {citizen.floor_door}" if citizen.floor_door else line]
        if citizen.city:
            address["city"] = citizen.city
        if citizen.postcode:
            address["postalCode"] = citizen.postcode
        address["country"] = "DK"
        resource["address"] = [address]
    resource["communication"] = [
        {"language": {"text": citizen.preferred_language}, "preferred": True}
    ]
    return resource


def to_klgateway(citizen: Citizen, *, sor_code: str) -> Resource:
    """The KL Gateway CareCitizen shape: one CPR identifier, the data-controlling
    organisation's SOR code, active and deceased; nothing else (KL Gateway IG 1.2.0)."""
    return {
        "resourceType": "Patient",
        "id": str(citizen.pk),
        "meta": {"lastUpdated": instant(citizen.updated_at), "profile": [codes.KLGW_CITIZEN]},
        "identifier": [{"use": "official", "system": codes.CPR, "value": citizen.cpr}],
        "active": citizen.status == CitizenStatus.ACTIVE,
        "deceasedBoolean": citizen.status == CitizenStatus.DECEASED,
        "managingOrganization": {
            "identifier": {"use": "official", "system": codes.SOR, "value": sor_code}
        },
    }


def sor_code_for(municipality_code: str) -> str:
    """The SOR code the municipality reports under (settings.SAMMEN_FHIR_SOR_CODES)."""
    sor = dict(settings.SAMMEN_FHIR_SOR_CODES).get(municipality_code)
    if not sor:
        raise FhirError(400, "Kommunens SOR-kode er ikke sat op (SAMMEN_FHIR_SOR_CODES).")
    return str(sor)


def read(ctx: FhirContext, resource_id: str) -> Resource:
    access = gate.citizen_open(actor=ctx.actor, citizen_id=resource_id, object_type=OBJECT_TYPE)
    return to_fhir(access.citizen, may_see_cpr=ctx.may_see_cpr)


def _cpr_refused(ctx: FhirContext) -> FhirError:
    """A CPR search by a client not allowed CPR: refused, logged without the number."""
    access_log_record(
        actor=ctx.actor,
        citizen_ids=[None],
        operation=Operation.SEARCH,
        purpose=Purpose.CARE_RELATION,
        object_type=OBJECT_TYPE,
        outcome=Outcome.DENIED,
        criterion="identifier:CPR (klienten må ikke se CPR)",
    )
    return FhirError(403, "Klienten må ikke søge på CPR-nummer.")


def _cpr_value(identifier: str) -> str:
    system, _, value = identifier.rpartition("|")
    if system and system != codes.CPR:
        raise FhirError(400, f"identifier understøtter kun systemet {codes.CPR} (CPR).")
    try:
        return Cpr.parse(value).digits
    except (InvalidCpr, ValueError):
        raise FhirError(400, "identifier er ikke et gyldigt CPR-nummer.") from None


def search(ctx: FhirContext, query: SearchQuery) -> Page:
    identifier = query.other.get("identifier")
    if identifier is not None and not ctx.may_see_cpr:
        raise _cpr_refused(ctx)
    cpr = _cpr_value(identifier) if identifier is not None else None
    with transaction.atomic():
        rows: QuerySet[Citizen] = Citizen.objects.visible_to(
            ctx.actor, purpose=Purpose.CARE_RELATION
        )
        if query.ids:
            rows = rows.filter(pk__in=uuids(query.ids))
        if cpr is not None:
            rows = rows.filter(cpr=cpr)
        if "name" in query.other:
            for token in tokens(query.other["name"]):
                rows = rows.filter(search_name__contains=token)
        rows = filter_range(rows, "updated_at", query.last_updated)
        shown, more = page_rows(rows.order_by("last_name", "first_name", "pk"), query)
        record_many(
            actor=ctx.actor, rows=shown, operation=Operation.SEARCH, object_type=OBJECT_TYPE
        )
    return Page([to_fhir(c, may_see_cpr=ctx.may_see_cpr) for c in shown], more)


SOURCE = register(
    Source(
        resource_type="Patient",
        name="patient",
        profile=codes.DK_CORE_PATIENT,
        documentation="Borgeren (dk-core). CPR kun til klienter, der må se CPR.",
        read=read,
        search=search,
        params=(
            SearchParam("identifier", "token", "CPR-nummer (kun klienter, der må se CPR)"),
            SearchParam("name", "string", "Navn (dele af for- og efternavn)"),
        ),
        supported_profiles=(codes.KLGW_CITIZEN,),
    )
)
