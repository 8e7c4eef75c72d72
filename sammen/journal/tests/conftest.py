from __future__ import annotations

import pytest

from conftest import World
from sammen.citizens.models import Citizen
from sammen.journal.loader import content_load
from sammen.journal.tests.factories import citizen_create
from sammen.terminology.loader import LoadResult


@pytest.fixture
def content(db: None) -> LoadResult:
    """The project's own terminology and templates, loaded like `documentation_load` does."""
    return content_load()


@pytest.fixture
def citizen(world: World, content: LoadResult) -> Citizen:
    """A citizen of Greve for whom the home-care team (nurse, SOSU helper) is responsible."""
    return citizen_create(world.home_care_team, first_name="Else", last_name="Jensen")
