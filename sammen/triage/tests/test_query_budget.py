"""The board (tavlemøde) costs a fixed number of queries whatever the number of citizens on it
and the length of their history: session, user, OTP device, actor; the triage states with
citizen and assessment (the list's `visible_to` filter); the actor's unread messages; one
access-log INSERT for everyone shown on the board and in the messages (record_many: multi-row
INSERT + citizen copy + MinLog queue, in a savepoint); TOBS trend; weights; open tasks with
owners. Counted, not timed (tests/test_query_budgets.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.urls import reverse

from conftest import World
from sammen.citizens.tests.factories import citizen_create
from sammen.triage import services
from tests.test_query_budgets import _assert_budget, _counted

BUDGET_BOARD = 15
NOW = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)
VITALS = {"pulse": "95", "respiration": "16", "temperature": "37,0", "systolic": "130"}


def _team(world: World, n: int, rounds: int) -> None:
    helper = world.actor(world.sosu_helper)
    nurse = world.actor(world.nurse)
    for i in range(n):
        citizen = citizen_create(world.greve, first_name=f"B{n}-{i}", last_name="Borger")
        for r in range(rounds):
            with time_machine.travel(NOW - dt.timedelta(days=rounds - r), tick=False):
                services.observations_record(
                    actor=helper,
                    citizen_id=citizen.pk,
                    values={
                        **VITALS,
                        "consciousness": "fc025609-8d3c-4d36-aa44-19fe839d548f",
                        "weight": f"{70 - r}",
                    },
                )
        services.change_report_record(
            actor=helper, citizen_id=citizen.pk, items=["psykisk-socialt/forvirret"]
        )
        services.follow_up_create(
            actor=nurse, citizen_id=citizen.pk, title="Tilse", owner_id=world.nurse.pk, due_hours=24
        )


def test_board_budget(world: World, settings: Any) -> None:
    client = world.client(world.nurse)
    counts = {}
    with time_machine.travel(NOW, tick=False):
        _team(world, 2, 1)
        counts["2 citizens, short history"] = _counted(
            settings, client, "get", reverse("triage:board"), None, 200
        )
        _team(world, 8, 6)
        counts["10 citizens, longer history"] = _counted(
            settings, client, "get", reverse("triage:board"), None, 200
        )
    _assert_budget("board", counts, BUDGET_BOARD)
