"""Every route that takes a citizen id (SECURITY.md T01), for the wrong actor:
another municipality → 404 with the same body as a missing id; own municipality without a care
relation → 403 that offers break-the-glass (or 404 for routes that never show the citizen)."""

from __future__ import annotations

import pytest

from conftest import World
from sammen.citizens.tests.factories import citizen_create
from sammen.core.tests.helpers import stable_body
from tests.urls_walk import SAMPLE_UUID, walk

CITIZEN_ROUTES = [r for r in walk() if "<uuid:citizen_id>" in r.raw or "{citizen_id}" in r.raw]


def test_citizen_routes_are_found() -> None:
    assert len(CITIZEN_ROUTES) >= 8


@pytest.mark.parametrize("route", CITIZEN_ROUTES, ids=lambda r: r.path)
@pytest.mark.parametrize("method", ["get", "post"])
def test_foreign_citizen_answers_exactly_like_a_missing_one(
    world: World, route: object, method: str
) -> None:
    foreign = citizen_create(world.solrod)
    client = world.client(world.nurse)
    call = getattr(client, method)
    foreign_response = call(route.path.replace(SAMPLE_UUID, str(foreign.pk)))  # type: ignore[attr-defined]
    missing_response = call(route.path)  # type: ignore[attr-defined]
    if missing_response.status_code == 405:
        assert foreign_response.status_code == 405
        return
    assert foreign_response.status_code == missing_response.status_code == 404
    if not route.path.startswith("/api/"):  # type: ignore[attr-defined]
        assert stable_body(foreign_response.text) == stable_body(missing_response.text)
    else:
        assert foreign_response.json() == missing_response.json()


@pytest.mark.parametrize("route", CITIZEN_ROUTES, ids=lambda r: r.path)
def test_own_municipality_without_relation_is_403_with_break_the_glass(
    world: World, route: object
) -> None:
    if route.name == "grant_create":  # type: ignore[attr-defined]
        pytest.skip("the break-the-glass form itself")
    other_team = citizen_create(world.greve, responsible=world.training_team)
    path = route.path.replace(SAMPLE_UUID, str(other_team.pk))  # type: ignore[attr-defined]
    client = world.client(world.nurse)
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path)
    assert response.status_code == 403, path
    assert f"/adgang/udvidet/{other_team.pk}/" in response.text
    assert other_team.last_name not in response.text


ENTRY_ROUTES = [r for r in walk() if "<uuid:entry_id>" in r.raw or "{entry_id}" in r.raw]


@pytest.fixture
def entries(world: World) -> dict[str, object]:
    """A journal entry in Solrød, and one in Greve about a citizen the nurse does not care for."""
    from sammen.journal.loader import content_load
    from sammen.journal.tests import factories as jf

    content_load()
    foreign_citizen = jf.citizen_create(world.solrod_team)
    unrelated = jf.citizen_create(world.training_team)
    return {
        "foreign": jf.funktionsevne(
            world.actor(world.foreign_nurse), foreign_citizen, jf.PERSONLIG_PLEJE, 2
        ),
        "unrelated": jf.funktionsevne(
            world.actor(world.therapist), unrelated, jf.PERSONLIG_PLEJE, 2
        ),
    }


def test_entry_routes_are_found() -> None:
    assert len(ENTRY_ROUTES) >= 3


@pytest.mark.parametrize("route", ENTRY_ROUTES, ids=lambda r: r.path)
def test_entry_routes_for_the_wrong_actor(
    world: World, entries: dict[str, object], route: object
) -> None:
    client = world.client(world.nurse)
    foreign = entries["foreign"]
    unrelated = entries["unrelated"]
    missing = client.get(route.path)  # type: ignore[attr-defined]
    other = client.get(route.path.replace(SAMPLE_UUID, str(foreign.pk)))  # type: ignore[attr-defined]
    if route.path.startswith("/api/"):  # type: ignore[attr-defined]
        assert other.status_code == missing.status_code == 404
        assert other.json() == missing.json()
    else:
        assert other.status_code == missing.status_code == 404
        assert stable_body(other.text) == stable_body(missing.text)
    response = client.get(route.path.replace(SAMPLE_UUID, str(unrelated.pk)))  # type: ignore[attr-defined]
    assert response.status_code == 403
    assert "/adgang/udvidet/" in response.text
