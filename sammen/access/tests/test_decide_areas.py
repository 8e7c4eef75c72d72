"""`policy.decide_areas` answers exactly as `policy.decide(area=…)` per area, in fewer queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import World
from sammen.access import policy
from sammen.access.models import AccessGrant
from sammen.citizens.models import Citizen, Consent, ConsentBasis, ConsentScope
from sammen.citizens.tests.factories import citizen_create
from sammen.organisation.models import Area

AREAS = [a.value for a in Area]


def _grant(world: World, citizen: Citizen) -> None:
    AccessGrant.objects.create(
        municipality=world.greve,
        staff=world.nurse,
        role="sygeplejerske",
        unit=world.home_care_team,
        citizen=citizen,
        reason="akut",
        reason_text="Akut tilkald om natten",
        expires_at=timezone.now() + dt.timedelta(hours=2),
    )


def _consent(world: World, citizen: Citizen, scope: str = ConsentScope.ALL) -> None:
    Consent.objects.create(
        municipality=world.greve,
        citizen=citizen,
        area=world.home_care_team.area,
        scope=scope,
        basis=ConsentBasis.CONSENT,
        given_on=dt.date(2020, 1, 1),
        recorded_by=world.nurse,
    )


@pytest.mark.parametrize(
    ("responsible", "consent", "grant"),
    [
        (True, None, False),
        (True, ConsentScope.ALL, False),
        (True, "helbred", False),
        (True, None, True),
        (False, None, True),
        (False, None, False),
    ],
)
def test_the_same_answer_as_decide_per_area(
    world: World, responsible: bool, consent: str | None, grant: bool
) -> None:
    citizen = citizen_create(
        world.greve, responsible=world.home_care_team if responsible else world.training_team
    )
    if consent:
        _consent(world, citizen, consent)
    if grant:
        _grant(world, citizen)
    nurse = world.actor(world.nurse)
    expected = {a: policy.decide(actor=nurse, citizen=citizen, area=a) for a in AREAS}
    with CaptureQueriesContext(connection) as queries:
        given = policy.decide(actor=nurse, citizen=citizen)
        got = policy.decide_areas(actor=nurse, citizen=citizen, areas=AREAS, given=given)
    assert got == expected
    assert len(queries) <= 3  # the citizen's decision, then one question for other areas
    assert policy.decide_areas(actor=nurse, citizen=citizen, areas=AREAS) == expected


def test_a_foreign_actor_gets_no_area(world: World) -> None:
    citizen = citizen_create(world.greve, responsible=world.home_care_team)
    foreign = world.actor(world.foreign_nurse)
    got = policy.decide_areas(actor=foreign, citizen=citizen, areas=AREAS)
    assert not any(d.allowed for d in got.values())
