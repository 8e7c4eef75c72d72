"""Conformance: CapabilityStatement from the registry, search parameters with paging links,
ETag/versionId with If-None-Match, history and vread, OperationOutcome for every error,
_format/Accept negotiation."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.test import Client

from conftest import World
from sammen.fhir import codes, registry
from sammen.fhir.tests.conftest import Care
from sammen.fhir.tests.helpers import entries, get
from sammen.journal import services as journal_services
from sammen.journal.tests import factories as jf
from sammen.organisation.tests import factories as f

BASE = "/fhir/R4"


def _outcome(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return str(body["issue"][0]["diagnostics"])


def test_capability_statement_is_generated_from_the_registry(db: None) -> None:
    body = get(Client(), f"{BASE}/metadata").json()
    assert body["fhirVersion"] == "4.0.1"
    announced = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert set(announced) == {t.name for t in registry.all_types()}
    assert set(announced) >= {
        "Patient",
        "RelatedPerson",
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "Condition",
        "Observation",
        "Consent",
        "AuditEvent",
    }
    condition = announced["Condition"]
    assert {"vread", "history-instance"} <= {i["code"] for i in condition["interaction"]}
    assert {"patient", "code", "category", "date", "_lastUpdated", "_count"} <= {
        p["name"] for p in condition["searchParam"]
    }
    assert announced["Patient"]["profile"] == codes.DK_CORE_PATIENT
    assert codes.KLGW_CITIZENS_OWN_OBSERVATION in announced["Observation"]["supportedProfile"]


def test_a_new_source_appears_in_the_capability_statement(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One mapper file = one registered source; the statement follows without other edits."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    registry.register(
        registry.Source(
            resource_type="Goal",
            name="test-goal",
            documentation="Mål",
            read=lambda ctx, rid: {},
            search=lambda ctx, q: registry.Page([], False),
        )
    )
    body = get(Client(), f"{BASE}/metadata").json()
    assert "Goal" in {r["type"] for r in body["rest"][0]["resource"]}


def test_paging_links_and_count(world: World, care: Care) -> None:
    client = f.logged_in_client(world.nurse)
    for n in range(3):
        jf.citizen_create(world.home_care_team, last_name=f"Side{n}")
    first = get(client, f"{BASE}/Patient?_count=2").json()
    assert len(entries(first)) == 2
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert "previous" not in links
    seen = [r["id"] for r in entries(first)]
    url = links["next"]
    while url:
        page = get(client, urlparse(url).path + "?" + urlparse(url).query).json()
        seen += [r["id"] for r in entries(page)]
        links = {link["relation"]: link["url"] for link in page["link"]}
        assert "previous" in links
        assert parse_qs(urlparse(links["self"]).query)["_count"] == ["2"]
        url = links.get("next")
    assert len(seen) == len(set(seen)) == 4


@pytest.mark.parametrize(
    "query",
    [
        "_count=1000000000",
        "_count=0",
        "_count=abc",
        "_offset=-1",
        "foo=bar",
        "_sort=name",
        "name:exact=x",
        "date=2026-13-45",
        "_lastUpdated=yesterday",
        "patient=not-a-uuid",
    ],
)
def test_bad_search_parameters_are_400_operation_outcomes(
    world: World, care: Care, query: str
) -> None:
    client = f.logged_in_client(world.nurse)
    resource = "Condition" if query.startswith(("date", "patient")) else "Patient"
    _outcome(get(client, f"{BASE}/{resource}?{query}"), 400)


def test_last_updated_and_date_ranges(world: World, care: Care) -> None:
    client = f.logged_in_client(world.nurse)
    url = f"{BASE}/Condition?patient={care.citizen.pk}"
    assert len(entries(get(client, url + "&_lastUpdated=ge2000-01-01").json())) == 2
    assert entries(get(client, url + "&_lastUpdated=lt2000-01-01").json()) == []
    recorded = care.health.refers_to.date().isoformat()
    found = entries(get(client, url + f"&date={recorded}").json())
    assert [r["id"] for r in found] == [str(care.health.chain_id)]


def test_etag_version_and_304(world: World, care: Care) -> None:
    client = f.logged_in_client(world.nurse)
    url = f"{BASE}/Condition/{care.function.chain_id}"
    first = get(client, url)
    assert first["ETag"] == 'W/"1"'
    assert first.json()["meta"]["versionId"] == "1"
    assert get(client, url, **{"If-None-Match": 'W/"1"'}).status_code == 304
    journal_services.entry_correct(
        actor=world.actor(world.nurse),
        entry_id=care.function.pk,
        data={"tilstand": jf.PERSONLIG_PLEJE, "nuvaerende_niveau": 3},
        reason="Forkert niveau",
    )
    changed = get(client, url, **{"If-None-Match": 'W/"1"'})
    assert changed.status_code == 200
    assert changed["ETag"] == 'W/"2"'


def test_history_and_vread(world: World, care: Care) -> None:
    journal_services.entry_correct(
        actor=world.actor(world.nurse),
        entry_id=care.function.pk,
        data={"tilstand": jf.PERSONLIG_PLEJE, "nuvaerende_niveau": 3},
        reason="Forkert niveau",
    )
    client = f.logged_in_client(world.nurse)
    history = get(client, f"{BASE}/Condition/{care.function.chain_id}/_history").json()
    assert history["type"] == "history"
    assert [r["meta"]["versionId"] for r in entries(history)] == ["2", "1"]
    first = get(client, f"{BASE}/Condition/{care.function.chain_id}/_history/1").json()
    assert first["severity"]["coding"][0]["code"] == codes.FSIII_SEVERITY[2][0]
    _outcome(get(client, f"{BASE}/Condition/{care.function.chain_id}/_history/9"), 404)
    _outcome(get(client, f"{BASE}/Patient/{care.citizen.pk}/_history"), 405)


def test_errors_are_operation_outcomes(world: World, care: Care) -> None:
    client = f.logged_in_client(world.nurse)
    _outcome(get(client, f"{BASE}/Spaceship"), 404)
    _outcome(get(client, f"{BASE}/Spaceship/1"), 404)
    _outcome(get(client, f"{BASE}/Patient/x"), 404)
    _outcome(get(client, f"{BASE}/Observation/{care.function.chain_id}"), 404)  # no kind
    _outcome(get(Client(), f"{BASE}/Patient"), 401)
    post = client.post(f"{BASE}/Patient", "{not json", content_type="application/fhir+json")
    _outcome(post, 405)
    xml = client.post(f"{BASE}/Patient/_search", "<x/>", content_type="application/fhir+xml")
    _outcome(xml, 415)
    anonymous = Client().post(f"{BASE}/Patient/_search", "<x/>", content_type="application/xml")
    _outcome(anonymous, 401)  # who asks is decided before the body is read


def test_post_search_takes_a_form(world: World, care: Care) -> None:
    client = f.logged_in_client(world.nurse)
    response = client.post(
        f"{BASE}/Condition/_search?_count=10",
        f"patient={care.citizen.pk}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert len(entries(response.json())) == 2


def test_format_and_accept_negotiation(world: World, care: Care) -> None:
    client = f.logged_in_client(world.nurse)
    url = f"{BASE}/Patient/{care.citizen.pk}"
    assert get(client, url, Accept="application/fhir+json").status_code == 200
    assert get(client, url, Accept="application/json").status_code == 200
    assert get(client, url, Accept="text/html,application/xhtml+xml,*/*;q=0.8").status_code == 200
    _outcome(get(client, url, Accept="application/fhir+xml"), 406)
    _outcome(get(client, url, Accept="application/fhir+json;q=0"), 406)
    assert get(client, url + "?_format=json", Accept="application/fhir+xml").status_code == 200
    _outcome(get(client, url + "?_format=xml"), 406)


def test_paging_over_merged_sources_is_complete(world: World, care: Care) -> None:
    """Observation has three sources; one citizen's pages cut through them without loss or
    repeat. Across citizens a search must pick one source (code or category)."""
    nurse = world.actor(world.nurse)
    for n in range(3):
        with time_machine.travel(f"2026-01-1{n} 10:00:00+00:00", tick=False):
            jf.funktionsevne(
                nurse,
                care.citizen,
                [
                    jf.LAVE_MAD,
                    "293bd85b-d9b4-4e2c-83d9-d3df32ce9d82",
                    "a7ac8429-513f-43cd-bc69-96a8d0e0f0ff",
                ][n],
                1,
                udfoerelse=jf.UDFOERER_SELV,
                betydning="ba2fc34d-dde5-4d1e-b642-7d6950580641",
            )
    client = f.logged_in_client(world.nurse)
    url = f"{BASE}/Observation?patient={care.citizen.pk}"
    everything = {r["id"] for r in entries(get(client, url + "&_count=200").json())}
    assert len(everything) == 2 + 3 * 3
    seen: list[str] = []
    offset = 0
    while True:
        page = get(client, f"{url}&_count=4&_offset={offset}").json()
        seen += [r["id"] for r in entries(page)]
        if not any(link["relation"] == "next" for link in page["link"]):
            break
        offset += 4
    assert sorted(seen) == sorted(everything)
    _outcome(get(client, f"{BASE}/Observation"), 400)
    ratings = get(client, f"{BASE}/Observation?code={codes.FSIII}|{codes.FSIII_PERFORMANCE}")
    assert len(entries(ratings.json())) == 4
    levels = get(client, f"{BASE}/Observation?category=survey&_count=2").json()
    assert len(entries(levels)) == 2
    assert any(link["relation"] == "next" for link in levels["link"])
