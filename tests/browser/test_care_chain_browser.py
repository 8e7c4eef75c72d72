"""Issue 10: a visitator walks request → assessment → decision (the letter PDF opens) →
plan → follow-up at 360 px, in a real browser with htmx. Each page is screenshotted at 360 and
1280 px (SHOTS, for looking at them) and has exactly one site banner."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import World
from sammen.care_plans.tests import factories as cf
from sammen.journal.loader import content_load
from sammen.journal.tests.factories import citizen_create
from sammen.organisation.models import Role
from sammen.organisation.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SAMMEN_SHOTS", "test-artifacts/care-chain"))


def _field(page: Any, label: str) -> Any:
    labelled = page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))
    return labelled.and_(page.locator("input, select, textarea"))


def _shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert page.locator("header.site-header").count() == 1, f"{name}: a page in the page"
    page.screenshot(path=str(SHOTS / f"{name}-360.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})


def test_visitator_walks_the_care_chain_at_360_px(
    world: World, live_server: Any, browser: Any
) -> None:
    content_load()
    unit = f.unit_create(world.greve, "Visitationen", parent=world.admin_unit)
    visitator = f.staff_create(unit, Role.ASSESSOR, username="vis", first_name="Vera")
    citizen = citizen_create(world.home_care_team, first_name="Else", last_name="Jensen")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="da-DK")
    client = f.logged_in_client(visitator)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/borgere/{citizen.pk}/")
        _shoot(page, "01-citizen-page")
        page.get_by_role("link", name="Ny henvendelse").first.click()
        _field(page, "Henvendelse fra").select_option(label="A2 Pårørende")
        _field(page, "Hvad handler henvendelsen om?").fill("Kan ikke længere komme i bad")
        _field(page, "Bilag: titel").fill("Udskrivningsbrev")
        _field(page, "Bilag: tekst").fill("Indlagt med hoftefraktur, udskrives fredag.")
        _shoot(page, "02-request-form")
        page.get_by_role("button", name="Registrer henvendelsen").click()
        page.wait_for_url(re.compile(r"/udredning/$"))
        _field(page, "Borgerens egen vurdering").fill("Jeg vil gerne klare mig selv igen.")
        _field(page, "Udførelse (borgerens vurdering)").select_option(label="C2 Udfører dele af")
        _field(page, "Helhedsvurdering").fill("Behov for hjælp til bad i en periode.")
        _shoot(page, "03-assessment")
        page.get_by_role("button", name="Gem udredningen og gå til afgørelse").click()
        page.wait_for_url(re.compile(r"/afgoerelse/$"))
        _field(page, "Indsats").select_option(value=cf.PERSONLIG_HYGIEJNE)
        _field(page, "Lovgrundlag").select_option(value="aeldre-helhedspleje")
        _field(page, "Antal gange").fill("0")
        _field(page, "Kommunal leverandør").select_option(value=str(world.home_care_team.pk))
        _field(page, "Målet").fill("Klare badet selv igen")
        _field(page, "Begrundelse for afgørelsen").fill("Kan ikke selv klare personlig hygiejne.")
        page.get_by_role("button", name="Træf afgørelse").click()
        page.get_by_text("Hyppigheden skal være mindst 1 gang.").wait_for()
        assert page.locator("header.site-header").count() == 1
        _shoot(page, "04-decision-form-error")
        _field(page, "Antal gange").fill("2")
        page.get_by_role("button", name="Træf afgørelse").click()
        page.wait_for_url(re.compile(r"/afgoerelse/[0-9a-f-]+/$"))
        _shoot(page, "05-decision")
        letter = page.get_by_role("link", name="Åbn brevet (PDF)").get_attribute("href")
        response = page.request.get(live_server.url + str(letter))
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
        page.get_by_role("link", name="Se planen").click()
        page.get_by_text("Klare badet selv igen").first.wait_for()
        _shoot(page, "06-plan")
        page.get_by_role("link", name="Følg op").first.click()
        _field(page, "Resultat af opfølgningen").select_option(label="E3 Afsluttes")
        _field(page, "Notat").fill("Klarer badet selv.")
        _shoot(page, "07-follow-up")
        page.get_by_role("button", name="Registrer opfølgning").click()
        page.get_by_text("Opfølgningen er registreret.").wait_for()
        _shoot(page, "08-plan-after-follow-up")
        page.goto(f"{live_server.url}/visitation/")
        _shoot(page, "09-worklist")
        leader = browser.new_context(viewport={"width": 360, "height": 740}, locale="da-DK")
        lc = f.logged_in_client(world.leader)
        leader.add_cookies(
            [{"name": "sessionid", "value": lc.cookies["sessionid"].value, "url": live_server.url}]
        )
        lp = leader.new_page()
        lp.goto(f"{live_server.url}/visitation/team/")
        _shoot(lp, "10-team-list")
        leader.close()
    finally:
        context.close()
