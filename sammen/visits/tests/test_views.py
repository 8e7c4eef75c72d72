from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import World
from sammen.access.models import AccessLogEntry
from sammen.citizens.models import Citizen
from sammen.journal.tests.factories import PERSONLIG_PLEJE, citizen_create, note
from sammen.organisation.models import StaffMember
from sammen.visits.models import Delivery, Visit, VisitStatus
from sammen.visits.tests.conftest import grant
from sammen.visits.tests.factories import assign_all
from tests.test_query_budgets import _assert_budget, _counted

pytestmark = pytest.mark.django_db

BUDGET_DAY_LIST = 30


def _morning(citizen: Citizen) -> Visit:
    return Visit.objects.filter(citizen=citizen, day=timezone.localdate()).earliest("window_start")


def _route(world: World, assessor: StaffMember, staff: StaffMember, n: int) -> list[Visit]:
    visits = []
    for i in range(n):
        c = citizen_create(world.home_care_team, first_name=f"Borger{i}", last_name="Hansen")
        grant(world, assessor, c, per="day", times=1, weekdays=())
        note(world.actor(world.nurse), c, PERSONLIG_PLEJE, f"Notat om borger {i}", days_ago=1)
        visits.append(_morning(c))
    assign_all(world.actor(world.leader), staff, visits)
    return visits


def test_day_list_shows_the_route_with_what_to_do_and_since_last_visit(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    note(world.actor(world.nurse), citizen, PERSONLIG_PLEJE, "Huden er rød på hælen", days_ago=1)
    visit = _morning(citizen)
    assign_all(world.actor(world.leader), world.sosu_helper, [visit])
    page = world.client(world.sosu_helper).get(reverse("visits:day"))
    assert page.status_code == 200
    text = page.text
    assert "Else Jensen" in text
    assert "07:30–08:30" in text
    assert "google.com/maps/search" in text
    assert "Jeg vil gerne i bad om morgenen." in text
    assert "Den seneste uge" in text  # first visit: what happened the last week
    assert "Leveret" in text
    assert AccessLogEntry.objects.filter(
        staff_id=world.sosu_helper.pk, citizen_id=citizen.pk, object_type="visit"
    ).exists()


def test_the_start_page_of_a_care_role_is_the_day_list(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    assign_all(world.actor(world.leader), world.sosu_helper, [_morning(citizen)])
    home = world.client(world.sosu_helper).get("/").text
    assert "Din køreliste" in home
    assert "Else Jensen" in home
    leader = world.client(world.leader).get("/").text
    assert "Teamets dag" in leader
    assert "Fordel besøg" in leader


def test_one_tap_delivery_and_a_double_tap_is_stored_once(
    world: World, assessor: StaffMember, citizen: Citizen, frozen: Any
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    visit = _morning(citizen)
    assign_all(world.actor(world.leader), world.sosu_helper, [visit])
    frozen.move_to(timezone.now() + dt.timedelta(hours=1, minutes=30))
    client = world.client(world.sosu_helper)
    url = reverse("visits:deliver", kwargs={"visit_id": visit.pk})
    body = {"client_id": str(uuid.uuid4()), "outcome": "delivered"}
    assert client.post(url, body).status_code == 302
    assert client.post(url, body).status_code == 302  # the same tap again: duplicate
    assert Delivery.objects.filter(visit=visit).count() == 1
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DELIVERED


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"outcome": "delivered", "note": "x" * 100_000}, "Notatet er for langt"),
        ({"outcome": "not_delivered"}, "Vælg hvorfor"),
        ({"outcome": "hmm"}, "gyldig valgmulighed"),
    ],
)
def test_bad_delivery_input_answers_422_in_danish(
    world: World,
    assessor: StaffMember,
    citizen: Citizen,
    frozen: Any,
    body: dict[str, str],
    message: str,
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    visit = _morning(citizen)
    assign_all(world.actor(world.leader), world.sosu_helper, [visit])
    frozen.move_to(timezone.now() + dt.timedelta(hours=1, minutes=30))
    response = world.client(world.sosu_helper).post(
        reverse("visits:deliver", kwargs={"visit_id": visit.pk}),
        {"client_id": str(uuid.uuid4()), **body},
    )
    assert response.status_code == 422
    assert message in response.text
    assert not Delivery.objects.exists()


def test_another_municipalitys_visit_is_404(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    visit = _morning(citizen)
    response = world.client(world.foreign_nurse).post(
        reverse("visits:deliver", kwargs={"visit_id": visit.pk}),
        {"client_id": str(uuid.uuid4()), "outcome": "delivered"},
    )
    assert response.status_code == 404


def test_sync_answers_per_item(
    world: World, assessor: StaffMember, citizen: Citizen, frozen: Any
) -> None:
    grant(world, assessor, citizen, per="day", times=2, weekdays=())
    morning, evening = Visit.objects.filter(citizen=citizen, day=timezone.localdate()).order_by(
        "window_start"
    )
    assign_all(world.actor(world.leader), world.sosu_helper, [morning, evening])
    frozen.move_to(timezone.now() + dt.timedelta(hours=1, minutes=30))
    now = timezone.now().isoformat()
    ok = {"client_id": str(uuid.uuid4()), "visit_id": str(morning.pk), "started_at": now}
    future = {
        "client_id": str(uuid.uuid4()),
        "visit_id": str(evening.pk),
        "started_at": (timezone.now() + dt.timedelta(hours=3)).isoformat(),
    }
    bad_time = {"client_id": str(uuid.uuid4()), "visit_id": str(evening.pk), "started_at": "i går"}
    client = world.client(world.sosu_helper)
    url = reverse("visits:sync")
    first = client.post(url, json.dumps({"items": [ok, future, bad_time]}), "application/json")
    assert [r["result"] for r in first.json()["results"]] == ["accepted", "refused", "refused"]
    assert "fremtiden" in first.json()["results"][1]["reason"]
    replay = client.post(url, json.dumps({"items": [ok]}), "application/json")
    assert replay.json()["results"][0]["result"] == "duplicate"
    forged = world.client(world.nurse).post(url, json.dumps({"items": [ok]}), "application/json")
    assert forged.json()["results"][0]["result"] == "refused"
    broken = client.post(url, "{nej", "application/json")
    assert broken.status_code == 422
    assert broken["Content-Type"] == "application/problem+json"
    assert Delivery.objects.count() == 1


def test_a_visit_today_opens_the_citizen_only_within_the_window(
    world: World, assessor: StaffMember, citizen: Citizen, frozen: Any
) -> None:
    """Point 4: the therapist (another team) reaches the citizen through today's visit."""
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    visit = _morning(citizen)
    page = reverse("citizens:overview", kwargs={"citizen_id": citizen.pk})
    assert world.client(world.therapist).get(page).status_code == 403
    assign_all(world.actor(world.leader), world.therapist, [visit])
    assert world.client(world.therapist).get(page).status_code == 200
    frozen.move_to(visit.window_end + dt.timedelta(hours=4, minutes=1))
    assert world.client(world.therapist).get(page).status_code == 403
    tomorrow = Visit.objects.get(citizen=citizen, day=timezone.localdate() + dt.timedelta(days=1))
    assign_all(world.actor(world.leader), world.therapist, [tomorrow])
    assert world.client(world.therapist).get(page).status_code == 403  # not today


def test_team_planner_assigns_visits(world: World, assessor: StaffMember, citizen: Citizen) -> None:
    grant(world, assessor, citizen, per="day", times=1, weekdays=())
    visit = _morning(citizen)
    client = world.client(world.leader)
    page = client.get(reverse("visits:team") + f"?team={world.home_care_team.pk}")
    assert page.status_code == 200
    assert "Else Jensen" in page.text
    response = client.post(
        reverse("visits:assign"),
        {
            "team": str(world.home_care_team.pk),
            "dag": timezone.localdate().isoformat(),
            f"staff-{visit.pk}": str(world.sosu_helper.pk),
            f"was-{visit.pk}": "",
            f"version-{visit.pk}": str(visit.version),
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.assigned_to_id == world.sosu_helper.pk
    stale = client.post(
        reverse("visits:assign"),
        {
            "team": str(world.home_care_team.pk),
            f"staff-{visit.pk}": str(world.nurse.pk),
            f"was-{visit.pk}": "",
            f"version-{visit.pk}": "1",
        },
    )
    assert stale.status_code == 422
    assert "En anden har ændret besøget" in stale.text
    assert world.client(world.sosu_helper).get(reverse("visits:team")).status_code == 403


def test_day_list_query_budget_does_not_grow_with_the_visits(
    world: World, assessor: StaffMember, content: Any, frozen: Any, settings: Any
) -> None:
    _route(world, assessor, world.sosu_helper, 2)
    _route(world, assessor, world.nurse, 8)
    counts = {
        f"{who.first_name} ({n} visits)": _counted(
            settings, world.client(who), "get", reverse("visits:day"), None, 200
        )
        for who, n in ((world.sosu_helper, 2), (world.nurse, 8))
    }
    _assert_budget("day list", counts, BUDGET_DAY_LIST)
