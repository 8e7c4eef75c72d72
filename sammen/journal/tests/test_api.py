"""The JSON API: same services, problem+json on bad input."""

from __future__ import annotations

import json

from conftest import World
from sammen.citizens.models import Citizen
from sammen.journal.models import Entry
from sammen.journal.tests.factories import LAVE_MAD, TRYKSAAR


def _post(client: object, url: str, body: dict[str, object]) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")  # type: ignore[attr-defined]


def test_document_correct_and_read_through_the_api(world: World, citizen: Citizen) -> None:
    client = world.client(world.nurse)
    base = f"/api/v1/journal/citizens/{citizen.pk}"
    created = _post(
        client,
        f"{base}/entries",
        {
            "template": "fsiii-funktionsevnetilstand",
            "data": {"tilstand": "J2.2", "nuvaerende_niveau": 2},
        },
    )
    assert created.status_code == 201, created.content  # type: ignore[attr-defined]
    body = created.json()  # type: ignore[attr-defined]
    assert body["subject_code"] == LAVE_MAD  # legacy key J2.2 imported as the UUID
    corrected = _post(
        client,
        f"/api/v1/journal/entries/{body['id']}/corrections",
        {"data": {"tilstand": LAVE_MAD, "nuvaerende_niveau": 1}, "reason": "Tastefejl"},
    )
    assert corrected.status_code == 201  # type: ignore[attr-defined]
    again = _post(
        client,
        f"/api/v1/journal/entries/{body['id']}/corrections",
        {"data": {"tilstand": LAVE_MAD, "nuvaerende_niveau": 1}, "reason": "Igen"},
    )
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert again["Content-Type"] == "application/problem+json"  # type: ignore[index]
    problem = again.json()  # type: ignore[attr-defined]
    assert (problem["status"], problem["current_id"]) == (409, corrected.json()["id"])  # type: ignore[attr-defined]
    versions = client.get(f"/api/v1/journal/entries/{body['id']}").json()
    assert [v["version"] for v in versions] == [1, 2]
    overview = client.get(f"{base}/overview").json()
    items = {i["code"]: i for s in overview["sections"] for i in s["items"]}
    assert items[LAVE_MAD]["summary"][0]["value"] == "1 – lette begrænsninger"
    assert client.get("/api/v1/journal/templates").status_code == 200


def test_bad_input_is_problem_json_and_nothing_is_saved(world: World, citizen: Citizen) -> None:
    client = world.client(world.nurse)
    url = f"/api/v1/journal/citizens/{citizen.pk}/entries"
    bad = _post(
        client,
        url,
        {
            "template": "fsiii-funktionsevnetilstand",
            "template_version": 1,
            "data": {"tilstand": "nej", "nuvaerende_niveau": 12},
        },
    )
    assert bad.status_code == 422  # type: ignore[attr-defined]
    problem = bad.json()  # type: ignore[attr-defined]
    assert problem["status"] == 422
    assert set(problem["errors"]) == {"tilstand", "nuvaerende_niveau"}
    retired = _post(
        client, url, {"template": "fsiii-funktionsevnetilstand", "template_version": 9, "data": {}}
    )
    assert retired.status_code == 422  # type: ignore[attr-defined]
    helper = world.client(world.sosu_helper)
    forbidden = _post(
        helper,
        url,
        {
            "template": "fsiii-helbredstilstand",
            "data": {"tilstand": TRYKSAAR, "problem": "aktuelt", "faglig_vurdering": "x"},
        },
    )
    assert forbidden.status_code == 403  # type: ignore[attr-defined]
    assert Entry.objects.count() == 0
