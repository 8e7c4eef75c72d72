"""System clients: OAuth2 client credentials, SMART v2 system scopes, one municipality and
purpose each, keys rotated from the administration page, no CSRF for bearer tokens."""

from __future__ import annotations

import base64
import datetime as dt

import time_machine
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from conftest import World
from sammen.access.models import AccessLogEntry
from sammen.fhir.models import ClientPurpose, SystemClient
from sammen.fhir.tests.conftest import Care, client_make
from sammen.fhir.tests.helpers import entries, get, token_for
from sammen.organisation.tests import factories as f

BASE = "/fhir/R4"


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def test_token_endpoint_needs_no_csrf_and_refuses_a_wrong_secret(world: World) -> None:
    issued = client_make(world)
    strict = Client(enforce_csrf_checks=True)
    ok = strict.post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials"},
        headers={"Authorization": _basic(issued.client_id, issued.secret)},
    )
    assert ok.status_code == 200
    assert ok.json()["token_type"] == "Bearer"
    bad = strict.post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials"},
        headers={"Authorization": _basic(issued.client_id, "wrong")},
    )
    assert bad.status_code == 401


def test_a_token_covers_only_the_clients_scopes(world: World, care: Care) -> None:
    issued = client_make(world, scopes=["system/Condition.rs"])
    wider = Client().post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials", "scope": "system/Patient.rs"},
        headers={"Authorization": _basic(issued.client_id, issued.secret)},
    )
    assert wider.status_code == 400  # invalid_scope
    token = token_for(issued.client_id, issued.secret)
    ok = get(Client(), f"{BASE}/Condition?patient={care.citizen.pk}", token=token)
    assert ok.status_code == 200
    refused = get(Client(), f"{BASE}/Patient/{care.citizen.pk}", token=token)
    assert refused.status_code == 403
    assert refused.json()["issue"][0]["code"] == "forbidden"


def test_expired_and_revoked_tokens_are_401(world: World, care: Care) -> None:
    issued = client_make(world)
    token = token_for(issued.client_id, issued.secret)
    url = f"{BASE}/Patient/{care.citizen.pk}"
    assert get(Client(), url, token=token).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        expired = get(Client(), url, token=token)
    assert expired.status_code == 401
    assert expired["WWW-Authenticate"].startswith("Bearer")
    AccessToken.objects.filter(application__system_client=issued.client).delete()
    assert get(Client(), url, token=token).status_code == 401
    assert get(Client(), url, token="not-a-token").status_code == 401


def test_one_municipality_per_client(world: World, care: Care) -> None:
    issued = client_make(world)
    token = token_for(issued.client_id, issued.secret)
    foreign = get(Client(), f"{BASE}/Patient/{care.foreign.pk}", token=token)
    missing = get(Client(), f"{BASE}/Patient/00000000-0000-0000-0000-00000000abcd", token=token)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    listed = {r["id"] for r in entries(get(Client(), f"{BASE}/Patient", token=token).json())}
    assert str(care.citizen.pk) in listed
    assert str(care.other.pk) in listed
    assert str(care.foreign.pk) not in listed


def test_a_clients_purpose_decides_what_it_may_read(world: World, care: Care) -> None:
    audit = client_make(world, purpose=ClientPurpose.AUDIT, name="Tilsyn")
    token = token_for(audit.client_id, audit.secret)
    assert get(Client(), f"{BASE}/Patient/{care.citizen.pk}", token=token).status_code == 403
    get(f.logged_in_client(world.nurse), f"{BASE}/Patient/{care.citizen.pk}")
    events = get(Client(), f"{BASE}/AuditEvent?patient={care.citizen.pk}", token=token).json()
    assert any(
        e["purposeOfEvent"][0]["coding"][0]["code"] == "care_relation" for e in entries(events)
    )
    reporting = client_make(world, name="Indberetning")
    token2 = token_for(reporting.client_id, reporting.secret)
    assert get(Client(), f"{BASE}/AuditEvent", token=token2).status_code == 403


def test_rotation_from_the_administration_page(world: World, care: Care) -> None:
    issued = client_make(world)
    token = token_for(issued.client_id, issued.secret)
    admin = f.logged_in_client(world.administrator)
    page = admin.get("/administration/systemklienter/")
    assert page.status_code == 200
    assert issued.client_id in page.content.decode()
    rotated = admin.post(f"/administration/systemklienter/{issued.client.pk}/ny-noegle/")
    assert rotated.status_code == 200
    new_secret = rotated.context["issued"].client_secret
    assert new_secret in rotated.content.decode()
    assert new_secret != issued.secret
    assert get(Client(), f"{BASE}/Patient/{care.citizen.pk}", token=token).status_code == 401
    old = Client().post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials"},
        headers={"Authorization": _basic(issued.client_id, issued.secret)},
    )
    assert old.status_code == 401
    token_for(issued.client_id, new_secret)
    assert (
        AccessLogEntry.objects.filter(operation="privilege", object_type="system_client").count()
        == 2
    )


def test_create_and_deactivate_from_the_administration_page(world: World, care: Care) -> None:
    admin = f.logged_in_client(world.administrator)
    bad = admin.post("/administration/systemklienter/ny/", {"name": "", "purpose": "x"})
    assert bad.status_code == 422
    created = admin.post(
        "/administration/systemklienter/ny/",
        {
            "name": "Datavarehus",
            "purpose": "statistik",
            "unit": str(world.admin_unit.pk),
            "scopes": ["system/Condition.rs", "system/Observation.rs"],
        },
    )
    assert created.status_code == 200
    issued = created.context["issued"]
    client = SystemClient.objects.get(name="Datavarehus")
    assert client.scopes == ["system/Condition.rs", "system/Observation.rs"]
    assert client.may_see_cpr is False
    token = token_for(issued.client_id, issued.client_secret)
    gone = admin.post(f"/administration/systemklienter/{client.pk}/deaktiver/")
    assert gone.status_code == 302
    assert (
        get(Client(), f"{BASE}/Condition?patient={care.citizen.pk}", token=token).status_code == 401
    )
    refused = Client().post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials"},
        headers={"Authorization": _basic(issued.client_id, issued.client_secret)},
    )
    assert refused.status_code == 401


def test_only_administrators_manage_clients(world: World) -> None:
    nurse = f.logged_in_client(world.nurse)
    assert nurse.get("/administration/systemklienter/").status_code == 403
    foreign = client_make(world)
    other_admin = f.logged_in_client(world.foreign_admin)
    response = other_admin.post(f"/administration/systemklienter/{foreign.client.pk}/ny-noegle/")
    assert response.status_code == 404


def test_rate_limit_per_client(world: World, care: Care) -> None:
    issued = client_make(world)
    SystemClient.objects.filter(pk=issued.client.pk).update(rate_limit_per_minute=2)
    token = token_for(issued.client_id, issued.secret)
    url = f"{BASE}/Organization"
    with time_machine.travel("2026-03-01 10:00:10+00:00", tick=False):
        assert get(Client(), url, token=token).status_code == 200
        assert get(Client(), url, token=token).status_code == 200
        limited = get(Client(), url, token=token)
        assert limited.status_code == 429
        assert limited.json()["issue"][0]["code"] == "throttled"


def test_service_accounts_are_not_practitioners(world: World) -> None:
    issued = client_make(world)
    token = token_for(issued.client_id, issued.secret)
    names = {
        p["id"]
        for p in entries(get(Client(), f"{BASE}/Practitioner?_count=200", token=token).json())
    }
    assert str(issued.client.staff.pk) not in names
    assert str(world.nurse.pk) in names
