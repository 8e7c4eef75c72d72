"""On a 360 px phone: document one funktionsevne item (three taps from the overview) and one
helbredstilstand, and see both in the journal overview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import World
from sammen.journal.loader import content_load
from sammen.journal.models import Entry
from sammen.journal.tests.factories import citizen_create
from sammen.organisation.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Any, live_server: Any, world: World) -> None:
    client = f.logged_in_client(world.nurse)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )


def test_document_a_j_item_and_an_i_item_and_see_them(
    world: World, live_server: Any, page: Any
) -> None:
    content_load()
    citizen = citizen_create(world.home_care_team, first_name="Else", last_name="Jensen")
    _log_in(page, live_server, world)
    overview = f"{live_server.url}/journal/borger/{citizen.pk}/"
    page.goto(overview)
    assert page.get_by_role("heading", level=1).inner_text() == "Else Jensen"

    # Funktionsevne, three taps: "Dokumentér" on the item, the level, "Gem".
    page.get_by_role("link", name="Dokumentér Personlig pleje").click()  # tap 1
    page.wait_for_url("**/dokumenter/fsiii-funktionsevnetilstand/**")
    # A wrong submit first: the Danish message beside the field, nothing saved.
    page.get_by_role("button", name="Gem").click()
    assert page.locator(".field__error").first.inner_text() == "Feltet skal udfyldes."
    assert Entry.objects.count() == 0
    level = page.get_by_role("group", name="Nuværende niveau")
    level.get_by_text("2 – moderate begrænsninger").click()  # tap 2
    page.get_by_role("button", name="Gem").click()  # tap 3
    page.wait_for_url(overview)
    assert "Funktionsevnetilstand er gemt." in page.locator(".messages").inner_text()

    # Helbredstilstand: a nurse documents Tryksår as an aktuelt problem.
    page.get_by_role("link", name="Dokumentér I4.4 Problemer med tryksår").click()
    page.wait_for_url("**/dokumenter/fsiii-helbredstilstand/**")
    page.get_by_text("Aktuelt problem").click()
    page.get_by_label("Faglig vurdering").fill("Tryksår stadie 2 på venstre hæl.")
    page.get_by_text("Tilstand mindskes").click()
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url(overview)

    pleje = page.locator(".item", has_text="Personlig pleje").first
    assert "2 – moderate begrænsninger" in pleje.inner_text()
    tryk = page.locator(".item", has_text="Problemer med tryksår").first
    assert "Aktuelt problem" in tryk.inner_text()
    assert Entry.objects.count() == 2
    # Usable at 360 px: nothing forces horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    Path("test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path="test-artifacts/journal-overview-360.png", full_page=False)
