from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from conftest import World
from sammen.citizens.models import Citizen
from sammen.consultations import services
from sammen.consultations.models import Consultation
from sammen.integrations.notifications import Notification, fake_outbox
from sammen.journal.loader import content_load
from sammen.journal.tests.factories import citizen_create
from sammen.terminology.loader import LoadResult


@pytest.fixture
def content(db: None) -> LoadResult:
    return content_load()


@pytest.fixture
def citizen(world: World, content: LoadResult) -> Citizen:
    """A citizen of Greve for whom the home-care team (nurse, SOSU helper) is responsible."""
    return citizen_create(
        world.home_care_team, first_name="Else", last_name="Jensen", phone="+4520000001"
    )


@pytest.fixture
def outbox() -> list[Notification]:
    box = fake_outbox()
    box.clear()
    return box


def book(
    world: World, citizen: Citizen, *, minutes_from_now: int = 5, **extra: object
) -> Consultation:
    return services.consultation_book(
        actor=world.actor(world.nurse),
        citizen_id=citizen.pk,
        starts_at=timezone.now() + dt.timedelta(minutes=minutes_from_now),
        duration_minutes=30,
        purpose="Opfølgning på medicin",
        **extra,  # type: ignore[arg-type]
    )


TOKEN = re.compile(r"/video/deltag/([A-Za-z0-9_-]+)/")
CODE = re.compile(r"kode til skærmbesøget er (\d{6})")


def token_in(message: Notification) -> str:
    found = TOKEN.search(message.body)
    assert found, message.body
    return found.group(1)


def code_in(message: Notification) -> str:
    found = CODE.search(message.body)
    assert found, message.body
    return found.group(1)
