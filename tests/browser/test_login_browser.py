"""A person logs in with password and TOTP on a 360 px wide screen and reaches the start page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp

from conftest import World
from sammen.organisation.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "korrekt-hest-batteri-42"


def test_login_with_totp_reaches_start_page(world: World, live_server: Any, page: Any) -> None:
    user = world.nurse.user
    user.set_password(PASSWORD)
    user.save()
    device = f.totp_device_create(user)

    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/log-ind/")
    page.get_by_label("Brugernavn").fill("nurse")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/log-ind/totp/**")
    page.get_by_label("Kode fra din godkendelses-app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Bekræft").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Goddag, Birgitte"
    # Usable at 360 px: nothing forces horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    Path("test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path="test-artifacts/start-360.png", full_page=True)


def test_wrong_password_shows_danish_message_beside_form(
    world: World, live_server: Any, page: Any
) -> None:
    page.goto(f"{live_server.url}/log-ind/")
    page.get_by_label("Brugernavn").fill("nurse")
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    assert page.get_by_role("alert").inner_text() == "Forkert brugernavn eller adgangskode."
