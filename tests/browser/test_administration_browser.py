"""The administration page shows who may do what (the role → permission table) and the roles
waiting for a second administrator, at 360 px and 1280 px: one page, Danish labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import World
from sammen.organisation import services
from sammen.organisation.models import Role
from sammen.organisation.permissions import Permission
from sammen.organisation.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Any, live_server: Any, world: World) -> None:
    client = f.logged_in_client(world.administrator)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.parametrize("width", [360, 1280])
def test_administration_shows_who_may_do_what(
    world: World, live_server: Any, page: Any, width: int
) -> None:
    newcomer = f.staff_create(world.admin_unit, Role.DIRECTOR, username="ny", first_name="Nina")
    services.membership_add(
        actor=f.actor_for(f.staff_create(world.admin_unit, Role.ADMINISTRATOR, username="a2")),
        staff=newcomer,
        unit=world.home_care_team,
        role=Role.NURSE,
    )
    page.set_viewport_size({"width": width, "height": 900})
    _log_in(page, live_server, world)
    page.goto(f"{live_server.url}/administration/")
    # One page: one site header, one main heading (no page rendered inside the page).
    assert page.title() == "Administration – Sammen"
    assert page.locator("header").count() == 1
    assert page.locator("h1").count() == 1
    table = page.locator("table.permission-table")
    assert table.count() == 1
    headers = table.locator("thead th").all_inner_texts()
    assert headers[1:] == [str(r.label) for r in Role]
    rows = table.locator("tbody th").all_inner_texts()
    assert rows == [str(p.label) for p in Permission]
    body = page.locator("main").inner_text() if page.locator("main").count() else ""
    for raw in Permission.values:  # no untranslated key shown
        assert raw not in body
    # The nurse role waits; this administrator did not ask for it, so may approve.
    assert page.get_by_role("button", name="Godkend Sygeplejerske, Nina Person").count() == 1
    Path("test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=f"test-artifacts/administration-{width}.png", full_page=True)
    table.screenshot(path=f"test-artifacts/administration-table-{width}.png")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                     && !e.closest('.table-wrap'))
        .map(e => e.tagName + '.' + e.className).slice(0, 5)"""
    )
    assert wide == []
    # The page itself never scrolls sideways; only the wide table does, inside its frame.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The person's page shows the waiting role; approving it from there makes it effective.
    page.goto(f"{live_server.url}/administration/medarbejdere/{newcomer.pk}/")
    assert page.locator("h1").count() == 1
    assert page.get_by_text("venter på godkendelse").count() == 1
    page.screenshot(path=f"test-artifacts/administration-staff-{width}.png", full_page=True)
    page.get_by_role("button", name="Godkend Sygeplejerske, Team Nord A").click()
    page.wait_for_url(f"**/administration/medarbejdere/{newcomer.pk}/")
    assert page.locator("h1").count() == 1
    assert page.get_by_text("venter på godkendelse").count() == 0
    assert newcomer.memberships.filter(role=Role.NURSE).exists()
