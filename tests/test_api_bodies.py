"""Bodies the API cannot read get 400 problem+json with a Danish detail, never a 500 or
Django's HTML page (SECURITY.md T07): every unsafe operation, found from the API object."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import World
from tests.urls_walk import ApiOperation, api_operations

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


def send(
    browser: tuple[Client, str], operation: ApiOperation, content_type: str, data: bytes
) -> Any:
    client, token = browser
    return client.generic(
        operation.method,
        operation.path,
        data,
        content_type=content_type,
        headers={"X-CSRFToken": token},
    )


MULTIPART_WITHOUT_BOUNDARY = ("multipart/form-data", b"--x\r\n\r\n")
OTHER_BODIES = {
    "multipart with a boundary": (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="q"\r\n\r\nHansen\r\n--x--\r\n',
    ),
    "form": ("application/x-www-form-urlencoded", b"q=Hansen"),
    "not JSON": ("application/json", b"{not json"),
    "no content type": ("", b"q"),
}


@pytest.mark.parametrize("operation", UNSAFE, ids=lambda op: f"{op.method} {op.raw}")
def test_bodies_the_api_cannot_read_get_4xx_problem_json_in_danish(
    browser: tuple[Client, str], settings: Any, operation: ApiOperation
) -> None:
    # The reported bug: multipart without a boundary was a 500 (with DEBUG, as in the demo)
    # or Django's English HTML page. Now 400 problem+json in Danish, either way.
    for debug in (False, True):
        settings.DEBUG = debug
        response = send(browser, operation, *MULTIPART_WITHOUT_BOUNDARY)
        assert response.status_code == 400, (debug, response.content[:300])
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 400
        assert "kunne ikke læses" in problem["detail"]
        assert "Traceback" not in response.text
    settings.DEBUG = False
    for name, (content_type, data) in OTHER_BODIES.items():
        response = send(browser, operation, content_type, data)
        # 400 where the body is read; 404/422 where the operation needs no body (sample id).
        assert response.status_code in {400, 404, 422}, (name, response.content[:300])
        assert response["Content-Type"] == "application/problem+json", name
        if response.status_code == 400:
            assert "kunne ikke læses" in response.json()["detail"], name
