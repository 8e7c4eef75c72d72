"""The phone UI: overview, documenting in three taps, Danish errors with input kept (422)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import World
from sammen.citizens.models import Citizen
from sammen.journal.models import Entry, EntryStatus
from sammen.journal.tests.factories import (
    LAVE_MAD,
    PERSONLIG_PLEJE,
    TRYKSAAR,
    consent_give,
    funktionsevne,
)
from sammen.organisation.models import Area


def _overview(citizen: Citizen) -> str:
    return reverse("journal:overview", kwargs={"citizen_id": citizen.pk})


def _document(citizen: Citizen, key: str = "fsiii-funktionsevnetilstand") -> str:
    return reverse("journal:entry_create", kwargs={"citizen_id": citizen.pk, "template_key": key})


def test_document_a_funktionsevne_item_in_three_taps(world: World, citizen: Citizen) -> None:
    client = world.client(world.sosu_helper)
    page = client.get(_overview(citizen))
    assert page.status_code == 200
    link = f"{_document(citizen)}?tilstand={PERSONLIG_PLEJE}"
    assert link in page.text  # tap 1: "Dokumentér" on the item
    form = client.get(link)
    assert form.status_code == 200
    assert "<h1>Personlig pleje</h1>" in form.text
    assert 'type="hidden" name="tilstand"' in form.text
    # tap 2: the level; tap 3: "Gem"
    saved = client.post(link, {"tilstand": PERSONLIG_PLEJE, "nuvaerende_niveau": "2"})
    assert saved.status_code == 302
    assert saved["Location"] == _overview(citizen)
    entry = Entry.objects.get()
    assert entry.data == {"tilstand": PERSONLIG_PLEJE, "nuvaerende_niveau": 2}
    assert entry.author == world.sosu_helper
    after = client.get(_overview(citizen))
    assert "2 – moderate begrænsninger" in after.text


def test_bad_input_answers_422_with_danish_message_and_keeps_the_input(
    world: World, citizen: Citizen
) -> None:
    client = world.client(world.nurse)
    response = client.post(
        _document(citizen),
        {
            "tilstand": LAVE_MAD,
            "forventet_niveau": "7",
            "faglig_vurdering": "Kan ikke stå ved komfuret",
            "opfoelgning": "i morgen",
        },
    )
    assert response.status_code == 422
    text = response.text
    assert "Feltet skal udfyldes." in text  # nuværende niveau is required
    assert "Vælg et niveau fra 0 til 4, eller 9 (ikke relevant)." in text
    assert "Skriv en dato som åååå-mm-dd." in text
    assert "Kan ikke stå ved komfuret" in text  # typed text kept
    assert 'value="i morgen"' in text
    assert Entry.objects.count() == 0


def test_htmx_gets_the_form_partial_on_error_and_a_client_redirect_on_success(
    world: World, citizen: Citizen
) -> None:
    client = world.client(world.nurse)
    bad = client.post(_document(citizen), {"tilstand": LAVE_MAD}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422
    assert bad.text.lstrip().startswith('<form id="entry-form"')
    good = client.post(
        _document(citizen), {"tilstand": LAVE_MAD, "nuvaerende_niveau": "9"}, HTTP_HX_REQUEST="true"
    )
    assert good.status_code == 200
    assert good["HX-Redirect"] == _overview(citizen)


def test_a_retired_version_posted_from_an_old_form_is_refused(
    world: World, citizen: Citizen
) -> None:
    response = world.client(world.nurse).post(
        _document(citizen),
        {"template_version": "42", "tilstand": LAVE_MAD, "nuvaerende_niveau": "1"},
    )
    assert response.status_code == 422
    assert "findes ikke i version 42" in response.text
    assert Entry.objects.count() == 0


def test_sosu_helper_cannot_open_the_helbred_form(world: World, citizen: Citizen) -> None:
    client = world.client(world.sosu_helper)
    assert client.get(_document(citizen, "fsiii-helbredstilstand")).status_code == 403
    response = client.post(
        _document(citizen, "fsiii-helbredstilstand"),
        {"tilstand": TRYKSAAR, "problem": "aktuelt", "faglig_vurdering": "x"},
    )
    assert response.status_code == 403
    assert Entry.objects.count() == 0
    overview = client.get(_overview(citizen)).text
    assert _document(citizen, "fsiii-helbredstilstand") not in overview
    assert _document(citizen, "fsiii-funktionsevnetilstand") in overview


@pytest.mark.parametrize(("who", "status"), [("politician", 403), ("foreign_nurse", 404)])
def test_who_may_not_see_the_journal(world: World, citizen: Citizen, who: str, status: int) -> None:
    assert world.client(getattr(world, who)).get(_overview(citizen)).status_code == status


def test_correct_and_mark_in_error_through_the_pages(world: World, citizen: Citizen) -> None:
    nurse = world.actor(world.nurse)
    client = world.client(world.nurse)
    v1 = funktionsevne(nurse, citizen, LAVE_MAD, 2, days_ago=1)
    url = reverse("journal:entry_correct", kwargs={"entry_id": v1.pk})
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="2"' in form.text
    assert "checked" in form.text
    no_reason = client.post(url, {"tilstand": LAVE_MAD, "nuvaerende_niveau": "3"})
    assert no_reason.status_code == 422
    assert "Skriv en begrundelse." in no_reason.text
    ok = client.post(url, {"tilstand": LAVE_MAD, "nuvaerende_niveau": "3", "reason": "Tastefejl"})
    assert ok.status_code == 302
    v2 = Entry.objects.get(replaces=v1)
    again = client.get(url)  # the old version is corrected: offered the newest instead
    assert again.status_code == 302
    detail = client.get(reverse("journal:entry_detail", kwargs={"entry_id": v1.pk}))
    assert "Tastefejl" in detail.text
    assert "version 2" in detail.text
    error_url = reverse("journal:entry_mark_in_error", kwargs={"entry_id": v2.pk})
    assert client.post(error_url, {"reason": ""}).status_code == 422
    assert client.post(error_url, {"reason": "Forkert borger"}).status_code == 302
    assert Entry.objects.get(replaces=v2).status == EntryStatus.ENTERED_IN_ERROR
    history = client.get(
        reverse("journal:item_history", kwargs={"citizen_id": citizen.pk, "code": LAVE_MAD})
    )
    assert history.text.count("entry--replaced") == 2
    assert "Fejlregistrering" in history.text


def test_the_ffb_template_has_a_repeating_group_in_the_form(world: World, citizen: Citizen) -> None:
    consent_give(world, citizen, Area.ELDERLY_HEALTH)  # FFB data shared with home care
    client = world.client(world.nurse)
    url = _document(citizen, "ffb-tilstand")
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="maal__0__maal"' in page.text
    more = client.post(url, {"maal__0__maal": "Handle selv", "maal__add": "1"})
    assert more.status_code == 422  # not saved: required fields missing, one more row shown
    assert 'name="maal__1__maal"' in more.text
    assert "Handle selv" in more.text


def test_the_citizen_page_shows_the_journal_section(world: World, citizen: Citizen) -> None:
    funktionsevne(world.actor(world.nurse), citizen, LAVE_MAD, 3)
    page = world.client(world.nurse).get(
        reverse("citizens:overview", kwargs={"citizen_id": citizen.pk})
    )
    assert page.status_code == 200
    assert "Journal (borgerblik)" in page.text
    assert "3 – svære begrænsninger" in page.text


def test_correcting_a_version_someone_else_corrected_meanwhile_answers_409(
    world: World, citizen: Citizen
) -> None:
    """Two people open the correction form of the same version; the second save is refused
    with 409, the form comes back with what they typed, and the first correction stands."""
    v1 = funktionsevne(world.actor(world.nurse), citizen, LAVE_MAD, 2, days_ago=1)
    url = reverse("journal:entry_correct", kwargs={"entry_id": v1.pk})
    first = world.client(world.nurse)
    second = world.client(world.sosu_helper)
    assert first.get(url).status_code == second.get(url).status_code == 200
    ok = first.post(url, {"tilstand": LAVE_MAD, "nuvaerende_niveau": "3", "reason": "Tastefejl"})
    assert ok.status_code == 302
    stale = second.post(url, {"tilstand": LAVE_MAD, "nuvaerende_niveau": "1", "reason": "Bedre"})
    assert stale.status_code == 409
    assert "allerede rettet af en anden" in stale.text
    assert "Bedre" in stale.text  # the typed reason is kept
    v2 = Entry.objects.get(replaces=v1)
    assert v2.data["nuvaerende_niveau"] == 3
    assert Entry.objects.filter(chain_id=v1.chain_id).count() == 2
    in_error = reverse("journal:entry_mark_in_error", kwargs={"entry_id": v1.pk})
    assert second.post(in_error, {"reason": "Forkert borger"}).status_code == 409
    assert Entry.objects.filter(chain_id=v1.chain_id).count() == 2
