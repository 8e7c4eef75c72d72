"""The system-client administration page (sammen/fhir) at 360 px and 1280 px: create a client
through the form, see its secret once, rotate it; one page, Danish labels, nothing wider than
the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import World
from sammen.fhir.models import SystemClient
from sammen.organisation.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Any, live_server: Any, world: World) -> None:
    client = f.logged_in_client(world.administrator)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _too_wide(page: Any) -> list[str]:
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .map(e => e.tagName + '.' + e.className)"""
        )
    )


@pytest.mark.parametrize("width", [360, 1280])
def test_create_and_rotate_a_system_client(
    world: World, live_server: Any, page: Any, width: int
) -> None:
    shots = Path("test-artifacts")
    shots.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    _log_in(page, live_server, world)
    page.goto(f"{live_server.url}/administration/systemklienter/ny/")
    assert page.locator("h1").inner_text() == "Ny systemklient"
    page.get_by_label("Navn").fill("KL Gateway")
    page.get_by_label("Formål").select_option("indberetning")
    page.get_by_label("Enhed").select_option(label="Social, Sundhed og Ældre")
    page.get_by_label("Condition").check()
    page.get_by_label("Observation").check()
    page.screenshot(path=str(shots / f"fhir-client-form-{width}.png"), full_page=True)
    page.get_by_role("button", name="Opret og vis nøgle").click()
    assert page.locator("header").count() == 1
    assert page.locator("h1").count() == 1
    secret = page.locator("code.secret").nth(1).inner_text()
    assert len(secret) > 30
    assert _too_wide(page) == []
    page.screenshot(path=str(shots / f"fhir-client-secret-{width}.png"), full_page=True)
    page.goto(f"{live_server.url}/administration/systemklienter/")
    assert page.locator("h1").inner_text() == "Systemklienter"
    assert _too_wide(page) == []
    page.screenshot(path=str(shots / f"fhir-client-list-{width}.png"), full_page=True)
    page.get_by_role("button", name="Skift nøgle KL Gateway").click()
    assert page.locator("h1").inner_text() == "Ny nøgle til KL Gateway"
    assert page.locator("code.secret").nth(1).inner_text() != secret
    assert SystemClient.objects.get(name="KL Gateway").scopes == [
        "system/Condition.rs",
        "system/Observation.rs",
    ]
