"""One search box: names (partial, accent-insensitive), CPR (full/birth date), address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import World
from sammen.access.models import AccessLogEntry
from sammen.citizens import selectors
from sammen.citizens.models import Citizen
from sammen.citizens.tests.factories import citizen_create
from sammen.core.errors import Forbidden


@pytest.fixture
def people(world: World) -> dict[str, Citizen]:
    g = world.greve
    return {
        "soren": citizen_create(
            g, "Søren", "Østergaard", born=dt.date(1940, 5, 17), street="Åvej", house_number="3"
        ),
        "aase": citizen_create(
            g,
            "Aase",
            "Mikkelsen",
            born=dt.date(1933, 11, 2),
            street="Strandvejen",
            house_number="7",
            postcode="2690",
            city="Karlslunde",
        ),
        "jose": citizen_create(g, "José", "Hansen", born=dt.date(1950, 5, 17), street="Byvej"),
        "foreign": citizen_create(world.solrod, "Søren", "Østergaard", born=dt.date(1940, 5, 17)),
    }


def names(result: selectors.SearchResult) -> set[str]:
    return {c.full_name for c in result.citizens}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Søren", {"Søren Østergaard"}),
        ("soren", {"Søren Østergaard"}),
        ("SOEREN", {"Søren Østergaard"}),
        ("ostergard", {"Søren Østergaard"}),
        ("Øster", {"Søren Østergaard"}),
        ("Åse", {"Aase Mikkelsen"}),
        ("aase mik", {"Aase Mikkelsen"}),
        ("jose", {"José Hansen"}),
        ("hans", {"José Hansen"}),
        ("strandvejen 7", {"Aase Mikkelsen"}),
        ("avej", {"Søren Østergaard"}),
        ("karlslunde", {"Aase Mikkelsen"}),
        ("2690", {"Aase Mikkelsen"}),
        ("ingen-findes", set()),
    ],
)
def test_name_and_address_search(
    world: World, people: dict[str, Citizen], query: str, expected: set[str]
) -> None:
    assert names(selectors.citizen_search(actor=world.actor(world.nurse), query=query)) == expected


def test_cpr_full_and_birth_date_part(world: World, people: dict[str, Citizen]) -> None:
    actor = world.actor(world.nurse)
    soren = people["soren"]
    cpr = soren.cpr
    for query in (cpr, f"{cpr[:6]}-{cpr[6:]}", f" {cpr[:6]} {cpr[6:]} "):
        result = selectors.citizen_search(actor=actor, query=query)
        assert result.kind == "cpr"
        assert [c.pk for c in result.citizens] == [soren.pk]
    result = selectors.citizen_search(actor=actor, query="170540")
    assert result.kind == "birth"
    assert names(result) == {"Søren Østergaard"}  # José has 17 May too, but 1950


def test_foreign_municipality_never_returned_nor_counted(
    world: World, people: dict[str, Citizen]
) -> None:
    result = selectors.citizen_search(actor=world.actor(world.nurse), query="søren")
    assert result.total == 1
    assert all(c.municipality_id == world.greve.pk for c in result.citizens)
    foreign = people["foreign"]
    by_cpr = selectors.citizen_search(actor=world.actor(world.nurse), query=foreign.cpr)
    assert by_cpr.citizens == [] or foreign.pk not in {c.pk for c in by_cpr.citizens}


def test_search_logs_one_row_per_hit_with_masked_criterion(
    world: World, people: dict[str, Citizen]
) -> None:
    actor = world.actor(world.nurse)
    cpr = people["aase"].cpr
    selectors.citizen_search(actor=actor, query=cpr)
    row = AccessLogEntry.objects.get(operation="search")
    assert row.citizen_id == people["aase"].pk
    assert row.criterion == f"cpr:{cpr[:6]}-xxxx"
    selectors.citizen_search(actor=actor, query="ingen-findes")
    empty = AccessLogEntry.objects.filter(operation="search", citizen_id__isnull=True).get()
    assert empty.criterion == "tekst:ingen-findes"


def test_search_results_are_limited_and_truncation_reported(world: World) -> None:
    for i in range(7):
        citizen_create(world.greve, "Anna", f"Jensen{i}")
    result = selectors.citizen_search(actor=world.actor(world.nurse), query="anna", limit=5)
    assert len(result.citizens) == 5
    assert result.truncated
    assert result.total == 7


def test_search_has_no_n_plus_one(world: World) -> None:
    for i in range(3):
        citizen_create(world.greve, "Bent", f"Larsen{i}")
    actor = world.actor(world.nurse)
    selectors.citizen_search(actor=actor, query="bent")  # warm the caches
    with CaptureQueriesContext(connection) as few:
        selectors.citizen_search(actor=actor, query="bent")
    for i in range(3, 30):
        citizen_create(world.greve, "Bent", f"Larsen{i}")
    with CaptureQueriesContext(connection) as many:
        selectors.citizen_search(actor=actor, query="bent")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_aggregate_roles_cannot_search(world: World, people: dict[str, Citizen]) -> None:
    for who in (world.politician, world.director, world.administrator):
        with pytest.raises(Forbidden):
            selectors.citizen_search(actor=world.actor(who), query="søren")
