"""The served-data check itself can fail: it finds citizen-owned models on its own, sees
`.values()` reads, and catches another area's rows shown without consent."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from conftest import World
from sammen.access.log import access_log_record
from sammen.citizens.models import Citizen, Consent, Relative, Responsibility
from sammen.citizens.tests.factories import citizen_create
from sammen.journal.models import Entry
from sammen.organisation.models import OrgUnit
from tests import served_data


def _serve(world: World, view: Any) -> list[str]:
    request = RequestFactory().get("/x/")
    request.actor = world.actor(world.nurse)  # type: ignore[attr-defined]
    served_data.FAILURES.clear()
    served_data.ServedCitizenDataMiddleware(view)(request)
    found = list(served_data.FAILURES)
    served_data.FAILURES.clear()  # the autouse fixture must not fail this test for it
    return found


def test_every_model_with_a_citizen_key_is_found() -> None:
    found = served_data.citizen_models()
    for model in (Citizen, Relative, Consent, Responsibility, Entry):
        assert model in found
    assert found[Citizen] == "pk"
    assert found[Entry] == "citizen"


def test_a_values_read_without_a_log_row_fails(world: World) -> None:
    citizen = citizen_create(world.greve, "Ulogget", "Borger")

    def view(request: HttpRequest) -> HttpResponse:
        names = list(Citizen.objects.filter(pk=citizen.pk).values_list("first_name", flat=True))
        return HttpResponse(", ".join(names))

    assert _serve(world, view) == ["GET /x/ served 1 citizen(s) without an access-log row"]


def test_an_id_lookup_is_not_serving_data(world: World) -> None:
    citizen = citizen_create(world.greve)

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(Citizen.objects.filter(pk=citizen.pk).values_list("pk").first()))

    assert _serve(world, view) == []


def test_a_logged_read_passes(world: World) -> None:
    citizen = citizen_create(world.greve)

    def view(request: HttpRequest) -> HttpResponse:
        access_log_record(actor=request.actor, citizen_ids=[citizen.pk], operation="view")  # type: ignore[attr-defined]
        return HttpResponse(Citizen.objects.get(pk=citizen.pk).first_name)

    assert _serve(world, view) == []


@pytest.mark.parametrize(("purpose", "fails"), [("care_relation", True), ("consent", False)])
def test_another_areas_entry_needs_consent_in_the_log(
    world: World, purpose: str, fails: bool
) -> None:
    """A section that shows another area's journal without asking the policy fails."""
    from sammen.journal.loader import content_load
    from sammen.journal.tests.factories import PERSONLIG_PLEJE, note

    content_load()
    citizen = citizen_create(world.greve, responsible=world.home_care_team)
    entry = note(world.actor(world.nurse), citizen, PERSONLIG_PLEJE, "Klarer sig.")
    # The nurse's team now works in another area than the entry's.
    OrgUnit.objects.filter(pk=world.home_care_team.pk).update(area="handicap_psykiatri")

    def view(request: HttpRequest) -> HttpResponse:
        access_log_record(
            actor=request.actor,  # type: ignore[attr-defined]
            citizen_ids=[citizen.pk],
            operation="view",
            purpose=purpose,
        )
        return HttpResponse(str(Entry.objects.get(pk=entry.pk).data))

    failures = _serve(world, view)
    assert bool(failures) is fails
    if fails:
        assert "of area aeldre_sundhed without consent" in failures[0]
