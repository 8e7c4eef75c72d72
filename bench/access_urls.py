"""Two views that read the same citizen the same way; only one writes the access-log row."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as project_urls
from sammen.access import gate
from sammen.citizens import selectors
from sammen.core.access_rules import access_rule, needs
from sammen.organisation.permissions import Permission


def _body(citizen: Any) -> dict[str, Any]:
    return {
        "id": str(citizen.pk),
        "name": citizen.full_name,
        "cpr": citizen.cpr_masked,
        "address": citizen.address_line,
        "born": citizen.birth_date.isoformat(),
    }


@access_rule(needs(Permission.CITIZEN_READ))
def logged(request: HttpRequest, citizen_id: Any) -> JsonResponse:
    citizen = selectors.citizen_get(actor=request.actor, citizen_id=citizen_id)  # type: ignore[attr-defined]
    return JsonResponse(_body(citizen))


@access_rule(needs(Permission.CITIZEN_READ))
def unlogged(request: HttpRequest, citizen_id: Any) -> JsonResponse:
    actor = request.actor  # type: ignore[attr-defined]
    access = gate.citizen_open(actor=actor, citizen_id=citizen_id, log=False)  # same check, no row
    return JsonResponse(_body(access.citizen))


urlpatterns = [
    *project_urls,
    path("bench/logged/<uuid:citizen_id>/", logged),
    path("bench/unlogged/<uuid:citizen_id>/", unlogged),
]
