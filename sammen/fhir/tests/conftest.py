from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from conftest import World
from sammen.citizens.models import Citizen, Relative
from sammen.fhir import services
from sammen.fhir.models import ClientPurpose
from sammen.journal.loader import content_load
from sammen.journal.tests import factories as jf


@dataclass
class Care:
    citizen: Citizen
    other: Citizen  # another team's citizen: no relation for the nurse
    foreign: Citizen  # Solrød
    function: Any  # entry: J item with level, ratings
    health: Any  # entry: I item


@pytest.fixture
def care(world: World) -> Care:
    content_load()
    nurse = world.actor(world.nurse)
    citizen = jf.citizen_create(world.home_care_team, first_name="Testa", last_name="Fhirsen")
    other = jf.citizen_create(world.training_team)
    foreign = jf.citizen_create(world.solrod_team)
    Relative.objects.create(
        municipality=world.greve,
        citizen=citizen,
        name="Datter Fhirsen",
        relation="barn",
        phone="12345678",
    )
    jf.consent_give(world, citizen, "handicap_psykiatri")
    function = jf.funktionsevne(
        nurse,
        citizen,
        jf.PERSONLIG_PLEJE,
        2,
        days_ago=3,
        udfoerelse=jf.UDFOERER_SELV,
        faglig_vurdering="Behov for hjælp om morgenen.",
    )
    health = jf.helbred(nurse, citizen, jf.TRYKSAAR, days_ago=2)
    jf.note(nurse, citizen, jf.PERSONLIG_PLEJE, "Klarer selv overkroppen.", days_ago=1)
    return Care(citizen, other, foreign, function, health)


@dataclass
class Issued:
    client: Any
    client_id: str
    secret: str


def client_make(
    world: World,
    *,
    cpr: bool = False,
    scopes: list[str] | None = None,
    purpose: str = ClientPurpose.REPORTING,
    name: str = "KL Gateway",
) -> Issued:
    issued = services.client_create(
        actor=world.actor(world.administrator),
        name=name,
        unit_id=world.admin_unit.pk,
        purpose=purpose,
        scopes=scopes or ["system/*.rs"],
        may_see_cpr=cpr,
    )
    return Issued(issued.client, issued.client_id, issued.client_secret)
