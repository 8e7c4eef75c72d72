"""Need-to-know (SECURITY.md T01, T02, T04): relation, roles, areas, deny by default."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from conftest import World
from sammen.access import policy
from sammen.access.models import AccessLogEntry
from sammen.citizens import selectors
from sammen.citizens.models import Consent, Responsibility
from sammen.citizens.tests.factories import citizen_create
from sammen.core.errors import Forbidden, NotFound
from sammen.core.tests.helpers import stable_body
from sammen.organisation.models import Area, Role, UnitKind
from sammen.organisation.tests import factories as f


def test_responsible_team_reads_other_team_does_not(world: World) -> None:
    citizen = citizen_create(world.greve, responsible=world.home_care_team)
    assert policy.decide(actor=world.actor(world.nurse), citizen=citizen).allowed
    assert policy.decide(actor=world.actor(world.sosu_helper), citizen=citizen).allowed
    assert not policy.decide(actor=world.actor(world.therapist), citizen=citizen).allowed


def test_leader_sees_citizens_of_teams_below(world: World) -> None:
    citizen = citizen_create(world.greve, responsible=world.home_care_team)
    elsewhere = citizen_create(world.greve, responsible=world.training_team)
    leader = world.actor(world.leader)  # leader of the district above Team Nord A
    assert policy.decide(actor=leader, citizen=citizen).allowed
    assert not policy.decide(actor=leader, citizen=elsewhere).allowed


@pytest.mark.parametrize("who", ["director", "politician", "administrator"])
def test_aggregate_roles_never_see_a_named_citizen(world: World, who: str) -> None:
    citizen = citizen_create(world.greve, responsible=world.admin_unit)
    with pytest.raises(Forbidden):
        policy.citizen_require(actor=world.actor(getattr(world, who)), citizen=citizen)


def test_assessor_sees_own_area_and_unassigned(world: World) -> None:
    visitation = f.unit_create(world.greve, "Visitationen", parent=world.admin_unit)
    assessor = f.actor_for(f.staff_create(visitation, Role.ASSESSOR))
    assigned = citizen_create(world.greve, responsible=world.home_care_team)
    unassigned = citizen_create(world.greve, responsible=None)
    social = f.unit_create(
        world.greve, "Bostøtte", kind=UnitKind.TEAM, area=Area.DISABILITY_PSYCHIATRY
    )
    other_area = citizen_create(world.greve, responsible=social)
    assert policy.decide(actor=assessor, citizen=assigned).allowed
    assert policy.decide(actor=assessor, citizen=unassigned).allowed
    assert not policy.decide(actor=assessor, citizen=other_area).allowed


def test_care_relation_provider_plugs_in(world: World) -> None:
    """Visits and tasks (later modules) add relations through the provider hook."""
    citizen = citizen_create(world.greve, responsible=None)
    therapist = world.actor(world.therapist)
    assert not policy.decide(actor=therapist, citizen=citizen).allowed

    def visits(actor: object) -> object:
        from sammen.citizens.models import Citizen

        return Citizen.objects.filter(pk=citizen.pk).values("pk")

    policy.care_relation_register(visits)  # type: ignore[arg-type]
    try:
        assert policy.decide(actor=therapist, citizen=citizen).allowed
    finally:
        policy._PROVIDERS.remove(visits)  # type: ignore[arg-type]


def test_other_area_needs_consent_or_legal_basis(world: World) -> None:
    social_team = f.unit_create(
        world.greve, "Bostøtte Øst", kind=UnitKind.TEAM, area=Area.DISABILITY_PSYCHIATRY
    )
    worker = f.actor_for(f.staff_create(social_team, Role.SOSU_ASSISTANT))
    citizen = citizen_create(world.greve, responsible=world.home_care_team)
    Responsibility.objects.create(
        municipality=world.greve,
        citizen=citizen,
        area=social_team.area,
        unit=social_team,
        since=dt.date(2025, 1, 1),
    )
    health = Area.ELDERLY_HEALTH
    assert policy.decide(actor=worker, citizen=citizen).allowed  # the shared header
    assert not policy.decide(actor=worker, citizen=citizen, area=health).allowed
    consent = Consent.objects.create(
        municipality=world.greve,
        citizen=citizen,
        area=social_team.area,
        scope="helbred",
        basis="samtykke",
        given_on=timezone.localdate() - dt.timedelta(days=1),
        recorded_by=world.nurse,
    )
    # A consent limited to health data covers health data only, and only when asked so.
    decision = policy.decide(actor=worker, citizen=citizen, area=health, scope="helbred")
    assert decision.allowed
    assert decision.purpose == "consent"
    assert not policy.decide(actor=worker, citizen=citizen, area=health).allowed
    assert not policy.decide(
        actor=worker, citizen=citizen, area=health, scope="funktionsevne"
    ).allowed
    consent.scope = "alle"
    consent.save()
    assert policy.decide(actor=worker, citizen=citizen, area=health, scope="funktionsevne").allowed
    consent.withdrawn_on = timezone.localdate()
    consent.save()
    assert not policy.decide(actor=worker, citizen=citizen, area=health).allowed


def test_no_relation_is_403_offering_break_the_glass_and_logged_as_denied(world: World) -> None:
    citizen = citizen_create(world.greve, responsible=world.training_team)
    response = world.client(world.nurse).get(f"/borgere/{citizen.pk}/")
    assert response.status_code == 403
    assert f"/adgang/udvidet/{citizen.pk}/" in response.text
    assert citizen.full_name not in response.text
    row = AccessLogEntry.objects.get(citizen_id=citizen.pk)
    assert row.outcome == "denied"


def test_foreign_citizen_404_equals_missing_and_is_logged(world: World) -> None:
    foreign = citizen_create(world.solrod)
    client = world.client(world.nurse)
    a = client.get(f"/borgere/{foreign.pk}/")
    b = client.get("/borgere/11111111-1111-1111-1111-111111111111/")
    assert a.status_code == b.status_code == 404
    assert stable_body(a.text) == stable_body(b.text)
    denied = AccessLogEntry.objects.filter(outcome="denied", municipality_id=world.greve.pk)
    assert {r.criterion for r in denied} == {
        f"id:{foreign.pk}",
        "id:11111111-1111-1111-1111-111111111111",
    }
    assert not AccessLogEntry.objects.filter(municipality_id=world.solrod.pk).exists()


def test_search_and_counts_never_include_citizens_out_of_reach(world: World) -> None:
    for i in range(3):
        citizen_create(world.greve, "Ole", f"Mine{i}", responsible=world.home_care_team)
    for i in range(4):
        citizen_create(world.greve, "Ole", f"Andres{i}", responsible=world.training_team)
    citizen_create(world.solrod, "Ole", "Fremmed")
    result = selectors.citizen_search(actor=world.actor(world.nurse), query="ole", limit=2)
    assert result.total == 3
    assert all(c.last_name.startswith("Mine") for c in result.citizens)


def test_full_cpr_of_citizen_out_of_reach_offers_break_the_glass_only(world: World) -> None:
    other = citizen_create(world.greve, "Hemmelig", "Person", responsible=world.training_team)
    result = selectors.citizen_search(actor=world.actor(world.nurse), query=other.cpr)
    assert result.citizens == []
    assert result.total == 0
    assert result.outside_reach_id == other.pk
    row = AccessLogEntry.objects.get(operation="search")
    assert row.outcome == "denied"


def test_unknown_id_on_every_lookup_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        selectors.citizen_get(actor=world.actor(world.nurse), citizen_id="ikke-et-id")


def test_served_data_check_catches_an_unlogged_read(world: World) -> None:
    """The T08 fixture itself can fail: a view that serves a citizen without logging."""
    from django.http import HttpResponse

    from sammen.citizens.models import Citizen
    from tests import served_data

    citizen = citizen_create(world.greve)

    def leaky_view(request: object) -> HttpResponse:
        return HttpResponse(Citizen.objects.get(pk=citizen.pk).full_name)

    middleware = served_data.ServedCitizenDataMiddleware(leaky_view)
    middleware(RequestFactory().get("/"))
    assert served_data.FAILURES
    served_data.FAILURES.clear()


def test_only_leaders_reach_the_units_below_their_own(world: World) -> None:
    citizen = citizen_create(world.greve, responsible=world.home_care_team)
    helper_on_district = f.actor_for(f.staff_create(world.district, Role.SOSU_HELPER))
    assert not policy.decide(actor=helper_on_district, citizen=citizen).allowed
    assert policy.decide(actor=world.actor(world.leader), citizen=citizen).allowed


def test_search_criterion_never_holds_a_full_cpr(world: World) -> None:
    citizen = citizen_create(world.greve)
    number = f"{citizen.cpr[:6]}-{citizen.cpr[6:]}"
    selectors.citizen_search(actor=world.actor(world.nurse), query=f"cpr {number} inger")
    row = AccessLogEntry.objects.get(operation="search")
    assert citizen.cpr[6:] not in row.criterion
    assert f"{citizen.cpr[:6]}-xxxx" in row.criterion
