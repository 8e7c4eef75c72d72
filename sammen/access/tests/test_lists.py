"""Lists across citizens (access.lists): the policy as a queryset filter, one log statement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import World
from sammen.access.lists import record_many, visible_to
from sammen.access.models import AccessGrant, AccessLogEntry, CitizenAccessRecord, Purpose
from sammen.citizens import selectors
from sammen.citizens.models import Citizen, Consent, Relative
from sammen.citizens.tests.factories import citizen_create


@pytest.fixture
def citizens(world: World) -> dict[str, Citizen]:
    return {
        "mine": citizen_create(world.greve, "Min", "Borger", responsible=world.home_care_team),
        "other_team": citizen_create(
            world.greve, "Anden", "Borger", responsible=world.training_team
        ),
        "foreign": citizen_create(world.solrod, "Fremmed", "Borger", responsible=world.solrod_team),
    }


def test_a_list_shows_only_the_care_relation(world: World, citizens: dict[str, Citizen]) -> None:
    nurse = world.actor(world.nurse)
    shown = set(Citizen.objects.visible_to(nurse).values_list("last_name", flat=True))
    assert shown == {"Borger"}
    assert list(Citizen.objects.visible_to(nurse)) == [citizens["mine"]]
    assert not Citizen.objects.visible_to(world.actor(world.director)).exists()
    assert (
        not Citizen.objects.visible_to(world.actor(world.foreign_nurse))
        .filter(municipality=world.greve)
        .exists()
    )


def test_rows_owned_by_a_citizen_follow_their_citizen(
    world: World, citizens: dict[str, Citizen]
) -> None:
    for citizen in citizens.values():
        Relative.objects.create(
            municipality=citizen.municipality, citizen=citizen, name="Pårørende", relation="barn"
        )
    rows = Relative.objects.visible_to(world.actor(world.nurse))
    assert [r.citizen_id for r in rows] == [citizens["mine"].pk]


def test_break_the_glass_opens_one_page_never_a_list(
    world: World, citizens: dict[str, Citizen]
) -> None:
    AccessGrant.objects.create(
        municipality=world.greve,
        staff=world.nurse,
        role="sygeplejerske",
        unit=world.home_care_team,
        citizen=citizens["other_team"],
        reason="akut",
        reason_text="Akut tilkald om natten",
        expires_at=timezone.now() + dt.timedelta(hours=2),
    )
    nurse = world.actor(world.nurse)
    assert list(Citizen.objects.visible_to(nurse)) == [citizens["mine"]]
    with pytest.raises(ValueError, match="purpose"):
        visible_to(Citizen.objects.all(), nurse, purpose=Purpose.BREAK_THE_GLASS)


def test_consent_opens_another_area_on_lists(world: World, citizens: dict[str, Citizen]) -> None:
    """A model with an area (journal entries) shows another area's rows only with consent;
    the consent filter itself is checked here on the citizen list."""
    from sammen.access import policy

    nurse = world.actor(world.nurse)
    other = citizens["other_team"]
    consenting = Citizen.objects.filter(policy.consent_q(nurse))
    assert not consenting.exists()
    Consent.objects.create(
        municipality=world.greve,
        citizen=other,
        area=nurse.unit.area,
        basis="samtykke",
        scope="alle",
        given_on=dt.date(2025, 1, 1),
        recorded_by=world.nurse,
    )
    assert list(consenting) == [other]


def test_record_many_is_one_insert_per_table(
    world: World, django_assert_max_num_queries: object
) -> None:
    for n in range(50):
        citizen_create(world.greve, "Liste", f"Borger{n:02d}", responsible=world.home_care_team)
    nurse = world.actor(world.nurse)
    shown = list(Citizen.objects.visible_to(nurse))
    assert len(shown) == 50
    with CaptureQueriesContext(connection) as queries:
        rows = record_many(actor=nurse, rows=shown, object_type="citizen_list")
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 2  # access log, citizen copies: one statement each
    assert len(rows) == 50
    assert CitizenAccessRecord.objects.filter(citizen_id__in=[c.pk for c in shown]).count() == 50


def test_record_many_of_nothing_logs_nothing(world: World) -> None:
    assert record_many(actor=world.actor(world.nurse), rows=[], object_type="x") == []
    assert not AccessLogEntry.objects.exists()


def test_my_citizens_list_logs_every_citizen_shown(
    world: World, citizens: dict[str, Citizen]
) -> None:
    result = selectors.citizen_list_mine(actor=world.actor(world.nurse))
    assert result.citizens == [citizens["mine"]]
    logged = set(
        AccessLogEntry.objects.filter(object_type="citizen_list").values_list(
            "citizen_id", flat=True
        )
    )
    assert logged == {citizens["mine"].pk}
