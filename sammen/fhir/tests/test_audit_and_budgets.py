"""AuditEvent from the access log (auditors, and the citizen's own log), and query budgets:
a FHIR search costs the same number of queries whatever the number of rows.

Counts (SQLite, warm reference cache, incl. session/user/OTP/actor and the log INSERTs):
Patient 14, Condition across citizens 17, Observation?category=survey 16,
Condition?patient= 20 (gate decision, other areas' consent, cross-area log, current entries,
concept displays, notes), Consent 14."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import World
from sammen.access.models import AccessLogEntry, Purpose
from sammen.citizens.models import CitizenAccount
from sammen.fhir.tests.conftest import Care
from sammen.fhir.tests.helpers import entries, get
from sammen.journal.tests import factories as jf
from sammen.organisation.models import User
from sammen.organisation.tests import factories as f

BASE = "/fhir/R4"


def test_auditor_reads_the_access_log_as_audit_events(world: World, care: Care) -> None:
    get(f.logged_in_client(world.nurse), f"{BASE}/Patient/{care.citizen.pk}")
    leader = f.logged_in_client(world.leader)  # access_review
    body = get(leader, f"{BASE}/AuditEvent?patient={care.citizen.pk}").json()
    events = entries(body)
    assert events
    read = next(e for e in events if e["entity"][0].get("description") == "fhir:Patient")
    assert read["agent"][0]["who"]["display"] == "Team Nord A"
    assert read["entity"][0]["what"] == {"reference": f"Patient/{care.citizen.pk}"}
    one = get(leader, f"{BASE}/AuditEvent/{read['id']}").json()
    assert one["id"] == read["id"]
    assert AccessLogEntry.objects.filter(
        citizen_id=care.citizen.pk,
        operation="review",
        object_type="fhir:AuditEvent",
        staff_id=world.leader.pk,
    ).exists()
    nurse = get(f.logged_in_client(world.nurse), f"{BASE}/AuditEvent")
    assert nurse.status_code == 403
    foreign = get(f.logged_in_client(world.foreign_nurse), f"{BASE}/AuditEvent/{read['id']}")
    assert foreign.status_code in (403, 404)


def test_the_citizen_reads_their_own_log(world: World, care: Care) -> None:
    get(f.logged_in_client(world.nurse), f"{BASE}/Patient/{care.citizen.pk}")
    get(f.logged_in_client(world.nurse), f"{BASE}/Patient/{care.other.pk}")
    user = User.objects.create_user(username="testa", password="borger-demo-2026-x")
    CitizenAccount.objects.create(user=user, citizen=care.citizen)
    citizen = Client()
    citizen.post("/log-ind/", {"username": "testa", "password": "borger-demo-2026-x"})
    events = entries(get(citizen, f"{BASE}/AuditEvent?patient={care.other.pk}").json())
    assert events  # their own accesses, whatever patient= says
    assert {e["entity"][0]["what"]["reference"] for e in events} == {f"Patient/{care.citizen.pk}"}
    assert AccessLogEntry.objects.filter(
        citizen_id=care.citizen.pk, purpose=Purpose.CITIZEN_SELF
    ).exists()
    assert get(citizen, f"{BASE}/Patient/{care.citizen.pk}").status_code == 401


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_search_queries_do_not_grow_with_rows(world: World, care: Care) -> None:
    client = f.logged_in_client(world.nurse)
    urls = [
        f"{BASE}/Patient",
        f"{BASE}/Condition",
        f"{BASE}/Observation?category=survey",
        f"{BASE}/Condition?patient={care.citizen.pk}",
        f"{BASE}/Consent",
    ]
    for url in urls:  # the per-process reference-data cache fills on first use
        client.get(url)
    before = [_queries(client, url) for url in urls]
    nurse = world.actor(world.nurse)
    for n in range(6):
        citizen = jf.citizen_create(world.home_care_team, last_name=f"Budget{n}")
        jf.consent_give(world, citizen, "handicap_psykiatri")
        jf.funktionsevne(nurse, citizen, jf.LAVE_MAD, 1)
        jf.helbred(nurse, citizen, jf.TRYKSAAR)
    jf.funktionsevne(nurse, care.citizen, jf.MOBILITET, 3)
    after = [_queries(client, url) for url in urls]
    assert after == before
    assert max(after) <= 20
