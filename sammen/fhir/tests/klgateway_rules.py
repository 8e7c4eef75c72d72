"""The KL Gateway profiles' required and forbidden elements, as the tests check them.

Copied by hand from hl7dk/kl-gateway release 1.2.0 (commit 5873a09), input/fsh/citizen.fsh,
condition.fsh and citizensOwnObservation.fsh: every `1..` (required), every `..0` (forbidden)
and the invariants we can check without a terminology server (severity for home care only,
category only on active conditions, C/D values matching their code). Not a full profile
validator (no slicing, no value-set expansion): a sample of the resources is checked here, and
the FHIR base rules by fhir.resources."""

from __future__ import annotations

from typing import Any

from sammen.fhir import codes

CITIZEN_FORBIDDEN = (
    "name",
    "telecom",
    "gender",
    "birthDate",
    "address",
    "maritalStatus",
    "multipleBirthBoolean",
    "multipleBirthInteger",
    "photo",
    "contact",
    "communication",
    "generalPractitioner",
    "link",
    "deceasedDateTime",
)
CONDITION_FORBIDDEN = (
    "identifier",
    "bodySite",
    "abatementDateTime",
    "abatementAge",
    "abatementPeriod",
    "abatementRange",
    "abatementString",
    "encounter",
    "onsetDateTime",
    "onsetAge",
    "onsetPeriod",
    "onsetRange",
    "onsetString",
    "recorder",
    "asserter",
    "stage",
    "evidence",
    "note",
)
OWN_OBSERVATION_FORBIDDEN = (
    "identifier",
    "basedOn",
    "partOf",
    "category",
    "encounter",
    "issued",
    "performer",
    "dataAbsentReason",
    "interpretation",
    "note",
    "bodySite",
    "method",
    "specimen",
    "device",
    "referenceRange",
    "hasMember",
    "derivedFrom",
    "component",
)
_NO_DETAIL = ("version", "display", "userSelected")
PERFORMANCE_VALUES = {  # KLPerformanceLevelCodesFSIII: C1–C4
    "0c87bff2-3b24-4a6e-a9df-193f268ae7b8",
    "86c7db25-59bb-4bef-bfe3-c73b3031b9f2",
    "9e6c7ef6-9539-4f87-a82a-1eea50a1ec2a",
    "f5a558db-e3cd-4b66-bf69-34cd86df05e4",
}
IMPORTANCE_VALUES = {  # KLImportanceLevelCodesFSIII: D1–D2
    "ba2fc34d-dde5-4d1e-b642-7d6950580641",
    "283bc119-5c7c-4679-8c8b-8768484e96d7",
}


def _forbidden(resource: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    return [f"{name} is not allowed" for name in names if name in resource]


def _plain_codings(concept: dict[str, Any] | None, where: str) -> list[str]:
    problems: list[str] = []
    if concept is None:
        return problems
    if "text" in concept:
        problems.append(f"{where}.text is not allowed")
    codings = concept.get("coding", [])
    if len(codings) != 1:
        problems.append(f"{where}.coding must be exactly one")
    for coding in codings:
        problems += [f"{where}.coding.{d} is not allowed" for d in _NO_DETAIL if d in coding]
    return problems


def care_citizen(resource: dict[str, Any]) -> list[str]:
    problems = _forbidden(resource, CITIZEN_FORBIDDEN)
    identifiers = resource.get("identifier", [])
    if len(identifiers) != 1 or identifiers[0].get("system") != codes.CPR:
        problems.append("exactly one CPR identifier is required")
    elif not str(identifiers[0].get("value", "")).isdigit() or len(identifiers[0]["value"]) != 10:
        problems.append("the CPR identifier is ten digits without hyphen")
    org = resource.get("managingOrganization")
    if not org or org.get("identifier", {}).get("system") != codes.SOR:
        problems.append("managingOrganization.identifier (SOR) is required")
    elif {"reference", "type", "display"} & set(org):
        problems.append("managingOrganization carries only the SOR identifier")
    if codes.KLGW_CITIZEN not in resource.get("meta", {}).get("profile", []):
        problems.append("meta.profile must name the profile")
    if "lastUpdated" not in resource.get("meta", {}):
        problems.append("meta.lastUpdated is required")
    return problems


def care_condition(resource: dict[str, Any], *, home_care: bool) -> list[str]:
    problems = _forbidden(resource, CONDITION_FORBIDDEN)
    code = resource.get("code")
    if not code or len(code.get("coding", [])) != 1:
        problems.append("code with exactly one coding is required")
    elif code["coding"][0].get("system") != codes.FSIII:
        problems.append("code must be FSIII")
    if "recordedDate" not in resource:
        problems.append("recordedDate is required")
    if "subject" not in resource:
        problems.append("subject is required")
    problems += _plain_codings(resource.get("clinicalStatus"), "clinicalStatus")
    problems += _plain_codings(resource.get("verificationStatus"), "verificationStatus")
    categories = resource.get("category", [])
    if len(categories) > 1:
        problems.append("at most one category")
    for category in categories:
        problems += _plain_codings(category, "category")
        if category.get("coding", [{}])[0].get("code") != "problem-list-item":
            problems.append("category must be problem-list-item")
    status = resource.get("clinicalStatus", {}).get("coding", [{}])[0].get("code")
    if categories and status != "active":
        problems.append("category only on active conditions")
    if status == "active" and not categories:
        problems.append("an active condition has category problem-list-item")
    if home_care and "severity" not in resource:
        problems.append("severity is mandatory for home care")
    if not home_care and "severity" in resource:
        problems.append("severity is not allowed for nursing conditions")
    if codes.KLGW_CONDITION not in resource.get("meta", {}).get("profile", []):
        problems.append("meta.profile must name the profile")
    return problems


def care_citizens_own_observation(resource: dict[str, Any]) -> list[str]:
    problems = _forbidden(resource, OWN_OBSERVATION_FORBIDDEN)
    for name in ("code", "subject", "effectiveDateTime", "valueCodeableConcept"):
        if name not in resource:
            problems.append(f"{name} is required")
    if len(resource.get("focus", [])) != 1:
        problems.append("exactly one focus is required")
    problems += _plain_codings(resource.get("code"), "code")
    problems += _plain_codings(resource.get("valueCodeableConcept"), "value")
    code = resource.get("code", {}).get("coding", [{}])[0].get("code")
    value = resource.get("valueCodeableConcept", {}).get("coding", [{}])[0].get("code")
    if code == codes.FSIII_PERFORMANCE and value not in PERFORMANCE_VALUES:
        problems.append("a C observation has a C1–C4 value")
    elif code == codes.FSIII_IMPORTANCE and value not in IMPORTANCE_VALUES:
        problems.append("a D observation has a D1–D2 value")
    elif code not in (codes.FSIII_PERFORMANCE, codes.FSIII_IMPORTANCE):
        problems.append("code must be C or D")
    if codes.KLGW_CITIZENS_OWN_OBSERVATION not in resource.get("meta", {}).get("profile", []):
        problems.append("meta.profile must name the profile")
    return problems
