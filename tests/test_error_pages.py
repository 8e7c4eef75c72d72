"""The product's own pages when something is wrong: DEBUG off unless chosen, Danish 404, 500
and 503 (database outage), problem+json under /api/, static files and the favicon served."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.test import Client

from conftest import World
from sammen.citizens import selectors as citizen_selectors
from sammen.citizens.tests.factories import citizen_create
from sammen.organisation import selectors as organisation_selectors

ROOT = Path(__file__).resolve().parent.parent


def _debug_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SAMMEN_"))}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DEBUG)"],
        env=clean | env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_is_off_unless_chosen_and_never_in_production() -> None:
    assert _debug_with({}).stdout.strip() == "False"
    assert _debug_with({"DJANGO_DEBUG": "true"}).stdout.strip() == "True"
    refused = _debug_with(
        {
            "DJANGO_DEBUG": "true",
            "SAMMEN_ENV": "production",
            "DJANGO_SECRET_KEY": "x" * 60,
        }
    )
    assert refused.returncode != 0
    assert "DJANGO_DEBUG=true is not allowed in production" in refused.stderr


def _one_banner(html: str) -> None:
    assert html.count('<header class="site-header"') == 1
    for leak in ("Traceback", "URLconf", "DEBUG = True", "settings.py", "Request Method"):
        assert leak not in html


def test_unknown_page_is_the_danish_404(world: World) -> None:
    response = world.client(world.nurse).get("/ingen-side-her/")
    assert response.status_code == 404
    assert "Siden eller oplysningen findes ikke" in response.text
    _one_banner(response.text)


def test_a_crash_is_the_danish_500_without_a_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(**kwargs: object) -> None:
        raise RuntimeError("hemmelig detalje")

    monkeypatch.setattr(citizen_selectors, "citizen_overview", boom)
    citizen = citizen_create(world.greve)
    client = world.client(world.nurse)
    client.raise_request_exception = False
    response = client.get(f"/borgere/{citizen.pk}/")
    assert response.status_code == 500
    assert "Der skete en fejl hos os" in response.text
    assert "hemmelig detalje" not in response.text
    _one_banner(response.text)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_outage_before_the_view_is_503_without_session_key(
    world: World, monkeypatch: pytest.MonkeyPatch, error: type[Exception]
) -> None:
    """The outage hits the actor middleware (the first query of a request)."""

    def down(**kwargs: object) -> None:
        raise error("connection to server at 127.0.0.1 failed")

    client = world.client(world.nurse)
    client.raise_request_exception = False
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    monkeypatch.setattr(organisation_selectors, "actor_context", down)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Sammen er midlertidigt utilgængelig" in response.text
    assert session_key not in response.text
    assert "127.0.0.1" not in response.text
    _one_banner(response.text)
    api = client.get("/api/v1/organisation/me")
    assert api.status_code == 503
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["status"] == 503
    assert session_key not in api.text


def test_database_outage_in_a_view_is_503(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def down(**kwargs: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(citizen_selectors, "citizen_overview", down)
    citizen = citizen_create(world.greve)
    client = world.client(world.nurse)
    response = client.get(f"/borgere/{citizen.pk}/")  # no exception escapes to the client
    assert response.status_code == 503
    assert "Sammen er midlertidigt utilgængelig" in response.text
    assert "database is locked" not in response.text
    _one_banner(response.text)


def test_static_files_and_favicon_are_served_with_debug_off(world: World) -> None:
    assert settings.DEBUG is False
    client = Client()
    # Reading a streamed file to the end closes it (the test client's wrapper); an explicit
    # close() would also close the test's database connection.
    css = client.get("/static/sammen/sammen.css")
    assert css.status_code == 200
    assert b".site-header" in b"".join(css.streaming_content)  # type: ignore[attr-defined]
    svg = client.get("/static/sammen/favicon.svg")
    assert svg.status_code == 200
    assert b"<svg" in b"".join(svg.streaming_content)  # type: ignore[attr-defined]
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200
    assert ico["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(ico.streaming_content)  # type: ignore[attr-defined]
    page = world.client(world.nurse).get("/")
    assert 'rel="icon" href="/static/sammen/favicon.svg"' in page.text


def test_csrf_failure_and_bad_request_are_the_products_pages(world: World) -> None:
    client = world.client(world.nurse)
    client.handler.enforce_csrf_checks = True
    response = client.post("/borgere/", {"q": "x"})
    assert response.status_code == 403
    assert "Formularen var for gammel" in response.text
    assert "CSRF" not in response.text
    _one_banner(response.text)
    bad = Client(HTTP_HOST="ukendt.example").get("/")  # a host not allowed: 400
    assert bad.status_code == 400
    assert "Forespørgslen kunne ikke forstås" in bad.text
    _one_banner(bad.text)
