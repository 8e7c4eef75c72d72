"""The care plan, the worklists and the citizen page's section cost the same number of
queries whatever the number of services (counted, not timed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import World
from sammen.care_plans import selectors
from sammen.care_plans.tests import factories as cf
from sammen.citizens.models import Citizen
from sammen.journal.tests.factories import citizen_create
from sammen.organisation.models import StaffMember

pytestmark = pytest.mark.django_db

BUDGET_PLAN = 16  # incl. savepoints, the log insert (2) and reference-stamp checks
BUDGET_WORKLIST = 9
BUDGET_TEAM = 14  # the leader's unit tree is read twice (policy and the list)


def _count(call: Callable[[], Any]) -> int:
    call()  # warm the per-process reference cache
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def _grant(world: World, assessor: StaffMember, citizen: Citizen, n: int) -> None:
    actor = world.actor(assessor)
    for _ in range(n):
        cf.decision_make(
            actor,
            cf.case_make(actor, citizen),
            world.home_care_team,
            cf.service_input(world.home_care_team, code=cf.RENGOERING),
        )


def test_plan_and_lists_do_not_grow_with_the_number_of_services(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    other = citizen_create(world.home_care_team, first_name="Bo", last_name="Holm")
    _grant(world, assessor, citizen, 1)
    _grant(world, assessor, other, 6)
    visitator, leader = world.actor(assessor), world.actor(world.leader)

    def plan_of(who: Citizen) -> Callable[[], Any]:
        return lambda: selectors.care_plan(actor=visitator, citizen_id=who.pk)

    counts = {who.pk: _count(plan_of(who)) for who in (citizen, other)}
    assert counts[citizen.pk] == counts[other.pk]
    assert counts[citizen.pk] <= BUDGET_PLAN
    few = _count(lambda: selectors.visitation_worklist(actor=visitator))
    few_team = _count(lambda: selectors.team_services(actor=leader))
    _grant(world, assessor, citizen_create(world.home_care_team), 8)
    assert _count(lambda: selectors.visitation_worklist(actor=visitator)) == few <= BUDGET_WORKLIST
    assert _count(lambda: selectors.team_services(actor=leader)) == few_team <= BUDGET_TEAM
