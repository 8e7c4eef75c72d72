"""The chain through the JSON API: same rules, problem+json for bad input, 409 on a stale
decision, reads through the gate."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from conftest import World
from sammen.access.models import AccessLogEntry
from sammen.care_plans.tests import factories as cf
from sammen.citizens.models import Citizen
from sammen.organisation.models import StaffMember

pytestmark = pytest.mark.django_db
BASE = "/api/v1/care-plans"


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_the_chain_through_the_api(world: World, assessor: StaffMember, citizen: Citizen) -> None:
    client = world.client(assessor)
    made = _send(
        client,
        "POST",
        f"{BASE}/citizens/{citizen.pk}/requests",
        {
            "area": "aeldre_sundhed",
            "source_code": "A9",
            "subject": "Henvisning fra egen læge",
            "attachments": [{"title": "Henvisning", "text": "Faldtendens"}],
        },
    )
    assert made.status_code == 201, made.content
    request_id = made.json()["id"]
    case = _send(
        client,
        "POST",
        f"{BASE}/requests/{request_id}/case",
        {"citizen_view": "Bange for at falde", "citizen_performance": "C2"},
    )
    assert case.status_code == 200, case.content
    case_id, version = case.json()["id"], case.json()["version"]
    body = {
        "case_version": version,
        "reasoning": "Behov for hjælp",
        "services": [
            {
                "code": "H1.1",
                "legal_basis": "aeldre-helhedspleje",
                "times": 0,
                "granted_from": timezone.localdate().isoformat(),
                "provider_unit_id": str(world.home_care_team.pk),
            }
        ],
    }
    bad = _send(client, "POST", f"{BASE}/cases/{case_id}/decisions", body)
    assert bad.status_code == 422
    assert bad["Content-Type"].startswith("application/problem+json")
    assert "mindst 1" in json.dumps(bad.json(), ensure_ascii=False)
    body["services"][0]["times"] = 2
    decided = _send(client, "POST", f"{BASE}/cases/{case_id}/decisions", body)
    assert decided.status_code == 201, decided.content
    assert decided.json()["services"][0]["minutes"] == 25
    again = _send(client, "POST", f"{BASE}/cases/{case_id}/decisions", body)
    assert again.status_code == 409
    assert again.json()["changes"]["status"] == ["open", "decided"]
    plan = client.get(f"{BASE}/citizens/{citizen.pk}/plan")
    assert plan.status_code == 200
    assert plan.json()["parts"][0]["services"][0]["name"] == "Personlig hygiejne"
    worklist = client.get(f"{BASE}/worklist").json()
    assert [d["id"] for d in worklist["unsent"]] == [decided.json()["id"]]
    assert AccessLogEntry.objects.filter(
        object_type="care_worklist", citizen_id=citizen.pk
    ).exists()
    fu = plan.json()["parts"][0]["follow_ups"][0]
    done = _send(
        client,
        "POST",
        f"{BASE}/follow-ups/{fu['id']}",
        {"version": fu["version"], "result_code": "E3", "note": "Klarer sig"},
    )
    assert done.status_code == 200, done.content


def test_the_api_refuses_another_municipality(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    actor = world.actor(assessor)
    made = cf.decision_make(actor, cf.case_make(actor, citizen), world.home_care_team)
    foreign = world.client(world.foreign_nurse)
    assert foreign.get(f"{BASE}/decisions/{made.pk}").status_code == 404
    assert foreign.get(f"{BASE}/citizens/{citizen.pk}/plan").status_code == 404
