"""The three views, the drill-down and the protection seen from outside."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from conftest import World
from sammen.access.models import AccessGrant, AccessLogEntry
from sammen.citizens.models import Citizen, Responsibility
from sammen.journal.tests.factories import citizen_create
from sammen.organisation.models import Area
from sammen.organisation.tests import factories as f

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


def _population(world: World, n_team: int = 12, n_training: int = 3) -> list[Citizen]:
    team = [citizen_create(world.home_care_team, last_name=f"Holm{i}") for i in range(n_team)]
    small = [citizen_create(world.training_team, last_name=f"Lund{i}") for i in range(n_training)]
    # Six of the team's citizens are also known in handicap og psykiatri ("less silo").
    bostoette = f.unit_create(
        world.greve, "Bostøtte Øst", area=Area.DISABILITY_PSYCHIATRY, parent=world.admin_unit
    )
    for c in team[:6]:
        Responsibility.objects.create(
            municipality=world.greve,
            citizen=c,
            area=Area.DISABILITY_PSYCHIATRY,
            unit=bostoette,
            since=dt.date(2025, 1, 1),
        )
    return team + small


@pytest.fixture
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _grant(world: World, citizen: Citizen, *, days_ago: int, approved: bool | None) -> None:
    at = timezone.now() - dt.timedelta(days=days_ago)
    grant = AccessGrant.objects.create(
        municipality=world.greve,
        staff=world.nurse,
        role="sygeplejerske",
        unit=world.home_care_team,
        citizen=citizen,
        reason="akut",
        reason_text="Fald i hjemmet",
        expires_at=at + dt.timedelta(hours=12),
        reviewed_at=None if approved is None else at + dt.timedelta(days=1),
        review_approved=approved,
    )
    AccessGrant.objects.filter(pk=grant.pk).update(created_at=at)


def test_director_and_politician_start_on_their_insight_page(world: World, frozen: object) -> None:
    for who, landing in (("director", "/indsigt/kommune/"), ("politician", "/indsigt/politik/")):
        client = world.client(getattr(world, who))
        first = client.get("/")
        assert first.status_code == 302
        assert first["Location"] == "/indsigt/"
        assert client.get("/indsigt/")["Location"] == landing
        page = client.get(landing)
        assert page.status_code == 200
        assert "data-chart=" in page.text
        assert "<table" in page.text


def test_director_sees_areas_with_small_numbers_hidden(world: World, frozen: object) -> None:
    _population(world)
    jobcenter = f.unit_create(world.greve, "Jobcentret", area=Area.EMPLOYMENT)
    for i in range(2):
        citizen_create(jobcenter, area=Area.EMPLOYMENT, last_name=f"Job{i}")
    page = world.client(world.director).get("/indsigt/kommune/").text
    assert "Ældre og sundhed" in page
    assert "Handicap og psykiatri" in page
    assert ">15<" in page  # 12 + 3 citizens in ældre og sundhed
    assert "&lt;5" in page  # the two in beskæftigelse
    assert ">2<" not in page
    assert "Dækning" in page
    assert "Beregnet" in page


def test_leader_sees_own_units_and_small_cells_suppressed(world: World, frozen: object) -> None:
    _population(world)
    page = world.client(world.leader).get("/indsigt/team/").text
    assert "Team Nord A" in page
    assert "Træning" not in page  # not below the leader's unit
    assert ">12<" in page


def test_leader_drilldown_lists_named_citizens_and_logs(world: World, frozen: object) -> None:
    citizens = _population(world)
    client = world.client(world.leader)
    url = f"/indsigt/team/citizens_per_area/{world.home_care_team.pk.hex}/2026-06/"
    before = AccessLogEntry.objects.count()
    response = client.get(url)
    assert response.status_code == 200
    assert "Holm0" in response.text
    logged = set(
        AccessLogEntry.objects.filter(seq__gt=before, object_type="insight").values_list(
            "citizen_id", flat=True
        )
    )
    assert logged == {c.pk for c in citizens[:12]}


def test_no_drilldown_below_the_threshold_or_outside_reach(world: World, frozen: object) -> None:
    _population(world)
    client = world.client(world.leader)
    training = f"/indsigt/team/citizens_per_area/{world.training_team.pk.hex}/2026-06/"
    assert client.get(training).status_code == 404  # not the leader's unit
    # A unit of the leader's with three citizens: too small to list.
    small_team = f.unit_create(world.greve, "Team Nord B", parent=world.district)
    for i in range(3):
        citizen_create(small_team, last_name=f"Lille{i}")
    url = f"/indsigt/team/citizens_per_area/{small_team.pk.hex}/2026-06/"
    assert client.get(url).status_code == 404
    grants = f"/indsigt/team/break_the_glass_grants/{world.home_care_team.pk.hex}/2026-06/"
    assert client.get(grants).status_code == 404  # no list behind that figure


@pytest.mark.parametrize("who", ["director", "politician"])
def test_no_drilldown_for_aggregate_roles(world: World, frozen: object, who: str) -> None:
    _population(world)
    client = world.client(getattr(world, who))
    url = f"/indsigt/team/citizens_per_area/{world.home_care_team.pk.hex}/2026-06/"
    assert client.get(url).status_code == 403
    assert client.get("/indsigt/team/").status_code == 403


def test_break_the_glass_outcomes(world: World, frozen: object) -> None:
    citizens = _population(world)
    for i in range(7):
        _grant(world, citizens[i], days_ago=3, approved=True)
    _grant(world, citizens[8], days_ago=3, approved=False)
    page = world.client(world.director).get("/indsigt/kommune/").text
    assert "Godkendt" in page
    assert "Ikke godkendt" in page


def test_council_area_summary_prints_and_exports_pdf(world: World, frozen: object) -> None:
    _population(world)
    client = world.client(world.politician)
    page = client.get("/indsigt/politik/aeldre_sundhed/")
    assert page.status_code == 200
    assert "2025" in page.text
    assert "2026" in page.text
    pdf = client.get("/indsigt/politik/aeldre_sundhed/?format=pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert client.get("/indsigt/politik/ukendt/").status_code == 404


def test_other_roles_have_no_insight(world: World) -> None:
    for who in ("nurse", "sosu_helper", "administrator", "foreign_nurse"):
        client = world.client(getattr(world, who))
        assert client.get("/indsigt/kommune/").status_code == 403
        assert client.get("/indsigt/politik/").status_code == 403
        assert client.get("/indsigt/").status_code == 403


def test_definitions_page(world: World) -> None:
    page = world.client(world.politician).get("/indsigt/definitioner/")
    assert page.status_code == 200
    assert "citizens_responsibility" in page.text
    assert "Grænse for små tal" in page.text


def test_csv_export_obeys_the_same_rules(world: World, frozen: object) -> None:
    _population(world)
    body = world.client(world.director).get("/indsigt/kommune/noegletal.csv").content.decode()
    assert "Holm" not in body
    assert "Testa" not in body
    assert "Borgere pr. område" in body
