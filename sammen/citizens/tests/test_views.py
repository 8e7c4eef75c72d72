"""The citizen pages: search by POST, borgerblik, forms with Danish 422s, tenancy."""

from __future__ import annotations

import datetime as dt

from conftest import World
from sammen.access.models import AccessLogEntry
from sammen.citizens.forms import ConsentForm
from sammen.citizens.models import Citizen
from sammen.citizens.tests.factories import citizen_create, fictitious_cpr
from sammen.core.tests.helpers import stable_body


def test_search_posts_so_no_cpr_in_url(world: World) -> None:
    citizen = citizen_create(world.greve, "Karen", "Blixen")
    client = world.client(world.nurse)
    page = client.get("/borgere/")
    assert 'method="post"' in page.text
    response = client.post("/borgere/", {"q": citizen.cpr}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Karen Blixen" in response.text
    assert citizen.cpr_masked in response.text
    assert citizen.cpr not in response.text  # masked in lists


def test_overview_shows_header_and_logs_the_read(world: World) -> None:
    citizen = citizen_create(world.greve, "Karen", "Blixen", responsible=world.home_care_team)
    response = world.client(world.nurse).get(f"/borgere/{citizen.pk}/")
    assert response.status_code == 200
    assert "Karen Blixen" in response.text
    assert "Team Nord A" in response.text
    assert citizen.cpr not in response.text
    assert response["Cache-Control"] == "no-store, private"
    row = AccessLogEntry.objects.get(citizen_id=citizen.pk, operation="view", object_type="citizen")
    assert row.staff_id == world.nurse.pk
    assert row.unit_name == "Team Nord A"


def test_full_cpr_only_on_request_and_logged(world: World) -> None:
    citizen = citizen_create(world.greve)
    client = world.client(world.nurse)
    response = client.post(f"/borgere/{citizen.pk}/cpr/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert citizen.cpr_formatted in response.text
    assert AccessLogEntry.objects.filter(citizen_id=citizen.pk, object_type="cpr").count() == 1


def test_foreign_citizen_is_404_like_missing(world: World) -> None:
    foreign = citizen_create(world.solrod)
    client = world.client(world.nurse)
    a = client.get(f"/borgere/{foreign.pk}/")
    b = client.get("/borgere/00000000-0000-0000-0000-000000000000/")
    assert a.status_code == b.status_code == 404
    assert stable_body(a.text) == stable_body(b.text)


def test_politician_never_sees_a_named_citizen(world: World) -> None:
    citizen = citizen_create(world.greve)
    client = world.client(world.politician)
    assert client.get(f"/borgere/{citizen.pk}/").status_code == 403
    assert client.post("/borgere/", {"q": "inger"}).status_code == 403
    assert not AccessLogEntry.objects.filter(citizen_id=citizen.pk).exists()


def test_create_form_bad_input_is_422_with_danish_messages_and_input_kept(world: World) -> None:
    client = world.client(world.nurse)
    response = client.post(
        "/borgere/ny/",
        {"cpr": "310241-1234", "first_name": "Ellen", "last_name": "", "postcode": "26"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "første seks cifre er ikke en gyldig dato" in response.text
    assert "Dette felt er påkrævet." in response.text or "Skriv borgerens navn." in response.text
    assert 'value="Ellen"' in response.text
    assert Citizen.objects.count() == 0


def test_create_then_duplicate_is_422(world: World) -> None:
    client = world.client(world.nurse)
    form = {
        "cpr": fictitious_cpr(dt.date(1944, 8, 9)),
        "first_name": "Ellen",
        "last_name": "Holm",
        "postcode": "2670",
    }
    assert client.post("/borgere/ny/", form).status_code == 302
    response = client.post("/borgere/ny/", form)
    assert response.status_code == 422
    assert "Der findes allerede en borger med dette CPR-nummer" in response.text
    assert Citizen.objects.count() == 1


def test_consent_and_relative_forms(world: World) -> None:
    citizen = citizen_create(world.greve)
    client = world.client(world.nurse)
    response = client.post(
        f"/borgere/{citizen.pk}/samtykker/ny/",
        {
            "area": "handicap_psykiatri",
            "scope": "alle",
            "basis": "lovhjemmel",
            "given_on": "2025-01-10",
        },
    )
    assert response.status_code == 422
    assert "Angiv lovhjemlen" in response.text
    response = client.post(
        f"/borgere/{citizen.pk}/paaroerende/ny/",
        {"name": "Per Hansen", "relation": "barn", "phone": "20202020", "is_primary_contact": "on"},
    )
    assert response.status_code == 302
    page = client.get(f"/borgere/{citizen.pk}/")
    assert "Per Hansen" in page.text
    assert "primær kontakt" in page.text


def test_status_form_with_bad_date_is_422(world: World) -> None:
    citizen = citizen_create(world.greve)
    response = world.client(world.nurse).post(
        f"/borgere/{citizen.pk}/status/", {"status": "deceased", "status_date": ""}
    )
    assert response.status_code == 422
    assert "Angiv datoen." in response.text


def test_full_cpr_of_a_citizen_out_of_reach_offers_break_the_glass(world: World) -> None:
    """Not "0 borgere fundet": the page offers break-the-glass for exactly that citizen, by id,
    and says nothing else about them; the attempt is logged as a refused search."""
    hidden = citizen_create(world.greve, "Hemmelig", "Person", responsible=world.training_team)
    client = world.client(world.nurse)
    for headers in ({"HX-Request": "true"}, {}):
        response = client.post("/borgere/", {"q": hidden.cpr_formatted}, headers=headers)
        assert response.status_code == 200
        assert f'href="/adgang/udvidet/{hidden.pk}/"' in response.text
        assert "ingen aktuel plejerelation" in response.text
        assert "borgere fundet" not in response.text
        assert "Hemmelig" not in response.text
        assert hidden.cpr not in response.text
        assert hidden.cpr_formatted not in response.text.replace(
            f'value="{hidden.cpr_formatted}"', ""
        )  # only the typed query is echoed back in the box
    rows = AccessLogEntry.objects.filter(operation="search", citizen_id=hidden.pk)
    assert {r.outcome for r in rows} == {"denied"}
    assert all(hidden.cpr not in r.criterion for r in rows)
    # The offer leads to the break-the-glass form for that citizen.
    assert client.get(f"/adgang/udvidet/{hidden.pk}/").status_code == 200


def test_no_break_the_glass_offer_for_partial_or_foreign_matches(world: World) -> None:
    hidden = citizen_create(world.greve, "Hemmelig", "Person", responsible=world.training_team)
    foreign = citizen_create(world.solrod, "Fremmed", "Borger")
    client = world.client(world.nurse)
    for query in (hidden.cpr[:6], "Hemmelig", foreign.cpr):
        response = client.post("/borgere/", {"q": query}, headers={"HX-Request": "true"})
        assert "/adgang/udvidet/" not in response.text
        assert "Ingen borgere matcher søgningen." in response.text
        assert "0 borgere fundet" not in response.text


def test_date_pickers_get_iso_dates() -> None:
    """<input type="date"> only understands YYYY-MM-DD; a localised date shows as empty and
    comes back empty (the consent form then failed with "field required")."""
    html = str(ConsentForm(initial={"given_on": dt.date(2026, 12, 2)})["given_on"])
    assert 'type="date" name="given_on" value="2026-12-02"' in html


def test_showing_a_form_is_a_logged_view(world: World) -> None:
    """The form pages show the citizen's name: each GET writes a view row (T08)."""
    citizen = citizen_create(world.greve, responsible=world.home_care_team)
    client = world.client(world.nurse)
    for path in ("paaroerende/ny/", "samtykker/ny/", "ansvar/"):
        before = AccessLogEntry.objects.filter(citizen_id=citizen.pk, outcome="success").count()
        assert client.get(f"/borgere/{citizen.pk}/{path}").status_code == 200
        after = AccessLogEntry.objects.filter(citizen_id=citizen.pk, outcome="success").count()
        assert after == before + 1, path


def test_my_citizens_page_lists_and_logs_the_units_citizens(world: World) -> None:
    from sammen.access.models import AccessLogEntry
    from sammen.citizens.tests.factories import citizen_create

    mine = citizen_create(world.greve, "Min", "Borger", responsible=world.home_care_team)
    other = citizen_create(world.greve, "Anden", "Borger", responsible=world.training_team)
    response = world.client(world.nurse).get("/borgere/mine/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Min Borger" in body
    assert "Anden Borger" not in body
    logged = set(
        AccessLogEntry.objects.filter(object_type="citizen_list").values_list(
            "citizen_id", flat=True
        )
    )
    assert logged == {mine.pk}
    assert other.pk not in logged
    assert world.client(world.director).get("/borgere/mine/").status_code == 403
