"""JSON API: auth required, tenant-scoped, problem+json on errors."""

from __future__ import annotations

from django.test import Client

from conftest import World
from sammen.organisation.tests import factories as f


def test_api_requires_login_with_problem_json(world: World) -> None:
    response = Client().get("/api/v1/organisation/units")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_api_requires_second_factor(world: World) -> None:
    client = f.logged_in_client(world.nurse, verified=False)
    assert client.get("/api/v1/organisation/units").status_code == 401


def test_units_are_scoped_to_municipality(world: World) -> None:
    units = f.logged_in_client(world.nurse).get("/api/v1/organisation/units").json()
    names = {u["name"] for u in units}
    assert "Team Nord A" in names
    assert "Hjemmesygeplejen" not in names


def test_foreign_and_missing_unit_answer_the_same_404(world: World) -> None:
    client = f.logged_in_client(world.nurse)
    foreign = client.get(f"/api/v1/organisation/units/{world.solrod_team.pk}")
    missing = client.get("/api/v1/organisation/units/00000000-0000-0000-0000-000000000000")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert foreign["Content-Type"] == "application/problem+json"


def test_malformed_id_is_problem_json_4xx(world: World) -> None:
    response = f.logged_in_client(world.nurse).get("/api/v1/organisation/units/not-a-uuid")
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == "application/problem+json"


def test_unknown_api_route_is_problem_json_404(world: World) -> None:
    response = f.logged_in_client(world.nurse).get("/api/v1/findes/ikke")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
