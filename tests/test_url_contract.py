"""Deny by default (SECURITY.md T01/T02): every route declares its access rule."""

from __future__ import annotations

import pytest
from django.test import Client
from ninja.operation import PathView

from config.admin import support_admin_site
from conftest import World
from sammen.core.access_rules import PUBLIC, Rule
from sammen.organisation.tests import factories as f
from tests import api_examples
from tests.urls_walk import Route, api_raw, walk

ROUTES = list(walk())


def test_routes_are_found() -> None:
    names = {r.name for r in ROUTES}
    assert {"home", "login", "admin_index", "unit_edit"} <= names
    assert len(ROUTES) > 20  # admin and API routes are walked too


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.path)
def test_every_view_declares_an_access_rule(route: object) -> None:
    rule = getattr(route.callback, "access_rule", None)  # type: ignore[attr-defined]
    assert isinstance(rule, Rule), f"{route.path} has no declared access rule"  # type: ignore[attr-defined]


def _ninja_path_view(callback: object) -> PathView | None:
    inner = getattr(callback, "__wrapped__", callback)
    for cell in getattr(inner, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def test_delegated_api_rule_means_every_operation_has_auth() -> None:
    api_routes = [r for r in ROUTES if r.path.startswith("/api/")]
    operations = [
        op
        for r in api_routes
        if (view := _ninja_path_view(r.callback)) is not None
        for op in view.operations
    ]
    assert len(operations) >= 3
    for operation in operations:
        assert operation.auth_callbacks or getattr(operation.view_func, "public_api", False), (
            f"API operation {operation.view_func.__name__} has no auth"
        )


def test_delegated_admin_rule_means_otp_admin_site() -> None:
    from django_otp.admin import OTPAdminSite

    assert isinstance(support_admin_site, OTPAdminSite)


def test_a_view_without_rule_is_refused_at_run_time(rf: pytest.FixtureRequest) -> None:
    from django.http import HttpResponse

    from sammen.core.middleware import AccessRuleMiddleware

    def naked(request: object) -> HttpResponse:
        return HttpResponse("secret")

    middleware = AccessRuleMiddleware(lambda r: HttpResponse())
    request = rf.get("/")  # type: ignore[attr-defined]
    response = middleware.process_view(request, naked, (), {})
    assert response is not None
    assert response.status_code == 403


@pytest.mark.parametrize(
    "route",
    [r for r in ROUTES if getattr(r.callback, "access_rule", None) is not PUBLIC],
    ids=lambda r: r.path,
)
def test_anonymous_never_reaches_a_protected_route(world: World, route: object) -> None:
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(route.path)  # type: ignore[attr-defined]
        assert response.status_code in {302, 401, 403, 404, 405}, route.path  # type: ignore[attr-defined]
        if response.status_code == 302:
            final = getattr(client, method)(route.path, follow=True)  # type: ignore[attr-defined]
            assert final.redirect_chain[-1][0].startswith("/log-ind/"), final.redirect_chain


def unknown_id_answer(client: Client, route: Route) -> str:
    """'' when an id that is not the persona's answers 404 or 403, else why not. POST-only
    routes are called with POST; API operations with a valid example body, so that the id
    decides: a 422 (body refused before the id was looked at) is a finding, not an answer."""
    allowed = {403, 404}
    if route.path.startswith("/api/"):
        response = api_examples.api_call(client, "get", route.path, api_raw(route))
        if response.status_code == 405:
            response = api_examples.api_call(client, "post", route.path, api_raw(route))
    else:
        response = client.get(route.path)
        if response.status_code == 405:
            response = client.post(route.path)
        else:
            allowed = {302, 403, 404}  # a page may send the persona elsewhere (e.g. role switch)
    if response.status_code not in allowed:
        method = response.request["REQUEST_METHOD"]
        return f"{method} {route.path}: {response.status_code}, must be one of {sorted(allowed)}"
    return ""


@pytest.mark.parametrize("route", [r for r in ROUTES if r.has_id], ids=lambda r: r.path)
@pytest.mark.parametrize("who", ["nurse", "administrator", "foreign_admin"])
def test_unknown_ids_answer_404_or_403_for_every_persona(
    world: World, route: Route, who: str
) -> None:
    assert unknown_id_answer(f.logged_in_client(getattr(world, who)), route) == ""


def test_the_unknown_id_check_reports_a_422_before_the_id(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check can fail: with a body the API refuses, the answer is a 422 that says nothing
    about the id, and the check reports it (it used to be accepted)."""
    key = "POST /api/v1/journal/entries/{entry_id}/corrections"
    route = next(r for r in ROUTES if r.path.startswith("/api/") and f"POST {api_raw(r)}" == key)
    client = f.logged_in_client(world.nurse)
    assert unknown_id_answer(client, route) == ""
    monkeypatch.setitem(api_examples.EXAMPLE_BODIES, key, {"reason": "x"})  # no "data"
    assert unknown_id_answer(client, route) == f"POST {route.path}: 422, must be one of [403, 404]"
