"""A CPR number whose birth date is still to come (valid by the century rule: 7th digit 4-9
gives 2000-2036/2057) cannot be registered as a living citizen: create and edit, in the
service, the HTML form (422) and the API (422 problem+json)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
import time_machine

from conftest import World
from sammen.citizens import services
from sammen.citizens.models import Citizen
from sammen.citizens.tests.factories import citizen_create
from sammen.citizens.tests.test_services import data
from sammen.core.cpr import Cpr
from sammen.core.errors import ValidationFailed

TODAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
TOMORROW_CPR = "031226-4001"  # 3 December 2026 (7th digit 4, year 26 -> 2026)
TODAY_CPR = "021226-4001"
IN_2030_CPR = "050130-5003"  # 5 January 2030 (7th digit 5, year 30 -> 2030)
MESSAGE = "fødselsdato ligger i fremtiden"


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


def test_the_numbers_are_valid_by_the_century_rule() -> None:
    assert Cpr.parse(TOMORROW_CPR).birth_date == dt.date(2026, 12, 3)
    assert Cpr.parse(IN_2030_CPR).birth_date == dt.date(2030, 1, 5)


@pytest.mark.parametrize("cpr", [TOMORROW_CPR, IN_2030_CPR])
def test_create_refuses_a_birth_date_after_today(world: World, cpr: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.citizen_create(actor=world.actor(world.nurse), data=data(cpr=cpr))
    assert MESSAGE in error.value.field_errors["cpr"][0]
    assert cpr[:6] not in error.value.field_errors["cpr"][0]
    assert Citizen.objects.count() == 0


def test_born_today_is_registered(world: World) -> None:
    citizen = services.citizen_create(actor=world.actor(world.nurse), data=data(cpr=TODAY_CPR))
    assert citizen.birth_date == dt.date(2026, 12, 2)


def test_edit_refuses_a_birth_date_after_today(world: World) -> None:
    citizen = citizen_create(world.greve)
    before = citizen.cpr
    with pytest.raises(ValidationFailed) as error:
        services.citizen_update(
            actor=world.actor(world.nurse), citizen=citizen, data=data(cpr=TOMORROW_CPR)
        )
    assert MESSAGE in error.value.field_errors["cpr"][0]
    citizen.refresh_from_db()
    assert citizen.cpr == before


def test_the_forms_answer_422_with_the_message_at_the_field(world: World) -> None:
    client = world.client(world.nurse)
    form = {"cpr": TOMORROW_CPR, "first_name": "Ellen", "last_name": "Holm", "postcode": "2670"}
    response = client.post("/borgere/ny/", form)
    assert response.status_code == 422
    assert MESSAGE in response.text
    assert 'value="Ellen"' in response.text
    assert Citizen.objects.count() == 0
    citizen = citizen_create(world.greve)
    response = client.post(f"/borgere/{citizen.pk}/rediger/", form)
    assert response.status_code == 422
    assert MESSAGE in response.text


def test_the_api_answers_422_problem_json(world: World) -> None:
    response = world.client(world.nurse).post(
        "/api/v1/citizens/",
        json.dumps({"cpr": IN_2030_CPR, "first_name": "Ellen", "last_name": "Holm"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert MESSAGE in response.json()["errors"]["cpr"][0]
    assert Citizen.objects.count() == 0
