"""Query budgets of the insight views: constant in the number of citizens (counted, not timed).

Each view is requested on a municipality with few citizens and on one with three times as
many (and more grants); the number of queries must be the same and within the budget.
Counts (SQLite and PostgreSQL alike): session, user, OTP device, actor (one query); then per
figure one aggregate statement (all rows, categories and totals, UNION ALL) and one or two
for its data quality; the leader's view adds the unit tree (one query).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import World
from sammen.journal.tests.factories import citizen_create

BUDGET_DIRECTOR = 13
BUDGET_COUNCIL = 13
BUDGET_TEAM = 14
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


def _count(settings: Any, client: Client, url: str) -> int:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "served_data" not in m]
    plain = Client()
    plain.cookies = client.cookies
    with CaptureQueriesContext(connection) as ctx:
        response = plain.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("who", "url", "budget"),
    [
        ("director", "/indsigt/kommune/", BUDGET_DIRECTOR),
        ("politician", "/indsigt/politik/", BUDGET_COUNCIL),
        ("politician", "/indsigt/politik/aeldre_sundhed/", BUDGET_COUNCIL),
        ("leader", "/indsigt/team/", BUDGET_TEAM),
    ],
)
def test_insight_view_budget(world: World, settings: Any, who: str, url: str, budget: int) -> None:
    client = world.client(getattr(world, who))
    counts = []
    with time_machine.travel(NOW, tick=False):
        for n in (5, 15):
            for i in range(n):
                citizen_create(world.home_care_team, last_name=f"B{n}-{i}")
            counts.append(_count(settings, client, url))
    assert counts[0] == counts[1], f"{url} grows with the citizens: {counts}"
    assert counts[0] <= budget, f"{url} over budget {budget}: {counts}"
