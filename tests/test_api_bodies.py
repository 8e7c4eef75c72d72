"""Bodies the API cannot read get 400 problem+json with a Danish detail, never a 500 or
Django's HTML page (SECURITY.md T07): every unsafe operation, found from the API object."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import World
from tests.urls_walk import api_operations

UNSAFE = [op for op in api_operations() if op.method in {"POST", "PUT", "PATCH", "DELETE"}]


def test_unsafe_operations_are_found() -> None:
    assert len(UNSAFE) >= 6
    assert {"/api/v1/citizens/", "/api/v1/citizens/search"} <= {op.raw for op in UNSAFE}


@pytest.fixture
def browser(world: World) -> tuple[Client, str]:
    """A logged-in client that sends what a browser sends: the CSRF cookie and header."""
    client = Client(enforce_csrf_checks=True)
    client.cookies = world.client(world.nurse).cookies
    client.get("/")
    return client, client.cookies["csrftoken"].value


def send(browser: tuple[Client, str], operation: object, content_type: str, data: bytes) -> Any:
    client, token = browser
    return client.generic(
        operation.method,  # type: ignore[attr-defined]
        operation.path,  # type: ignore[attr-defined]
        data,
        content_type=content_type,
        headers={"X-CSRFToken": token},
    )


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("operation", UNSAFE, ids=lambda op: f"{op.method} {op.raw}")
def test_multipart_without_boundary_is_400_problem_json_in_danish(
    browser: tuple[Client, str], settings: object, operation: object, debug: bool
) -> None:
    settings.DEBUG = debug  # type: ignore[attr-defined]  # debug: the demo (was a 500)
    response = send(browser, operation, "multipart/form-data", b"--x\r\n\r\n")
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    assert "kunne ikke læses" in problem["detail"]
    assert "Traceback" not in response.text


OTHER_BODIES = {
    "multipart with a boundary": (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="q"\r\n\r\nHansen\r\n--x--\r\n',
    ),
    "form": ("application/x-www-form-urlencoded", b"q=Hansen"),
    "not JSON": ("application/json", b"{not json"),
    "no content type": ("", b"q"),
}


@pytest.mark.parametrize("body", OTHER_BODIES, ids=str)
@pytest.mark.parametrize("operation", UNSAFE, ids=lambda op: f"{op.method} {op.raw}")
def test_other_bodies_the_api_cannot_read_are_4xx_problem_json(
    browser: tuple[Client, str], operation: object, body: str
) -> None:
    response = send(browser, operation, *OTHER_BODIES[body])
    # 400 where the body is read; 404/422 where the operation needs no body (sample id).
    assert response.status_code in {400, 404, 422}, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    if response.status_code == 400:
        assert "kunne ikke læses" in response.json()["detail"]
