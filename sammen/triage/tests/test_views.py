"""The pages: bad input beside the field with 422 and nothing saved; a saved set shows its score
and action at once; the board lists the red citizen; foreign ids answer 404."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse

from conftest import World
from sammen.citizens.models import Citizen
from sammen.citizens.tests.factories import citizen_create
from sammen.triage import services
from sammen.triage.models import CitizenTriage, FollowUpTask, Notification, Observation

NOW = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)
AGITERET = "4d5eeb61-a9b4-40cc-af45-4e8e2caa6db0"


@pytest.fixture
def citizen(world: World) -> Citizen:
    return citizen_create(world.greve, first_name="Else", last_name="Jensen")


@pytest.fixture(autouse=True)
def _frozen() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


def _url(name: str, citizen: Citizen) -> str:
    return reverse(f"triage:{name}", kwargs={"citizen_id": citizen.pk})


def test_the_form_has_numeric_keypads(world: World, citizen: Citizen) -> None:
    response = world.client(world.sosu_helper).get(_url("observations_new", citizen))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="pulse"' in html
    assert 'inputmode="numeric"' in html
    assert 'inputmode="decimal"' in html


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("pulse", "400", "Puls skal ligge mellem 20 og 250/min."),
        ("spo2", "104", "Iltmætningen kan ikke være over 100 %."),
        ("weight", "65000", "Angiv vægten i kg, ikke i gram."),
    ],
)
def test_bad_input_is_422_beside_the_field(
    world: World, citizen: Citizen, field: str, raw: str, message: str
) -> None:
    response = world.client(world.sosu_helper).post(
        _url("observations_new", citizen), {field: raw, "respiration": "16"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'value="16"' in html  # what was typed is kept
    assert Observation.objects.count() == 0


def test_future_time_is_422(world: World, citizen: Citizen) -> None:
    response = world.client(world.sosu_helper).post(
        _url("observations_new", citizen), {"pulse": "72", "measured_at": "2026-03-11T08:00"}
    )
    assert response.status_code == 422
    assert "Målingen kan ikke ligge i fremtiden." in response.content.decode()


def test_scale_two_without_decision_is_422(world: World, citizen: Citizen) -> None:
    response = world.client(world.sosu_helper).post(
        _url("observations_new", citizen), {"spo2": "89", "spo2_scale": "2"}
    )
    # Without the decision the form offers no scale 2: the field is not there, so scale 1.
    assert response.status_code == 302
    obs = Observation.objects.get(kind="spo2")
    assert obs.spo2_scale == 1


def test_saving_shows_score_colour_and_action_at_once(world: World, citizen: Citizen) -> None:
    client = world.client(world.sosu_helper)
    response = client.post(
        _url("observations_new", citizen),
        {
            "pulse": "118",
            "respiration": "16",
            "temperature": "37,2",
            "site": "rectal",
            "systolic": "130",
            "consciousness": AGITERET,
        },
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Målingerne er gemt. TOBS 3 · NEWS2 mindst 5 (ufuldstændigt sæt). Borgeren er nu rød."
        in html
    )
    assert "TOBS 3" in html
    assert "Kontakt sygeplejersken straks" in html
    assert "Mangler: iltmætning, ilt eller luft" in html
    assert CitizenTriage.objects.get(citizen=citizen).colour == "red"


def test_board_shows_red_and_a_task_can_be_closed(world: World, citizen: Citizen) -> None:
    services.change_report_record(
        actor=world.actor(world.sosu_helper),
        citizen_id=citizen.pk,
        items=["psykisk-socialt/forvirret"],
    )
    nurse = world.client(world.nurse)
    response = nurse.post(
        _url("follow_up_new", citizen),
        {"title": "Ring til egen læge", "owner": str(world.nurse.pk), "due_hours": "24"},
    )
    assert response.status_code == 302
    board = nurse.get(reverse("triage:board")).content.decode()
    assert "Else Jensen" in board
    assert "Ring til egen læge" in board
    task = FollowUpTask.objects.get()
    response = nurse.post(
        reverse("triage:follow_up_close", kwargs={"task_id": task.pk}),
        {"version": "1", "next": "board"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("triage:board")
    task.refresh_from_db()
    assert task.done_by == world.nurse


def test_the_citizen_page_has_the_triage_section(world: World, citizen: Citizen) -> None:
    html = world.client(world.sosu_helper).get(f"/borgere/{citizen.pk}/").content.decode()
    assert reverse("triage:observations_new", kwargs={"citizen_id": citizen.pk}) in html


def test_foreign_task_is_404(world: World, citizen: Citizen) -> None:
    response = world.client(world.foreign_nurse).post(
        reverse("triage:follow_up_close", kwargs={"task_id": uuid.uuid4()}), {}
    )
    assert response.status_code == 404


def test_red_reaches_the_nurse_in_the_app(world: World, citizen: Citizen) -> None:
    services.change_report_record(
        actor=world.actor(world.sosu_helper),
        citizen_id=citizen.pk,
        items=["fysiske-klager/aandenoed"],
    )
    nurse = world.client(world.nurse)
    board = nurse.get(reverse("triage:board")).content.decode()
    assert "Beskeder til dig" in board
    assert "Else Jensen er rød: Åndenød eller hurtig vejrtrækning" in board
    note = Notification.objects.get(recipient=world.nurse)
    # Only the recipient can mark it: anyone else gets 404 like a missing id.
    other = world.client(world.sosu_helper).post(
        reverse("triage:notification_read", kwargs={"notification_id": note.pk})
    )
    assert other.status_code == 404
    response = nurse.post(reverse("triage:notification_read", kwargs={"notification_id": note.pk}))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at == NOW
    assert "Beskeder til dig" not in nurse.get(reverse("triage:board")).content.decode()
