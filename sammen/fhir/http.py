"""FHIR over HTTP: format negotiation, the response, ETags, bundles."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sammen.fhir.context import instant
from sammen.fhir.errors import FhirError, operation_outcome
from sammen.fhir.registry import Page, Resource
from sammen.fhir.search import SearchQuery

FHIR_JSON = "application/fhir+json"
CONTENT_TYPE = f"{FHIR_JSON}; fhirVersion=4.0; charset=utf-8"
_JSON_FORMATS = {"json", FHIR_JSON, "application/json", "application/json+fhir"}
_XML_FORMATS = {"xml", "application/fhir+xml", "application/xml", "text/xml", "html", "text/html"}
FORM = "application/x-www-form-urlencoded"


def negotiate(request: HttpRequest) -> None:
    """JSON only: `_format` wins over Accept (FHIR R4 §3.1.0.1.10); XML, or an Accept that
    allows no JSON, is 406."""
    wanted = request.GET.get("_format")
    if wanted is not None:
        if wanted.split(";")[0].strip() not in _JSON_FORMATS:
            raise FhirError(406, "Kun JSON understøttes (_format=json).", code="not-supported")
    else:
        accept = request.headers.get("Accept", "")
        if accept.strip() and not _accepts_json(accept):
            raise FhirError(406, f"Kun {FHIR_JSON} understøttes.", code="not-supported")


def _accepts_json(accept: str) -> bool:
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and media in _JSON_FORMATS | {"*/*", "application/*"}:
            return True
    return False


def respond(body: dict[str, Any], status: int = 200, etag: str | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=CONTENT_TYPE,
    )
    if etag:
        response["ETag"] = etag
    return response


def error_response(error: FhirError) -> HttpResponse:
    response = respond(operation_outcome(error.diagnostics, code=error.code), status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="sammen-fhir"'
    return response


def etag_of(resource: Resource) -> str | None:
    version = resource.get("meta", {}).get("versionId")
    return f'W/"{version}"' if version else None


def not_modified(request: HttpRequest, etag: str | None) -> bool:
    """If-None-Match names the current version (weak comparison, RFC 9110 § 13.1.2)."""
    header = request.headers.get("If-None-Match")
    if not header or not etag:
        return False
    wanted = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in wanted or etag.removeprefix("W/") in wanted


def read_response(request: HttpRequest, resource: Resource) -> HttpResponse:
    etag = etag_of(resource)
    if not_modified(request, etag):
        response = HttpResponse(status=304)
        response["ETag"] = etag or ""
        return response
    return respond(resource, etag=etag)


def _link(base: str, resource_type: str, query: SearchQuery, offset: int) -> str:
    params = [(k, v) for k, v in query.raw if k not in ("_offset", "_count")]
    params += [("_count", str(query.count)), ("_offset", str(offset))]
    return f"{base}/{resource_type}?{urlencode(params)}"


def searchset(base: str, resource_type: str, query: SearchQuery, page: Page) -> dict[str, Any]:
    links = [{"relation": "self", "url": _link(base, resource_type, query, query.offset)}]
    if page.more:
        links.append(
            {
                "relation": "next",
                "url": _link(base, resource_type, query, query.offset + query.count),
            }
        )
    if query.offset > 0:
        previous = max(0, query.offset - query.count)
        links.append({"relation": "previous", "url": _link(base, resource_type, query, previous)})
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": instant(timezone.now())},
        "type": "searchset",
        "timestamp": instant(timezone.now()),
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in page.resources
        ],
    }


def history_bundle(base: str, resources: list[Resource]) -> dict[str, Any]:
    entries = []
    for r in resources:
        version = r.get("meta", {}).get("versionId", "1")
        entries.append(
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "request": {
                    "method": "POST" if version == "1" else "PUT",
                    "url": f"{r['resourceType']}/{r['id']}"
                    if version != "1"
                    else r["resourceType"],
                },
                "response": {
                    "status": "201" if version == "1" else "200",
                    "etag": etag_of(r) or "",
                    "lastModified": r.get("meta", {}).get("lastUpdated"),
                },
            }
        )
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "history",
        "timestamp": instant(timezone.now()),
        "total": len(entries),
        "entry": entries,
    }


def require_form_body(request: HttpRequest) -> None:
    """`POST [type]/_search` takes its parameters as a form (FHIR R4 §3.1.1.5.8); any other
    body is 415."""
    media = request.headers.get("Content-Type", "").split(";")[0].strip()
    if media != FORM:
        raise FhirError(415, f"Send søgeparametrene som {FORM}.", code="not-supported")
