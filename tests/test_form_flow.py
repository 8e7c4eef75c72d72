"""The one form flow (core.forms.form_handle) across citizens, access and organisation.

After a save, an htmx submission gets an HX-Redirect and no page to swap into the form; a
normal one a redirect to a page with one site header and the message. A stale version
(Conflict) answers 409 with the form, what the person typed and a Danish message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from conftest import World
from sammen.citizens import services as citizen_services
from sammen.citizens.models import Citizen
from sammen.citizens.tests.factories import citizen_create
from sammen.core.errors import Conflict
from sammen.organisation.models import StaffMember, UnitKind

HTMX = {"HX-Request": "true"}


@dataclass
class Submission:
    who: str
    url: Callable[[World, Citizen], str]
    data: Callable[[World, Citizen], dict[str, Any]]
    message: str


GOOD = {
    "citizen edit": Submission(
        "nurse",
        lambda w, c: f"/borgere/{c.pk}/rediger/",
        lambda w, c: {
            "cpr": c.cpr_formatted,
            "first_name": "Inger",
            "last_name": "Hansen-Berg",
            "postcode": "2670",
        },
        "Oplysningerne er gemt.",
    ),
    "relative create": Submission(
        "nurse",
        lambda w, c: f"/borgere/{c.pk}/paaroerende/ny/",
        lambda w, c: {"name": "Per Hansen", "relation": "barn"},
        "Den pårørende er tilføjet.",
    ),
    "break-the-glass grant": Submission(
        "therapist",
        lambda w, c: f"/adgang/udvidet/{c.pk}/",
        lambda w, c: {"reason": "akut", "reason_text": "Borgeren er faldet, jeg er kaldt ud."},
        "Du har fået udvidet adgang til borgeren.",
    ),
    "unit create": Submission(
        "administrator",
        lambda w, c: "/administration/enheder/ny/",
        lambda w, c: {
            "name": "Team Nord B",
            "kind": UnitKind.TEAM,
            "area": "aeldre_sundhed",
            "parent": w.district.pk,
        },
        "Enheden Team Nord B er oprettet.",
    ),
    "staff create": Submission(
        "administrator",
        lambda w, c: "/administration/medarbejdere/ny/",
        lambda w, c: {
            "username": "ny.medarbejder",
            "first_name": "Ny",
            "last_name": "Medarbejder",
            "profession": "sosu_hjaelper",
            "password": "lang-og-sikker-kode-2026",
        },
        "Ny Medarbejder er oprettet med brugernavnet ny.medarbejder.",
    ),
}


def _client(world: World, who: str) -> Client:
    return world.client(getattr(world, who))


def _site_headers(html: str) -> int:
    return len(re.findall(r'<header class="site-header"', html))


@pytest.mark.parametrize("name", sorted(GOOD))
def test_htmx_save_answers_hx_redirect_and_never_a_page(world: World, name: str) -> None:
    sub = GOOD[name]
    citizen = citizen_create(world.greve, responsible=world.home_care_team)
    client = _client(world, sub.who)
    response = client.post(sub.url(world, citizen), sub.data(world, citizen), headers=HTMX)
    assert response.status_code == 200, response.content[:2000]
    assert response["HX-Redirect"].startswith("/")
    assert b"<header" not in response.content
    assert b"<html" not in response.content
    landed = client.get(response["HX-Redirect"])
    assert landed.status_code == 200
    assert _site_headers(landed.text) == 1
    assert sub.message in landed.text


@pytest.mark.parametrize("name", sorted(GOOD))
def test_normal_save_redirects_to_one_page_with_the_message(world: World, name: str) -> None:
    sub = GOOD[name]
    citizen = citizen_create(world.greve, responsible=world.home_care_team)
    client = _client(world, sub.who)
    response = client.post(sub.url(world, citizen), sub.data(world, citizen), follow=True)
    assert response.status_code == 200
    assert len(response.redirect_chain) == 1
    assert _site_headers(response.text) == 1
    assert sub.message in response.text


def test_staff_create_lands_on_the_new_staff_members_page(world: World) -> None:
    sub = GOOD["staff create"]
    citizen = citizen_create(world.greve)
    client = _client(world, "administrator")
    response = client.post(sub.url(world, citizen), sub.data(world, citizen), follow=True)
    staff = StaffMember.objects.get(user__username="ny.medarbejder")
    assert response.redirect_chain == [(f"/administration/medarbejdere/{staff.pk}/", 302)]
    assert "<h1>Ny Medarbejder</h1>" in response.text
    assert "Giv medarbejderen en rolle" in response.text


@pytest.mark.parametrize("name", sorted(GOOD))
def test_htmx_bad_input_is_the_form_partial_with_422(world: World, name: str) -> None:
    sub = GOOD[name]
    citizen = citizen_create(world.greve, responsible=world.home_care_team)
    client = _client(world, sub.who)
    data = dict.fromkeys(sub.data(world, citizen), "")
    response = client.post(sub.url(world, citizen), data, headers=HTMX)
    assert response.status_code == 422
    assert response.text.lstrip().startswith("<form")
    assert b"<header" not in response.content
    assert 'class="field__error"' in response.text


def test_stale_version_answers_409_keeps_input_and_shows_what_changed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = citizen_create(world.greve, responsible=world.home_care_team)

    def stale(**kwargs: Any) -> Citizen:
        raise Conflict(changes={"phone": ["", "20304050"]})

    monkeypatch.setattr(citizen_services, "citizen_update", stale)
    client = world.client(world.nurse)
    data = GOOD["citizen edit"].data(world, citizen) | {"phone": "11112222"}
    for headers in (HTMX, {}):
        response = client.post(f"/borgere/{citizen.pk}/rediger/", data, headers=headers)
        assert response.status_code == 409
        assert "Oplysningerne er ændret af en anden, siden du åbnede formularen" in response.text
        assert 'value="Hansen-Berg"' in response.text  # what the person typed
        assert "Telefon: – → 20304050" in response.text  # what the other person changed
        assert "Ændret af en anden: – → 20304050" in response.text  # beside the field
        assert _site_headers(response.text) == (0 if headers else 1)
    assert Citizen.objects.get(pk=citizen.pk).last_name == "Hansen"
