"""The CapabilityStatement and SMART configuration, generated from the registry: what is
registered is what is announced, nothing else."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from sammen.fhir import registry
from sammen.fhir.context import instant
from sammen.fhir.scopes import scope_for

SOFTWARE_VERSION = "0.1.0"


def capability_statement(base: str, token_url: str) -> dict[str, Any]:
    resources = []
    for rtype in registry.all_types():
        # One base profile only when every source emits it; otherwise all are "supported".
        profiles = {s.profile for s in rtype.sources}
        base_profile = next(iter(profiles)) if len(profiles) == 1 else None
        named: set[str] = {
            p for s in rtype.sources for p in (s.profile, *s.supported_profiles) if p
        }
        supported = sorted(named - {base_profile} if base_profile else named)
        interactions = [{"code": "read"}, {"code": "search-type"}]
        if rtype.has_history:
            interactions += [{"code": "vread"}, {"code": "history-instance"}]
        entry: dict[str, Any] = {
            "type": rtype.name,
            "documentation": " ".join(s.documentation for s in rtype.sources),
            "interaction": interactions,
            "versioning": "versioned" if rtype.has_history else "no-version",
            "readHistory": rtype.has_history,
            "conditionalRead": "not-match",
            "searchParam": [
                {"name": p.name, "type": p.type, "documentation": p.documentation}
                for p in (*rtype.params, *registry.COMMON_PARAMS)
            ],
        }
        if base_profile:
            entry["profile"] = base_profile
        if supported:
            entry["supportedProfile"] = supported
        resources.append(entry)
    now = instant(timezone.now())
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": now,
        "publisher": "Sammen",
        "kind": "instance",
        "software": {"name": "Sammen", "version": SOFTWARE_VERSION},
        "implementation": {"description": "Sammen FHIR R4 (læseadgang)", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "cors": False,
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                    "extension": [
                        {
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            "extension": [{"url": "token", "valueUri": token_url}],
                        }
                    ],
                    "description": "OAuth2 client credentials; scopes system/<Type>.rs.",
                },
                "resource": resources,
            }
        ],
    }


def smart_configuration(token_url: str) -> dict[str, Any]:
    return {
        "token_endpoint": token_url,
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": ["system/*.rs", *(scope_for(t.name) for t in registry.all_types())],
        "capabilities": ["client-confidential-symmetric", "permission-v2"],
    }
