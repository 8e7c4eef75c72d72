"""Every route that takes a citizen id (SECURITY.md T01), for the wrong actor:
another municipality → 404 with the same body as a missing id; own municipality without a care
relation → 403 that offers break-the-glass (or 404 for routes that never show the citizen).

HTML routes and django-ninja operations alike: ninja's URL patterns name their ids
`<citizen_id>`, Django's `<uuid:citizen_id>`. API operations that take a body get a valid one
(`tests/api_examples.py`), so the id decides: a 422 (body refused before any id was looked at)
fails the contract. The checks return their findings, so the last tests here can show that
they fail on a broken route."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from conftest import World
from sammen.citizens.models import Citizen
from sammen.citizens.tests.factories import citizen_create
from sammen.core.tests.helpers import stable_body
from tests import api_examples
from tests.urls_walk import SAMPLE_UUID, Route, api_raw, walk

CITIZEN_ID = re.compile(r"<(?:uuid:)?citizen_id>")
CITIZEN_ROUTES = [r for r in walk() if CITIZEN_ID.search(r.raw)]
API_CITIZEN_ROUTES = [r for r in CITIZEN_ROUTES if r.path.startswith("/api/")]


def test_citizen_routes_are_found() -> None:
    assert len(CITIZEN_ROUTES) >= 8
    # The API's citizen routes are walked too (they were not, when only <uuid:...> counted).
    assert {api_raw(r) for r in API_CITIZEN_ROUTES} >= {
        "/api/v1/citizens/{citizen_id}",
        "/api/v1/citizens/{citizen_id}/cpr",
        "/api/v1/journal/citizens/{citizen_id}/overview",
        "/api/v1/journal/citizens/{citizen_id}/entries",
    }


def call(client: Client, route: Route, method: str, object_id: object) -> Any:
    """The route with `object_id` for its id; API operations get their example body."""
    path = route.path.replace(SAMPLE_UUID, str(object_id))
    if route.path.startswith("/api/"):
        return api_examples.api_call(client, method, path, api_raw(route))
    return getattr(client, method)(path)


def same_body(route: Route, one: Any, other: Any) -> bool:
    if route.path.startswith("/api/"):
        return bool(one.json() == other.json())
    return stable_body(one.text) == stable_body(other.text)


def foreign_like_missing(client: Client, route: Route, method: str, foreign_id: object) -> str:
    """'' when another municipality's object answers exactly like a missing one, else why not."""
    foreign = call(client, route, method, foreign_id)
    missing = call(client, route, method, SAMPLE_UUID)
    where = f"{method.upper()} {route.path}"
    if missing.status_code == 405:
        return "" if foreign.status_code == 405 else f"{where}: foreign {foreign.status_code}"
    if foreign.status_code != 404 or missing.status_code != 404:
        return (
            f"{where}: foreign {foreign.status_code}, missing {missing.status_code}, both must "
            "be 404 (a 422 means the body was refused before the id was checked)"
        )
    if not same_body(route, foreign, missing):
        return f"{where}: the foreign and the missing body differ"
    return ""


def without_relation(
    client: Client, route: Route, citizen: Citizen, object_id: object = None
) -> str:
    """'' when a citizen of the own municipality outside the actor's reach (or an object of
    theirs) gets 403 with break-the-glass and nothing about them, else why not."""
    object_id = object_id or citizen.pk
    response = call(client, route, "get", object_id)
    if response.status_code == 405:
        response = call(client, route, "post", object_id)
    where = f"{response.request['REQUEST_METHOD']} {route.path}"
    if response.status_code != 403:
        return f"{where}: {response.status_code}, must be 403 (422: body refused before the id)"
    if f"/adgang/udvidet/{citizen.pk}/" not in response.text:
        return f"{where}: 403 without break-the-glass"
    if citizen.last_name in response.text:
        return f"{where}: 403 shows the citizen"
    return ""


@pytest.fixture
def journal_content(db: None) -> None:
    from sammen.journal.loader import content_load

    content_load()


@pytest.mark.parametrize("route", CITIZEN_ROUTES, ids=lambda r: r.path)
@pytest.mark.parametrize("method", ["get", "post"])
def test_foreign_citizen_answers_exactly_like_a_missing_one(
    world: World, route: Route, method: str
) -> None:
    foreign = citizen_create(world.solrod)
    assert foreign_like_missing(world.client(world.nurse), route, method, foreign.pk) == ""


@pytest.mark.parametrize("route", CITIZEN_ROUTES, ids=lambda r: r.path)
def test_own_municipality_without_relation_is_403_with_break_the_glass(
    world: World, route: Route
) -> None:
    if route.name == "grant_create":
        pytest.skip("the break-the-glass form itself")
    other_team = citizen_create(world.greve, responsible=world.training_team)
    assert without_relation(world.client(world.nurse), route, other_team) == ""


ENTRY_ROUTES = [r for r in walk() if re.search(r"<(?:uuid:)?entry_id>", r.raw)]


@pytest.fixture
def entries(world: World, journal_content: None) -> dict[str, Any]:
    """A journal entry in Solrød, and one in Greve about a citizen the nurse does not care for."""
    from sammen.journal.tests import factories as jf

    foreign_citizen = jf.citizen_create(world.solrod_team)
    unrelated = jf.citizen_create(world.training_team)
    return {
        "foreign": jf.funktionsevne(
            world.actor(world.foreign_nurse), foreign_citizen, jf.PERSONLIG_PLEJE, 2
        ),
        "unrelated": jf.funktionsevne(
            world.actor(world.therapist), unrelated, jf.PERSONLIG_PLEJE, 2
        ),
        "unrelated_citizen": unrelated,
    }


def test_entry_routes_are_found() -> None:
    assert len(ENTRY_ROUTES) >= 3
    assert {api_raw(r) for r in ENTRY_ROUTES if r.path.startswith("/api/")} >= {
        "/api/v1/journal/entries/{entry_id}",
        "/api/v1/journal/entries/{entry_id}/corrections",
        "/api/v1/journal/entries/{entry_id}/entered-in-error",
    }


@pytest.mark.parametrize("route", ENTRY_ROUTES, ids=lambda r: r.path)
@pytest.mark.parametrize("method", ["get", "post"])
def test_entry_routes_for_the_wrong_actor(
    world: World, entries: dict[str, Any], route: Route, method: str
) -> None:
    client = world.client(world.nurse)
    assert foreign_like_missing(client, route, method, entries["foreign"].pk) == ""
    unrelated = entries["unrelated_citizen"]
    assert without_relation(client, route, unrelated, entries["unrelated"].pk) == ""


# --- The checks can fail ----------------------------------------------------------------------


def test_the_api_check_reports_a_route_that_finds_other_municipalities(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Break tenancy for the citizen API the way a leak looks: the lookup no longer scopes by
    municipality and the policy answers 403 (so a foreign id is told from a missing one). The
    check, which now runs on the API routes, reports it."""
    from sammen.access import policy
    from sammen.citizens import selectors
    from sammen.core.errors import Forbidden

    def refuse(**kwargs: object) -> None:
        raise Forbidden("Du har ikke adgang")

    route = next(r for r in API_CITIZEN_ROUTES if api_raw(r) == "/api/v1/citizens/{citizen_id}")
    foreign = citizen_create(world.solrod)
    client = world.client(world.nurse)
    assert foreign_like_missing(client, route, "get", foreign.pk) == ""
    monkeypatch.setattr(selectors, "_scoped", lambda actor: Citizen.objects.all())
    monkeypatch.setattr(policy, "citizen_require", refuse)
    finding = foreign_like_missing(client, route, "get", foreign.pk)
    assert "foreign 403, missing 404" in finding


def test_the_check_reports_a_body_refused_before_the_id(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a body the API refuses (422 before any id is looked at), the contract fails: a
    422 is no answer to "is this id yours?"."""
    key = "POST /api/v1/journal/citizens/{citizen_id}/entries"
    route = next(r for r in API_CITIZEN_ROUTES if f"POST {api_raw(r)}" == key)
    foreign = citizen_create(world.solrod)
    client = world.client(world.nurse)
    assert foreign_like_missing(client, route, "post", foreign.pk) == ""
    monkeypatch.setitem(api_examples.EXAMPLE_BODIES, key, {"template": "x", "data": {}})
    assert "foreign 422, missing 422" in foreign_like_missing(client, route, "post", foreign.pk)
    other_team = citizen_create(world.greve, responsible=world.training_team)
    assert ": 422, must be 403" in without_relation(client, route, other_team)


def test_every_api_body_has_an_example() -> None:
    missing = api_examples.BODY_OPERATIONS - set(api_examples.EXAMPLE_BODIES)
    assert not missing, f"add a valid example body to tests/api_examples.py for {missing}"
