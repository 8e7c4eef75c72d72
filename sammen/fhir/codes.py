"""Code systems, identifier systems and profile URLs the mappers use (facts, not logic).

FSIII codes are the KL code system's FK-klassifikation UUIDs under `urn:oid:1.2.208.176.2.21`
(DOMAIN.md §1.2); the legacy keys (J1.1, B2 …) are never sent as codes."""

from __future__ import annotations

FSIII = "urn:oid:1.2.208.176.2.21"
FFB = "urn:oid:1.2.208.176.2.22"
CPR = "urn:oid:1.2.208.176.1.2"  # dk-core CPR identifier system
SOR = "urn:oid:1.2.208.176.1.1"
MUNICIPALITY_CODE = "urn:oid:1.2.208.176.1.8"  # Danish municipality codes (kommunekode)
SAMMEN_UNIT = "https://sammen.dk/fhir/NamingSystem/org-unit"  # our own unit ids
SAMMEN_ROLE = "https://sammen.dk/fhir/CodeSystem/role"
SAMMEN_PROFESSION = "https://sammen.dk/fhir/CodeSystem/profession"
SAMMEN_OPERATION = "https://sammen.dk/fhir/CodeSystem/access-operation"
SAMMEN_PURPOSE = "https://sammen.dk/fhir/CodeSystem/access-purpose"
SAMMEN_AREA = "https://sammen.dk/fhir/CodeSystem/municipal-area"
SAMMEN_CONSENT_SCOPE = "https://sammen.dk/fhir/CodeSystem/consent-scope"
SAMMEN_OBSERVATION = "https://sammen.dk/fhir/CodeSystem/observation-kind"

CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
V3_ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY = "http://loinc.org"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
AUDIT_EVENT_SUBTYPE = "http://hl7.org/fhir/restful-interaction"
AUDIT_ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
AUDIT_AGENT_TYPE = "http://terminology.hl7.org/CodeSystem/extra-security-role-type"
PURPOSE_OF_USE = "http://terminology.hl7.org/CodeSystem/v3-ActReason"

# Profiles.
DK_CORE_PATIENT = "http://hl7.dk/fhir/core/StructureDefinition/dk-core-patient"
DK_CORE_RELATED_PERSON = "http://hl7.dk/fhir/core/StructureDefinition/dk-core-related-person"
DK_CORE_PRACTITIONER = "http://hl7.dk/fhir/core/StructureDefinition/dk-core-practitioner"
DK_CORE_ORGANIZATION = "http://hl7.dk/fhir/core/StructureDefinition/dk-core-organization"
KLGW = "http://fhir.kl.dk/gateway/StructureDefinition/"
KLGW_CITIZEN = KLGW + "klgateway-care-citizen"
KLGW_CONDITION = KLGW + "klgateway-care-condition"
KLGW_CITIZENS_OWN_OBSERVATION = KLGW + "klgateway-care-citizens-own-observation"

# FSIII scale values (funktionsevneniveau, KLSeveritiesFSIII): level 0–4 → B1–B5, 9 → B6.
# UUIDs from sammen/terminology/data/fsiii-20240530.json (a test checks them against it).
FSIII_SEVERITY: dict[int, tuple[str, str]] = {
    0: ("9c5cfb57-a498-40e5-98a7-792bf5fb205b", "B1"),
    1: ("fcc16cb1-41f0-4832-b834-110fba0aaabe", "B2"),
    2: ("d984ad21-48fe-4619-845e-2aa0303048e7", "B3"),
    3: ("1ceef776-0cfa-4acd-b222-c5bb2424e0c1", "B4"),
    4: ("f4c9f159-5806-4c06-95e9-e69b83bab1a1", "B5"),
    9: ("d7ff926a-4955-478f-b300-0b0ec0785013", "B6"),
}
FSIII_PERFORMANCE = "d6d48a71-b96f-4b88-86f9-b13bd3c03560"  # C Udførelse
FSIII_IMPORTANCE = "687159ad-a61c-47c0-a878-53aa54bae2d5"  # D Betydning
FSIII_NOT_RELEVANT = 9

# The journal templates whose entries the facade serves.
TEMPLATE_FUNCTION = "fsiii-funktionsevnetilstand"  # home-care condition (J)
TEMPLATE_HEALTH = "fsiii-helbredstilstand"  # nursing condition (I)
CONDITION_TEMPLATES = (TEMPLATE_FUNCTION, TEMPLATE_HEALTH)
