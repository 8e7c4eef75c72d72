"""Early detection on a 360 px phone and on the board (issue 12): a SOSU helper records a change
form and a vital-sign set and sees score, colour and action at once; the nurse sees the red
citizen on the board, gives a follow-up task and closes it. Screenshots at 360 and 1280 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import World
from sammen.citizens.tests.factories import citizen_create
from sammen.organisation.tests import factories as f
from sammen.triage.models import CitizenTriage, FollowUpTask, Observation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("test-artifacts")


def _log_in(page: Any, live_server: Any, staff: Any) -> None:
    client = f.logged_in_client(staff)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_vitals_to_board_to_follow_up(world: World, live_server: Any, page: Any) -> None:
    SHOTS.mkdir(exist_ok=True)
    citizen = citizen_create(world.greve, first_name="Else", last_name="Jensen")
    _log_in(page, live_server, world.sosu_helper)
    page.goto(f"{live_server.url}/borgere/{citizen.pk}/")

    # The change form from the citizen page: one tick, "Gem".
    page.get_by_role("link", name="Ændringsskema").first.click()
    page.get_by_text("Drikker mindre end vanligt").click()
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url(f"**/triage/borger/{citizen.pk}/")
    assert "Borgeren er nu gul." in page.locator(".messages").inner_text()

    # Vital signs: a wrong value first (beside the field, nothing saved).
    page.get_by_role("link", name="Målinger").first.click()
    assert page.get_by_label("Puls (pr. min)").get_attribute("inputmode") == "numeric"
    assert page.get_by_label("Temperatur (°C)").get_attribute("inputmode") == "decimal"
    page.get_by_label("Puls (pr. min)").fill("400")
    page.get_by_role("button", name="Gem og beregn score").click()
    error = page.locator(".field--error .field__error").first
    error.wait_for()
    assert "Puls skal ligge mellem 20 og 250/min." in error.inner_text()
    assert Observation.objects.count() == 0
    page.screenshot(path=str(SHOTS / "triage-form-error-360.png"), full_page=True)

    page.get_by_label("Puls (pr. min)").fill("118")
    page.get_by_label("Respirationsfrekvens (pr. min)").fill("22")
    page.get_by_label("Temperatur (°C)").fill("38,4")
    page.get_by_label("Systolisk blodtryk (mmHg)").fill("135")
    page.get_by_label("Diastolisk blodtryk (mmHg)").fill("80")
    page.get_by_label("Iltmætning (SpO2) (%)").fill("95")
    page.get_by_text("Agiteret").click()
    page.get_by_role("button", name="Gem og beregn score").click()
    page.wait_for_url(f"**/triage/borger/{citizen.pk}/?saet=*")
    score = page.locator("#score")
    assert "TOBS 6" in score.inner_text()
    assert "Kontakt sygeplejersken straks" in score.inner_text()
    assert "Borgeren er nu rød." in page.locator(".messages").inner_text()
    assert CitizenTriage.objects.get(citizen=citizen).colour == "red"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SHOTS / "triage-score-360.png"), full_page=True)

    # The nurse: the red citizen on the board, a follow-up task, closed from the board.
    _log_in(page, live_server, world.nurse)
    page.goto(f"{live_server.url}/triage/tavle/")
    row = page.locator("tr", has_text="Else Jensen")
    assert "Rød" in row.inner_text()
    assert "Ingen handling" in row.inner_text()
    page.screenshot(path=str(SHOTS / "triage-board-360.png"), full_page=True)
    row.get_by_role("link", name="Opret").click()
    page.get_by_label("Handling").fill("Ring til egen læge")
    page.get_by_label("Ansvarlig").select_option(label=world.nurse.full_name)
    page.get_by_text("24 timer").click()
    page.get_by_role("button", name="Opret opfølgning").click()
    assert "Opfølgningen er oprettet." in page.locator(".messages").inner_text()
    page.goto(f"{live_server.url}/triage/tavle/")
    page.set_viewport_size({"width": 1280, "height": 800})
    row = page.locator("tr", has_text="Else Jensen")
    assert "Ring til egen læge" in row.inner_text()
    page.screenshot(path=str(SHOTS / "triage-board-1280.png"), full_page=True)
    row.get_by_role("button", name="Luk").click()
    page.wait_for_url("**/triage/tavle/")
    assert "Opfølgningen er lukket." in page.locator(".messages").inner_text()
    assert FollowUpTask.objects.get().done_by == world.nurse
    page.goto(f"{live_server.url}/triage/borger/{citizen.pk}/")
    page.screenshot(path=str(SHOTS / "triage-citizen-1280.png"), full_page=True)
