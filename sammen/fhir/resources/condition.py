"""Condition from the journal's FSIII tilstande: funktionsevnetilstande (home care, J; with
severity = funktionsevneniveau B1–B5) and helbredstilstande (nursing, I; no severity), per
DOMAIN.md §1.8 and the KL Gateway CareCondition profile.

Identity: one assessment = one entry chain; `id` is the chain id, `versionId` the entry
version (a correction or fejlregistrering is a new version: `_history`). A search returns the
current assessment of each item (as the journal overview shows it); a read of an older,
superseded assessment answers it with clinicalStatus inactive."""

from __future__ import annotations

from typing import Any

from sammen.fhir import codes
from sammen.fhir.context import FhirContext, instant, reference
from sammen.fhir.registry import Page, Resource, SearchParam, Source, register
from sammen.fhir.resources._journal import displays, newer_exists, notes_for, search_current
from sammen.fhir.search import SearchQuery
from sammen.journal.models import Entry, EntryStatus
from sammen.journal.selectors import entry_chain_head, entry_chain_versions
from sammen.terminology.models import Concept

OBJECT_TYPE = "fhir:Condition"
_HOME_CARE = codes.TEMPLATE_FUNCTION


def _coding(code: str, concepts: dict[str, Concept]) -> dict[str, str]:
    coding = {"system": codes.FSIII, "code": code}
    concept = concepts.get(code)
    if concept is not None:
        coding["display"] = concept.display
    return coding


def _clinical(entry: Entry, current: bool) -> str:
    if not current:
        return "inactive"
    if entry.template.key == _HOME_CARE:
        return (
            "inactive"
            if entry.data.get("nuvaerende_niveau") == codes.FSIII_NOT_RELEVANT
            else "active"
        )
    return "inactive" if entry.data.get("problem") == "ikke_relevant" else "active"


def to_fhir(
    entry: Entry,
    concepts: dict[str, Concept],
    *,
    current: bool = True,
    notes: list[Entry] | None = None,
    klgateway: bool = False,
) -> Resource:
    """`klgateway`: the KL Gateway CareCondition shape (no free text, no recorder, no notes,
    the profile claimed)."""
    in_error = entry.status == EntryStatus.ENTERED_IN_ERROR
    meta: dict[str, Any] = {
        "versionId": str(entry.version),
        "lastUpdated": instant(entry.written_at),
    }
    if klgateway:
        meta["profile"] = [codes.KLGW_CONDITION]
    resource: Resource = {"resourceType": "Condition", "id": str(entry.chain_id), "meta": meta}
    clinical = _clinical(entry, current)
    if not in_error:  # R4 con-5: no clinicalStatus on entered-in-error
        resource["clinicalStatus"] = {
            "coding": [{"system": codes.CONDITION_CLINICAL, "code": clinical}]
        }
    verification = "entered-in-error" if in_error else "confirmed"
    if not klgateway and entry.data.get("problem") == "potentielt" and not in_error:
        verification = "provisional"  # a potential nursing problem (DOMAIN.md §0.4)
    resource["verificationStatus"] = {
        "coding": [{"system": codes.CONDITION_VERIFICATION, "code": verification}]
    }
    if clinical == "active" and not in_error:
        resource["category"] = [
            {"coding": [{"system": codes.CONDITION_CATEGORY, "code": "problem-list-item"}]}
        ]
    level = entry.data.get("nuvaerende_niveau")
    if entry.template.key == _HOME_CARE and level in codes.FSIII_SEVERITY:
        uuid_code, _key = codes.FSIII_SEVERITY[level]
        resource["severity"] = {"coding": [_coding(uuid_code, concepts)]}
    code: dict[str, Any] = {"coding": [_coding(entry.subject_code, concepts)]}
    if not klgateway and entry.data.get("faglig_vurdering"):
        code["text"] = entry.data["faglig_vurdering"]  # tilstandsvurdering (FKI)
    resource["code"] = code
    resource["subject"] = reference("Patient", entry.citizen_id)
    resource["recordedDate"] = instant(entry.refers_to)
    if not klgateway:
        resource["recorder"] = reference("Practitioner", entry.author_id)
        if notes:
            resource["note"] = [
                {
                    "authorReference": reference("Practitioner", n.author_id),
                    "time": instant(n.refers_to),
                    "text": n.data.get("notat", ""),
                }
                for n in notes
                if n.data.get("notat")
            ]
    return resource


def read(ctx: FhirContext, resource_id: str) -> Resource:
    head = entry_chain_head(
        actor=ctx.actor, chain_id=resource_id, template_keys=codes.CONDITION_TEMPLATES
    )
    current = not type(head).objects.filter(pk=head.pk).filter(newer_exists()).exists()
    notes = notes_for([head]).get((head.citizen_id, head.subject_code), [])
    return to_fhir(head, displays([head], _severity_codes()), current=current, notes=notes)


def history(ctx: FhirContext, resource_id: str) -> list[Resource]:
    head = entry_chain_head(
        actor=ctx.actor, chain_id=resource_id, template_keys=codes.CONDITION_TEMPLATES
    )
    versions = entry_chain_versions(actor=ctx.actor, head=head)
    concepts = displays(versions, _severity_codes())
    return [to_fhir(v, concepts) for v in reversed(versions)]  # newest first


def _severity_codes() -> tuple[str, ...]:
    return tuple(c for c, _k in codes.FSIII_SEVERITY.values())


def search(ctx: FhirContext, query: SearchQuery) -> Page:
    shown, more = search_current(
        ctx, query, templates=codes.CONDITION_TEMPLATES, object_type=OBJECT_TYPE
    )
    concepts = displays(shown, _severity_codes())
    notes = notes_for(shown)
    return Page(
        [to_fhir(e, concepts, notes=notes.get((e.citizen_id, e.subject_code))) for e in shown],
        more,
    )


SOURCE = register(
    Source(
        resource_type="Condition",
        name="journal-fsiii",
        documentation="FSIII funktionsevne- og helbredstilstande fra journalen (aktuel vurdering).",
        read=read,
        search=search,
        history=history,
        params=(
            SearchParam("patient", "reference", "Borgeren"),
            SearchParam("code", "token", f"FSIII-tilstand ({codes.FSIII}|<UUID>)"),
            SearchParam("category", "token", "problem-list-item"),
            SearchParam("date", "date", "Vurderingstidspunkt (recordedDate)"),
        ),
        categories=frozenset({(codes.CONDITION_CATEGORY, "problem-list-item")}),
        supported_profiles=(codes.KLGW_CONDITION,),
    )
)
