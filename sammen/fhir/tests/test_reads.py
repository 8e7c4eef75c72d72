"""Read and search through the same gate and list kernel as the HTML: every read logged,
another municipality 404 like a missing id, every body valid FHIR."""

from __future__ import annotations

from django.test import Client

from conftest import World
from sammen.access.models import AccessLogEntry, CitizenAccessRecord, Outcome
from sammen.fhir import codes
from sammen.fhir.tests.conftest import Care, client_make
from sammen.fhir.tests.helpers import entries, get, token_for
from sammen.organisation.tests import factories as f

BASE = "/fhir/R4"


def test_patient_read_by_session_is_logged_and_has_no_cpr(world: World, care: Care) -> None:
    client = f.logged_in_client(world.nurse)
    response = get(client, f"{BASE}/Patient/{care.citizen.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"][0]["family"] == "Fhirsen"
    assert "identifier" not in body  # a session does not carry CPR
    assert care.citizen.cpr not in response.content.decode()
    assert body["meta"]["profile"] == [codes.DK_CORE_PATIENT]
    assert AccessLogEntry.objects.filter(
        citizen_id=care.citizen.pk, object_type="fhir:Patient", staff_id=world.nurse.pk
    ).exists()


def test_foreign_patient_is_404_exactly_like_a_missing_one(world: World, care: Care) -> None:
    client = f.logged_in_client(world.nurse)
    foreign = get(client, f"{BASE}/Patient/{care.foreign.pk}")
    missing = get(client, f"{BASE}/Patient/00000000-0000-0000-0000-00000000abcd")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert foreign.json()["resourceType"] == "OperationOutcome"


def test_no_relation_is_403_operation_outcome_and_logged(world: World, care: Care) -> None:
    response = get(f.logged_in_client(world.nurse), f"{BASE}/Patient/{care.other.pk}")
    assert response.status_code == 403
    assert response.json()["issue"][0]["code"] == "forbidden"
    assert care.other.last_name not in response.content.decode()
    assert AccessLogEntry.objects.filter(citizen_id=care.other.pk, outcome=Outcome.DENIED).exists()


def test_patient_search_is_the_list_kernel(world: World, care: Care) -> None:
    body = get(f.logged_in_client(world.nurse), f"{BASE}/Patient").json()
    ids = {r["id"] for r in entries(body)}
    assert str(care.citizen.pk) in ids
    assert str(care.other.pk) not in ids
    assert str(care.foreign.pk) not in ids
    assert AccessLogEntry.objects.filter(
        citizen_id=care.citizen.pk, operation="search", object_type="fhir:Patient"
    ).exists()


def test_condition_search_for_a_patient(world: World, care: Care) -> None:
    body = get(
        f.logged_in_client(world.nurse), f"{BASE}/Condition?patient={care.citizen.pk}"
    ).json()
    found = {r["code"]["coding"][0]["code"]: r for r in entries(body)}
    assert set(found) == {care.function.subject_code, care.health.subject_code}
    home = found[care.function.subject_code]
    assert home["code"]["coding"][0]["system"] == codes.FSIII == "urn:oid:1.2.208.176.2.21"
    assert home["severity"]["coding"][0]["code"] == codes.FSIII_SEVERITY[2][0]  # B3
    assert home["code"]["text"] == "Behov for hjælp om morgenen."
    assert home["note"][0]["text"] == "Klarer selv overkroppen."
    assert home["id"] == str(care.function.chain_id)
    nursing = found[care.health.subject_code]
    assert "severity" not in nursing  # forbidden for nursing conditions (KL Gateway)


def test_condition_code_search_across_citizens(world: World, care: Care) -> None:
    url = f"{BASE}/Condition?code={codes.FSIII}|{care.health.subject_code}"
    body = get(f.logged_in_client(world.nurse), url).json()
    assert [r["id"] for r in entries(body)] == [str(care.health.chain_id)]
    other_system = get(
        f.logged_in_client(world.nurse),
        f"{BASE}/Condition?code=http://x|{care.health.subject_code}",
    )
    assert entries(other_system.json()) == []


def test_observations_function_level_and_citizen_rating(world: World, care: Care) -> None:
    body = get(
        f.logged_in_client(world.nurse), f"{BASE}/Observation?patient={care.citizen.pk}"
    ).json()
    by_code = {r["code"]["coding"][0]["code"]: r for r in entries(body)}
    assert set(by_code) == {
        "2c02a704-deee-4878-9378-1167613b3da6",  # B: function level
        codes.FSIII_PERFORMANCE,  # C: the citizen's own rating
    }
    rating = by_code[codes.FSIII_PERFORMANCE]
    assert (
        rating["valueCodeableConcept"]["coding"][0]["code"]
        == "0c87bff2-3b24-4a6e-a9df-193f268ae7b8"
    )
    assert rating["focus"] == [{"reference": f"Condition/{care.function.chain_id}"}]
    assert rating["meta"]["profile"] == [codes.KLGW_CITIZENS_OWN_OBSERVATION]
    only_c = get(
        f.logged_in_client(world.nurse),
        f"{BASE}/Observation?patient={care.citizen.pk}&code={codes.FSIII}|{codes.FSIII_PERFORMANCE}",
    ).json()
    assert [r["id"] for r in entries(only_c)] == [rating["id"]]
    read = get(f.logged_in_client(world.nurse), f"{BASE}/Observation/{rating['id']}")
    assert read.json() == rating


def test_related_person_consent_organisation(world: World, care: Care) -> None:
    client = f.logged_in_client(world.nurse)
    relatives = entries(get(client, f"{BASE}/RelatedPerson?patient={care.citizen.pk}").json())
    assert relatives[0]["patient"] == {"reference": f"Patient/{care.citizen.pk}"}
    consents = entries(
        get(client, f"{BASE}/Consent?patient={care.citizen.pk}&status=active").json()
    )
    assert consents
    assert consents[0]["status"] == "active"
    units = entries(get(client, f"{BASE}/Organization?name=Team").json())
    assert {u["name"] for u in units} == {"Team Nord A"}
    practitioners = entries(get(client, f"{BASE}/Practitioner?name=Birgitte").json())
    assert [p["id"] for p in practitioners] == [str(world.nurse.pk)]
    roles = entries(get(client, f"{BASE}/PractitionerRole?practitioner={world.nurse.pk}").json())
    assert roles[0]["organization"] == {"reference": f"Organization/{world.home_care_team.pk}"}
    foreign_unit = get(client, f"{BASE}/Organization/{world.solrod_team.pk}")
    assert foreign_unit.status_code == 404


def test_system_client_reads_conditions_with_a_token(world: World, care: Care) -> None:
    """Done-when of issue 14: a client with a token reads a citizen's conditions and
    observations as validated FHIR; the reads are in the access log and the citizen's log."""
    issued = client_make(world, cpr=True)
    token = token_for(issued.client_id, issued.secret)
    anon = Client()
    patient = get(anon, f"{BASE}/Patient/{care.citizen.pk}", token=token).json()
    assert patient["identifier"] == [
        {"use": "official", "system": codes.CPR, "value": care.citizen.cpr}
    ]
    conditions = get(anon, f"{BASE}/Condition?patient={care.citizen.pk}", token=token)
    assert len(entries(conditions.json())) == 2
    observations = get(anon, f"{BASE}/Observation?patient={care.citizen.pk}", token=token)
    assert len(entries(observations.json())) == 2
    logged = AccessLogEntry.objects.filter(
        citizen_id=care.citizen.pk, staff_id=issued.client.staff.pk
    )
    assert set(logged.values_list("object_type", flat=True)) >= {
        "fhir:Patient",
        "fhir:Condition",
        "fhir:Observation",
    }
    assert set(logged.values_list("role", flat=True)) == {"systemklient"}
    own = CitizenAccessRecord.objects.filter(
        citizen_id=care.citizen.pk, staff_id=issued.client.staff.pk
    )
    assert own.exists()
    assert {r.unit_name for r in own} == {"KL Gateway (Lovpligtig indberetning (KL Gateway))"}


def test_cpr_only_to_clients_allowed_to_see_it(world: World, care: Care) -> None:
    issued = client_make(world, cpr=False)
    token = token_for(issued.client_id, issued.secret)
    body = get(Client(), f"{BASE}/Patient/{care.citizen.pk}", token=token).json()
    assert "identifier" not in body
    refused = get(
        Client(), f"{BASE}/Patient?identifier={codes.CPR}|{care.citizen.cpr}", token=token
    )
    assert refused.status_code == 403
    assert refused.json()["resourceType"] == "OperationOutcome"
    row = AccessLogEntry.objects.filter(
        staff_id=issued.client.staff.pk, outcome=Outcome.DENIED, object_type="fhir:Patient"
    ).get()
    assert care.citizen.cpr not in row.criterion
    assert care.citizen.cpr[:6] not in row.criterion


def test_cpr_search_by_a_client_allowed_cpr(world: World, care: Care) -> None:
    issued = client_make(world, cpr=True)
    token = token_for(issued.client_id, issued.secret)
    body = get(
        Client(), f"{BASE}/Patient?identifier={codes.CPR}|{care.citizen.cpr}", token=token
    ).json()
    assert [r["id"] for r in entries(body)] == [str(care.citizen.pk)]
