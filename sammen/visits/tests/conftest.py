from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import TestCase
from django.utils import timezone

from conftest import World
from sammen.care_plans.models import Service
from sammen.care_plans.tests import factories as cp
from sammen.citizens.models import Citizen
from sammen.journal.loader import content_load
from sammen.journal.tests.factories import citizen_create
from sammen.organisation.models import OrgUnit, Role, StaffMember
from sammen.organisation.tests import factories as f
from sammen.terminology.loader import LoadResult

# A Wednesday morning, before the first visits of the day (08:00 ± 30 min).
NOW = dt.datetime(2026, 12, 2, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def content(db: None) -> LoadResult:
    return content_load()


@pytest.fixture
def assessor(world: World) -> StaffMember:
    unit = f.unit_create(world.greve, "Visitationen", parent=world.admin_unit)
    return f.staff_create(unit, Role.ASSESSOR, username="visitator", first_name="Vera")


@pytest.fixture
def citizen(world: World, content: LoadResult, frozen: object) -> Citizen:
    return citizen_create(world.home_care_team, first_name="Else", last_name="Jensen")


def committed() -> Any:
    """Run on_commit callbacks (the plan follows a write after its commit) inside the test's
    transaction, as they run after a real commit."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def grant(
    world: World,
    assessor: StaffMember,
    citizen: Citizen,
    unit: OrgUnit | None = None,
    **extra: object,
) -> Service:
    """A decision with one granted service (personlig hygiejne) for the home-care team."""
    case = cp.case_make(world.actor(assessor), citizen)
    values: dict[str, object] = {"granted_from": timezone.localdate()}
    values.update(extra)
    with committed():
        decision = cp.decision_make(
            world.actor(assessor), case, unit or world.home_care_team, **values
        )
    return Service.objects.get(decision=decision)
