"""The home-care day on a 360 px phone (issue 11): one tap online, three deliveries offline that
are stored exactly once when the network is back, a lost response retried without a duplicate,
and two devices delivering the same visit (the second one sees the conflict)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import World
from sammen.citizens.models import Citizen
from sammen.journal.loader import content_load
from sammen.journal.tests.factories import citizen_create
from sammen.organisation.models import StaffMember
from sammen.organisation.tests import factories as f
from sammen.visits.models import Delivery, PracticalInfo, Visit, VisitService

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SAMMEN_SHOTS_DIR", tempfile.gettempdir())) / "shots-visits"


def _log_in(context: Any, live_server: Any, staff: StaffMember) -> None:
    client = f.logged_in_client(staff)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _visit(world: World, citizen: Citizen, hour_offset: float, *staff: StaffMember) -> Visit:
    now = timezone.now()
    start = now + dt.timedelta(hours=hour_offset)
    visit = Visit.objects.create(
        municipality=world.greve,
        citizen=citizen,
        unit=world.home_care_team,
        day=timezone.localdate(now),
        window_start=start - dt.timedelta(minutes=1),
        window_end=start + dt.timedelta(minutes=30),
        minutes=25,
        assigned_to=staff[0],
        second_assigned_to=staff[1] if len(staff) > 1 else None,
        double_staffing=len(staff) > 1,
        sequence=int(hour_offset * 10) + 10,
    )
    VisitService.objects.create(
        municipality=world.greve,
        visit=visit,
        citizen=citizen,
        day=visit.day,
        title="Personlig hygiejne",
        minutes=25,
        instructions="Bad om morgenen, cremér benene.",
    )
    return visit


def _route(world: World, n: int) -> list[Visit]:
    content_load()
    visits = []
    for i in range(n):
        c = citizen_create(
            world.home_care_team,
            first_name=f"Borger{i}",
            last_name="Hansen",
            street="Tværvej",
            house_number=str(i + 1),
            postcode="2670",
            city="Greve",
        )
        PracticalInfo.objects.create(
            municipality=world.greve, citizen=c, text="Nøgleboks ved døren"
        )
        visits.append(_visit(world, c, 0.1 * i, world.sosu_helper))
    return visits


def _card(page: Any, visit: Visit) -> Any:
    return page.locator(f"#besoeg-{visit.pk}")


def _pending(page: Any) -> str:
    return str(page.locator("#offline-status").get_attribute("data-pending") or "0")


def test_deliver_online_then_three_offline_and_they_are_stored_once(
    world: World, live_server: Any, page: Any
) -> None:
    visits = _route(world, 4)
    _log_in(page.context, live_server, world.sosu_helper)
    page.goto(f"{live_server.url}/besoeg/i-dag/")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "day-360.png"), full_page=True)
    # One tap online.
    _card(page, visits[0]).get_by_role("button", name="Leveret").click()
    expect(_card(page, visits[0])).to_have_attribute("data-status", "delivered")
    assert Delivery.objects.count() == 1
    # Offline: three deliveries with a note, queued on the phone.
    page.context.set_offline(True)
    for v in visits[1:]:
        card = _card(page, v)
        card.get_by_text("Med notat eller ikke leveret").click()
        card.get_by_label("Notat").fill(f"Offline notat {v.pk}")
        card.get_by_role("button", name="Gem").click()
        expect(card.locator(".visit__sync")).to_be_visible()
    expect(page.locator("#offline-status")).to_have_attribute("data-pending", "3")
    status = page.locator("#offline-status")
    assert "offline" in status.inner_text()
    assert "3 registreringer venter" in status.inner_text()
    page.screenshot(path=str(SHOTS / "day-offline-360.png"), full_page=True)
    assert Delivery.objects.count() == 1
    # Back online: the queue is sent, each stored exactly once.
    page.context.set_offline(False)
    expect(page.locator("#offline-status")).to_have_attribute("data-pending", "0")
    assert Delivery.objects.count() == 4
    for v in visits[1:]:
        d = Delivery.objects.get(visit=v)
        assert d.note == f"Offline notat {v.pk}"
        assert d.offline is True
    page.reload()
    assert page.locator("[data-status=delivered]").count() == 4


def test_a_lost_response_is_retried_without_a_duplicate(
    world: World, live_server: Any, page: Any
) -> None:
    (visit,) = _route(world, 1)
    _log_in(page.context, live_server, world.sosu_helper)
    page.goto(f"{live_server.url}/besoeg/i-dag/")
    lost: list[int] = []

    def commit_then_drop(route: Any) -> None:
        if not lost:
            route.fetch()  # the server stores the delivery ...
            lost.append(1)
            route.abort("connectionreset")  # ... and the answer never arrives
        else:
            route.continue_()

    page.route("**/besoeg/synk/", commit_then_drop)
    _card(page, visit).get_by_role("button", name="Leveret").click()
    expect(page.locator("#offline-status")).to_have_attribute("data-pending", "1")
    assert Delivery.objects.count() == 1  # committed, but the phone does not know
    page.evaluate("window.sammenVisits.flush()")  # the retry (same client id)
    expect(page.locator("#offline-status")).to_have_attribute("data-pending", "0")
    assert Delivery.objects.count() == 1
    assert _card(page, visit).get_attribute("data-status") == "delivered"


def test_two_devices_deliver_the_same_visit_and_the_second_sees_the_conflict(
    world: World, live_server: Any, browser: Any, page: Any
) -> None:
    content_load()
    citizen = citizen_create(world.home_care_team, first_name="Else", last_name="Jensen")
    visit = _visit(world, citizen, 0.2, world.sosu_helper, world.nurse)
    _log_in(page.context, live_server, world.sosu_helper)
    other = browser.new_context(viewport={"width": 360, "height": 740}, locale="da-DK")
    try:
        _log_in(other, live_server, world.nurse)
        second = other.new_page()
        page.goto(f"{live_server.url}/besoeg/i-dag/")
        second.goto(f"{live_server.url}/besoeg/i-dag/")
        _card(page, visit).get_by_role("button", name="Leveret").click()
        expect(_card(page, visit)).to_have_attribute("data-status", "delivered")
        _card(second, visit).get_by_role("button", name="Leveret").click()
        second.wait_for_selector(f"#besoeg-{visit.pk} .visit__sync.field__error")
        text = _card(second, visit).locator(".visit__sync").inner_text()
        assert "har allerede registreret besøget" in text
        second.screenshot(path=str(SHOTS / "conflict-360.png"), full_page=True)
    finally:
        other.close()
    assert Delivery.objects.filter(visit=visit).count() == 1
    assert Delivery.objects.get(visit=visit).staff_id == world.sosu_helper.pk


def test_every_visits_page_at_360_and_1280(world: World, live_server: Any, browser: Any) -> None:
    """Screenshots of each page for a person to look at (/tmp/shots-visits); every page
    answers 200 in Danish without a horizontal scrollbar at 360 px."""
    visits = _route(world, 3)
    SHOTS.mkdir(exist_ok=True)
    pages = [
        (world.sosu_helper, "home-helper", "/"),
        (world.sosu_helper, "day", "/besoeg/i-dag/"),
        (world.leader, "home-leader", "/"),
        (world.leader, "team", f"/besoeg/team/?team={world.home_care_team.pk}"),
        (world.leader, "one-off", "/besoeg/nyt/"),
        (world.leader, "absence", f"/besoeg/borger/{visits[0].citizen_id}/fravaer/"),
    ]
    for width in (360, 1280):
        for staff, name, url in pages:
            context = browser.new_context(viewport={"width": width, "height": 800}, locale="da-DK")
            try:
                _log_in(context, live_server, staff)
                page = context.new_page()
                response = page.goto(f"{live_server.url}{url}")
                assert response is not None
                assert response.status == 200, (name, response.status)
                page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
                if width == 360:
                    overflow = page.evaluate(
                        "() => document.documentElement.scrollWidth > window.innerWidth"
                    )
                    assert not overflow, f"{name} scrolls sideways at 360 px"
            finally:
                context.close()
