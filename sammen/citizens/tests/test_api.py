"""Citizens over the JSON API: problem+json on bad input, reach, no CPR in URLs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from conftest import World
from sammen.citizens.models import Citizen
from sammen.citizens.tests.factories import citizen_create, fictitious_cpr


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_create_bad_input_is_problem_json_422_nothing_saved(world: World) -> None:
    client = world.client(world.nurse)
    response = post(
        client, "/api/v1/citizens/", {"cpr": "310241-1234", "first_name": "A", "last_name": ""}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert "cpr" in body["errors"]
    assert "last_name" in body["errors"]
    assert "310241" not in json.dumps(body["errors"]["cpr"])
    assert Citizen.objects.count() == 0


def test_create_refuses_server_set_fields(world: World) -> None:
    client = world.client(world.nurse)
    body = {
        "cpr": fictitious_cpr(dt.date(1950, 2, 2)),
        "first_name": "Ib",
        "last_name": "Holm",
        "municipality": str(world.solrod.pk),
    }
    response = post(client, "/api/v1/citizens/", body)
    assert response.status_code == 422
    assert Citizen.objects.count() == 0
    del body["municipality"]
    response = post(client, "/api/v1/citizens/", body)
    assert response.status_code == 201
    assert Citizen.objects.get().municipality == world.greve


def test_search_and_read(world: World) -> None:
    citizen = citizen_create(world.greve, "Åse", "Holm")
    client = world.client(world.nurse)
    found = post(client, "/api/v1/citizens/search", {"q": "aase"}).json()
    assert found["total"] == 1
    assert found["results"][0]["cpr_masked"] == citizen.cpr_masked
    read = client.get(f"/api/v1/citizens/{citizen.pk}")
    assert read.status_code == 200
    assert citizen.cpr not in read.content.decode()  # masked unless asked for
    shown = post(client, f"/api/v1/citizens/{citizen.pk}/cpr", {})
    assert shown.json()["cpr"] == citizen.cpr_formatted
    from sammen.access.models import AccessLogEntry

    assert AccessLogEntry.objects.filter(citizen_id=citizen.pk, object_type="cpr").count() == 1


def test_bad_coordinates_and_nul_characters_are_422(world: World) -> None:
    client = world.client(world.nurse)
    base = {"cpr": fictitious_cpr(dt.date(1950, 2, 3)), "first_name": "Ib", "last_name": "Holm"}
    assert post(client, "/api/v1/citizens/", base | {"latitude": 123456789.5}).status_code == 422
    assert post(client, "/api/v1/citizens/", base | {"first_name": "I\x00b"}).status_code == 422
    assert post(client, "/api/v1/citizens/search", {"q": "a\x00b"}).status_code == 422
    assert Citizen.objects.count() == 0


def test_no_relation_is_problem_json_with_break_the_glass_link(world: World) -> None:
    other = citizen_create(world.greve, responsible=world.training_team)
    response = world.client(world.nurse).get(f"/api/v1/citizens/{other.pk}")
    assert response.status_code == 403
    assert response.json()["break_the_glass"] == f"/adgang/udvidet/{other.pk}/"
