"""Lost updates (SECURITY.md T22a): two people edit the same citizen from the same version.
The second save answers 409 in the UI (with what changed, CPR masked, the typed input kept)
and 412 over the API (If-Match); nothing the first person saved is overwritten."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import World
from sammen.access.models import AccessLogEntry, ChangeLogEntry
from sammen.citizens import services
from sammen.citizens.forms import citizen_initial
from sammen.citizens.models import Citizen, CitizenStatus, Consent, Relative
from sammen.citizens.tests.factories import citizen_create, fictitious_cpr
from sammen.core.errors import Conflict
from sammen.organisation.models import Area, Role
from sammen.organisation.tests import factories as f


def _second_nurse(world: World) -> Any:
    return f.staff_create(world.home_care_team, Role.NURSE, username="nurse2")


def _edit_form(citizen: Citizen, **changes: Any) -> dict[str, Any]:
    values = {k: ("" if v is None else v) for k, v in citizen_initial(citizen).items()}
    return values | changes


def _hidden_version(html: str) -> int:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "the form carries no version"
    return int(match.group(1))


def test_two_edit_forms_from_the_same_version_the_second_gets_409_with_what_changed(
    world: World,
) -> None:
    citizen = citizen_create(world.greve, street="Hovedgaden")
    url = reverse("citizens:edit", kwargs={"citizen_id": citizen.pk})
    first, second = world.client(world.nurse), world.client(_second_nurse(world))
    assert _hidden_version(first.get(url).text) == _hidden_version(second.get(url).text) == 1
    saved = first.post(url, _edit_form(citizen, street="Nygade", version=1))
    assert saved.status_code == 302
    stale = second.post(url, _edit_form(citizen, phone="20304050", version=1))
    assert stale.status_code == 409
    assert "Vej: Hovedgaden → Nygade" in stale.text  # what the first person changed
    assert 'value="20304050"' in stale.text  # what the second person typed is kept
    assert _hidden_version(stale.text) == 2  # a second submit is based on what is stored now
    citizen.refresh_from_db()
    assert (citizen.street, citizen.phone, citizen.version) == ("Nygade", "", 2)
    again = second.post(url, _edit_form(citizen, phone="20304050", version=2))
    assert again.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.street, citizen.phone, citizen.version) == ("Nygade", "20304050", 3)


def test_a_conflict_shows_a_changed_cpr_masked_and_logs_the_look(world: World) -> None:
    citizen = citizen_create(world.greve)
    url = reverse("citizens:edit", kwargs={"citizen_id": citizen.pk})
    new_cpr = fictitious_cpr(dt.date(1941, 6, 3))
    first, second = world.client(world.nurse), world.client(_second_nurse(world))
    assert first.post(url, _edit_form(citizen, cpr=new_cpr, version=1)).status_code == 302
    before = AccessLogEntry.objects.filter(citizen_id=citizen.pk, operation="view").count()
    stale = second.post(url, _edit_form(citizen, city="Tune", version=1))
    assert stale.status_code == 409
    assert f"{new_cpr[:6]}-xxxx" in stale.text
    assert new_cpr not in stale.text
    assert f"{new_cpr[:6]}-{new_cpr[6:]}" not in stale.text
    assert AccessLogEntry.objects.filter(citizen_id=citizen.pk, operation="view").count() == (
        before + 1
    )


def test_status_form_from_an_old_version_is_refused(world: World) -> None:
    citizen = citizen_create(world.greve)
    overview = world.client(world.nurse).get(
        reverse("citizens:overview", kwargs={"citizen_id": citizen.pk})
    )
    assert _hidden_version(overview.text) == 1
    services.citizen_update(
        actor=world.actor(world.nurse),
        citizen=citizen,
        data=services.CitizenInput(
            cpr=citizen.cpr, first_name="Inge", last_name=citizen.last_name, city="Greve"
        ),
        version=1,
    )
    url = reverse("citizens:status", kwargs={"citizen_id": citizen.pk})
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    stale = world.client(world.nurse).post(
        url, {"status": CitizenStatus.DECEASED, "status_date": day, "version": 1}
    )
    assert stale.status_code == 409
    assert "Inger → Inge" in stale.text
    citizen.refresh_from_db()
    assert citizen.status == CitizenStatus.ACTIVE


def test_withdrawing_a_consent_someone_changed_meanwhile_is_refused(world: World) -> None:
    citizen = citizen_create(world.greve)
    consent = Consent.objects.create(
        municipality=world.greve,
        citizen=citizen,
        area=Area.ELDERLY_HEALTH,
        scope="alle",
        basis="samtykke",
        given_on=dt.date(2020, 1, 1),
        recorded_by=world.nurse,
    )
    url = reverse("citizens:consent_withdraw", kwargs={"consent_id": consent.pk})
    first, second = world.client(world.nurse), world.client(_second_nurse(world))
    assert _hidden_version(second.get(url).text) == 1
    today = timezone.localdate().isoformat()
    assert first.post(url, {"withdrawn_on": today, "version": 1}).status_code == 302
    stale = second.post(url, {"withdrawn_on": "2024-05-01", "version": 1})
    assert stale.status_code == 409
    assert f"– → {today}" in stale.text
    consent.refresh_from_db()
    assert (consent.withdrawn_on.isoformat(), consent.version) == (today, 2)  # type: ignore[union-attr]


def test_service_conflict_names_fields_changed_since_that_version_only(world: World) -> None:
    actor = world.actor(world.nurse)
    citizen = citizen_create(world.greve, street="A")

    def save(version: int, **changes: Any) -> None:
        fields: dict[str, Any] = {"cpr": citizen.cpr, "first_name": "Inger", "last_name": "Hansen"}
        fields |= {"street": citizen.street, "city": citizen.city} | changes
        services.citizen_update(
            actor=actor, citizen=citizen, data=services.CitizenInput(**fields), version=version
        )

    save(1, street="B")
    save(2, street="C", city="Tune")
    save(3, city="Greve")  # back again: not a change since version 2
    with pytest.raises(Conflict) as caught:
        save(2, phone="1")
    assert caught.value.changes == {"street": ["B", "C"]}
    assert caught.value.current_version == 4
    assert ChangeLogEntry.objects.filter(citizen_id=citizen.pk, action="update").count() == 3


def test_removing_a_relative_someone_changed_is_refused(world: World) -> None:
    citizen = citizen_create(world.greve)
    relative = Relative.objects.create(
        municipality=world.greve, citizen=citizen, name="Bo", relation="barn", version=2
    )
    url = reverse("citizens:relative_remove", kwargs={"relative_id": relative.pk})
    response = world.client(world.nurse).post(url, {"version": 1})
    assert response.status_code == 409
    assert Relative.objects.filter(pk=relative.pk).exists()
    assert world.client(world.nurse).post(url, {"version": 2}).status_code == 302
    assert not Relative.objects.filter(pk=relative.pk).exists()


# --- JSON API: ETag / If-Match ------------------------------------------------------------


def _put(client: Any, citizen: Citizen, body: dict[str, Any], **headers: str) -> Any:
    return client.put(
        f"/api/v1/citizens/{citizen.pk}",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def _body(citizen: Citizen, **changes: Any) -> dict[str, Any]:
    return {
        "cpr": citizen.cpr,
        "first_name": citizen.first_name,
        "last_name": citizen.last_name,
        "street": citizen.street,
        "house_number": citizen.house_number,
        "postcode": citizen.postcode,
        "city": citizen.city,
    } | changes


def test_api_get_gives_an_etag_and_put_with_if_match_updates(world: World) -> None:
    citizen = citizen_create(world.greve)
    client = world.client(world.nurse)
    read = client.get(f"/api/v1/citizens/{citizen.pk}")
    assert read["ETag"] == '"1"'
    assert read.json()["version"] == 1
    saved = _put(client, citizen, _body(citizen, city="Tune"), if_match=read["ETag"])
    assert saved.status_code == 200, saved.content
    assert (saved["ETag"], saved.json()["city"]) == ('"2"', "Tune")
    assert client.get(f"/api/v1/citizens/{citizen.pk}")["ETag"] == '"2"'


def test_api_if_match_of_an_old_version_answers_412_with_what_changed(world: World) -> None:
    citizen = citizen_create(world.greve)
    first, second = world.client(world.nurse), world.client(_second_nurse(world))
    etag = second.get(f"/api/v1/citizens/{citizen.pk}")["ETag"]
    new_cpr = fictitious_cpr(dt.date(1941, 6, 3))
    assert _put(first, citizen, _body(citizen, cpr=new_cpr), if_match=etag).status_code == 200
    stale = _put(second, citizen, _body(citizen, city="Tune"), if_match=etag)
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    problem = stale.json()
    assert problem["status"] == 412
    assert problem["current_version"] == 2
    assert problem["changes"]["cpr"][1] == f"{new_cpr[:6]}-xxxx"
    assert new_cpr not in stale.text
    citizen.refresh_from_db()
    assert (citizen.cpr, citizen.city) == (new_cpr, "Greve")


def test_api_update_without_if_match_is_428_and_a_weak_tag_never_matches(world: World) -> None:
    citizen = citizen_create(world.greve)
    client = world.client(world.nurse)
    missing = _put(client, citizen, _body(citizen, city="Tune"))
    assert missing.status_code == 428
    assert missing["Content-Type"] == "application/problem+json"
    weak = _put(client, citizen, _body(citizen, city="Tune"), if_match='W/"1"')
    assert weak.status_code == 412
    citizen.refresh_from_db()
    assert (citizen.city, citizen.version) == ("Greve", 1)
    anything = _put(client, citizen, _body(citizen, city="Tune"), if_match="*")
    assert anything.status_code == 200  # RFC 9110: "*" is the explicit choice to overwrite


@pytest.mark.parametrize(
    "name", ["edit", "relative_add", "consent_give", "responsibility_set", "consent_withdraw"]
)
def test_opening_a_form_is_a_logged_read(world: World, name: str) -> None:
    """The forms show the citizen; the served-data check (root conftest) fails the test when
    the GET wrote no access-log row (it did not for four of these before)."""
    citizen = citizen_create(world.greve)
    consent = Consent.objects.create(
        municipality=world.greve,
        citizen=citizen,
        area=Area.ELDERLY_HEALTH,
        scope="alle",
        basis="samtykke",
        given_on=dt.date(2020, 1, 1),
        recorded_by=world.nurse,
    )
    kwargs = (
        {"consent_id": consent.pk} if name == "consent_withdraw" else {"citizen_id": citizen.pk}
    )
    page = world.client(world.nurse).get(reverse(f"citizens:{name}", kwargs=kwargs))
    assert page.status_code == 200
    assert citizen.full_name in page.text


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_from_one_version_one_wins_one_conflicts(world: World) -> None:
    """Real concurrent transactions (PostgreSQL, READ COMMITTED): the row lock makes the second
    writer see the first one's version, whatever the interleaving."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    citizen = citizen_create(world.greve)
    actors = [world.actor(world.nurse), world.actor(_second_nurse(world))]
    start = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def save(index: int, city: str) -> None:
        try:
            start.wait()
            mine = Citizen.objects.get(pk=citizen.pk)
            services.citizen_update(
                actor=actors[index],
                citizen=mine,
                data=services.CitizenInput(
                    cpr=mine.cpr, first_name=mine.first_name, last_name=mine.last_name, city=city
                ),
                version=1,
            )
            outcome[city] = "saved"
        except Conflict:
            outcome[city] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i, c)) for i, c in enumerate(["Tune", "Solrød"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcome.values()) == ["conflict", "saved"]
    winner = next(city for city, result in outcome.items() if result == "saved")
    stored = Citizen.objects.get(pk=citizen.pk)
    assert (stored.city, stored.version) == (winner, 2)
