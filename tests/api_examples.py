"""A valid body for every API operation that takes one, so the contract tests reach the id
check: a body the schema (or the template) refuses answers 422 before any id is looked at,
and a 422 proves nothing about the id. `test_every_api_body_has_an_example` keeps this
complete; `journal_content` makes the journal bodies valid (their templates exist)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from tests.urls_walk import api_operations

EXAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "POST /api/v1/citizens/search": {"q": "Hansen"},
    "POST /api/v1/citizens/": {"cpr": "020341-0003", "first_name": "Ib", "last_name": "Holm"},
    "PUT /api/v1/citizens/{citizen_id}": {
        "cpr": "020341-0003",
        "first_name": "Ib",
        "last_name": "Holm",
    },
    "POST /api/v1/journal/citizens/{citizen_id}/entries": {
        "template": "fsiii-funktionsevnetilstand",
        "data": {"tilstand": "J2.2", "nuvaerende_niveau": 2},
    },
    "POST /api/v1/journal/entries/{entry_id}/corrections": {
        "data": {"tilstand": "J2.2", "nuvaerende_niveau": 1},
        "reason": "Tastefejl",
    },
    "POST /api/v1/journal/entries/{entry_id}/entered-in-error": {"reason": "Forkert borger"},
    "POST /api/v1/care-plans/citizens/{citizen_id}/requests": {
        "area": "aeldre_sundhed",
        "source_code": "A1",
        "subject": "Har brug for hjælp til bad",
    },
    "POST /api/v1/care-plans/requests/{request_id}/case": {"citizen_view": "Vil klare mig selv"},
    "POST /api/v1/care-plans/cases/{case_id}/decisions": {
        "reasoning": "Behov for hjælp",
        "services": [{"code": "H1.1", "legal_basis": "aeldre-helhedspleje"}],
    },
    "POST /api/v1/care-plans/follow-ups/{follow_up_id}": {"result_code": "E3"},
}
# Bodies that name a template, which the service looks up before the citizen id (corrections
# and fejlregistrering look up the entry first, and a missing entry needs no template).
NEEDS_JOURNAL_CONTENT = frozenset(
    {
        "POST /api/v1/journal/citizens/{citizen_id}/entries",
        "POST /api/v1/care-plans/citizens/{citizen_id}/requests",
    }
)
BODY_OPERATIONS = {f"{op.method} {op.raw}" for op in api_operations() if op.has_body}


def example_body(method: str, raw: str) -> dict[str, Any] | None:
    """The example body for `METHOD /api/v1/...{id}...`, or None when the operation takes none."""
    key = f"{method.upper()} {raw}"
    if key not in BODY_OPERATIONS:
        return None
    return EXAMPLE_BODIES[key]


def api_call(client: Client, method: str, path: str, raw: str) -> Any:
    """Call an API operation as a client would: JSON, with the example body if it takes one
    (the journal's templates are loaded first when the body names one)."""
    body = example_body(method, raw)
    if f"{method.upper()} {raw}" in NEEDS_JOURNAL_CONTENT:
        from sammen.journal.loader import content_load
        from sammen.journal.models import Template

        if not Template.objects.exists():
            content_load()
    if body is None:
        return client.generic(method.upper(), path)
    return client.generic(method.upper(), path, json.dumps(body), content_type="application/json")
