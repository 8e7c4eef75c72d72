from __future__ import annotations

import pytest

from conftest import World
from sammen.citizens.models import Citizen
from sammen.journal.loader import content_load
from sammen.journal.tests.factories import citizen_create
from sammen.organisation.models import OrgUnit, Role, StaffMember
from sammen.organisation.tests import factories as f
from sammen.terminology.loader import LoadResult


@pytest.fixture
def content(db: None) -> LoadResult:
    return content_load()


@pytest.fixture
def visitation_unit(world: World) -> OrgUnit:
    return f.unit_create(world.greve, "Visitationen", parent=world.admin_unit)


@pytest.fixture
def assessor(world: World, visitation_unit: OrgUnit) -> StaffMember:
    return f.staff_create(visitation_unit, Role.ASSESSOR, username="visitator", first_name="Vera")


@pytest.fixture
def second_assessor(world: World, visitation_unit: OrgUnit) -> StaffMember:
    return f.staff_create(visitation_unit, Role.ASSESSOR, username="visitator2")


@pytest.fixture
def citizen(world: World, content: LoadResult) -> Citizen:
    """A citizen of Greve for whom the home-care team is responsible."""
    return citizen_create(world.home_care_team, first_name="Else", last_name="Jensen")
