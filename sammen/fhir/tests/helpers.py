"""FHIR test helpers: every body the facade answers is validated with fhir.resources (the
R4B models: no pydantic-2 release of fhir.resources ships 4.0.1 itself; for the elements we
emit R4 and R4B are the same), resources inside bundles one by one."""

from __future__ import annotations

import base64
from typing import Any

from django.test import Client
from fhir.resources.R4B import get_fhir_model_class

FHIR_JSON = "application/fhir+json"


def validate(resource: dict[str, Any]) -> None:
    model = get_fhir_model_class(resource["resourceType"])
    model.model_validate(resource)
    if resource["resourceType"] == "Bundle":
        for entry in resource.get("entry", []):
            validate(entry["resource"])


def get(client: Client, url: str, token: str | None = None, **headers: str) -> Any:
    """GET and validate whatever FHIR body comes back (resources, bundles and
    OperationOutcomes alike)."""
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = client.get(url, headers=headers)
    if response.status_code != 304 and response.content:
        assert response["Content-Type"].startswith(FHIR_JSON), response.content[:200]
        validate(response.json())
    return response


def token_for(client_id: str, secret: str, scope: str | None = None) -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    response = Client().post("/fhir/auth/token", data, headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


def entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle.get("entry", [])]
