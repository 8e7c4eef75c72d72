"""The pages of the chain as a visitator uses them; bad input is 422 beside the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import World
from sammen.care_plans.models import Decision, FollowUp, Request, Service
from sammen.care_plans.tests import factories as cf
from sammen.citizens.models import Citizen
from sammen.organisation.models import StaffMember

pytestmark = pytest.mark.django_db


def _source(code: str) -> str:
    from sammen.terminology.selectors import value_sets_get

    found = value_sets_get(keys=["fsiii-henvendelse-fra"])["fsiii-henvendelse-fra"].find(code)
    assert found is not None
    return found.code


def test_the_chain_in_the_browser(world: World, assessor: StaffMember, citizen: Citizen) -> None:
    client = world.client(assessor)
    url = reverse("care_plans:request_create", kwargs={"citizen_id": citizen.pk})
    assert client.get(url).status_code == 200
    bad = client.post(url, {"area": "aeldre_sundhed", "source_code": "", "subject": "x"})
    assert bad.status_code == 422
    assert "field__error" in bad.content.decode()
    done = client.post(
        url,
        {
            "area": "aeldre_sundhed",
            "source_code": _source("A2"),
            "subject": "Kan ikke længere klare rengøring",
        },
    )
    assert done.status_code == 302
    request = Request.objects.get(citizen=citizen)
    assert client.get(reverse("care_plans:worklist")).status_code == 200
    case_url = reverse("care_plans:case", kwargs={"request_id": request.pk})
    assert client.get(case_url).status_code == 200
    done = client.post(
        case_url,
        {"citizen_view": "Vil klare mig selv", "overall_assessment": "Behov for rengøring"},
    )
    assert done.status_code == 302
    decision_url = done["Location"]
    assert client.get(decision_url).status_code == 200
    form = {
        "version": "1",
        "code": cf.RENGOERING,
        "legal_basis": "aeldre-helhedspleje",
        "granted_from": timezone.localdate().isoformat(),
        "times": "0",
        "per": "week",
        "provider_unit_id": str(world.home_care_team.pk),
        "reasoning": "Behov for hjælp",
        "goal_kind": "citizen",
        "goal_text": "Et rent hjem",
    }
    bad = client.post(decision_url, form)
    assert bad.status_code == 422
    assert "Hyppigheden skal være mindst 1 gang." in bad.content.decode()
    assert not Decision.objects.exists()
    form["times"] = "1"
    done = client.post(decision_url, form)
    assert done.status_code == 302, done.content.decode()[:2000]
    made = Decision.objects.get()
    page = client.get(done["Location"])
    assert page.status_code == 200
    letter = client.get(reverse("care_plans:letter", kwargs={"decision_id": made.pk}))
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    plan = client.get(reverse("care_plans:plan", kwargs={"citizen_id": citizen.pk}))
    assert "Et rent hjem" in plan.content.decode()
    fu = FollowUp.objects.get()
    fu_url = reverse("care_plans:follow_up", kwargs={"follow_up_id": fu.pk})
    assert client.get(fu_url).status_code == 200
    bad = client.post(fu_url, {"version": fu.version, "result_code": _source_e("E1")})
    assert bad.status_code == 422
    done = client.post(
        fu_url, {"version": fu.version, "result_code": _source_e("E3"), "note": "Klarer sig"}
    )
    assert done.status_code == 302
    assert Service.objects.get().status == "ended"
    sent = client.post(
        reverse("care_plans:decision_sent", kwargs={"decision_id": made.pk}),
        {"version": made.version},
    )
    assert sent.status_code == 302
    assert Decision.objects.get().sent_at is not None
    overview = client.get(reverse("citizens:overview", kwargs={"citizen_id": citizen.pk}))
    assert overview.status_code == 200


def _source_e(code: str) -> str:
    from sammen.terminology.selectors import value_sets_get

    vs = value_sets_get(keys=["fsiii-resultat-af-opfoelgning"])["fsiii-resultat-af-opfoelgning"]
    found = vs.find(code)
    assert found is not None
    return found.code


def test_team_leader_list(world: World, assessor: StaffMember, citizen: Citizen) -> None:
    actor = world.actor(assessor)
    cf.decision_make(
        actor,
        cf.case_make(actor, citizen),
        world.home_care_team,
        granted_to=timezone.localdate() + dt.timedelta(days=20),
    )
    page = world.client(world.leader).get(reverse("care_plans:team_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("Else Jensen") == 2  # new, and ending within 30 days


def test_a_nurse_cannot_visitate_but_sees_the_plan(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    actor = world.actor(assessor)
    cf.decision_make(actor, cf.case_make(actor, citizen), world.home_care_team)
    nurse = world.client(world.nurse)
    assert nurse.get(reverse("care_plans:worklist")).status_code == 403
    plan = nurse.get(reverse("care_plans:plan", kwargs={"citizen_id": citizen.pk}))
    assert plan.status_code == 200
    assert "Personlig hygiejne" in plan.content.decode()
    page = nurse.get(reverse("citizens:overview", kwargs={"citizen_id": citizen.pk}))
    assert "Personlig hygiejne: 2 gange om ugen (mandag, torsdag)" in page.content.decode()


def test_another_municipality_gets_404(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    actor = world.actor(assessor)
    made = cf.decision_make(actor, cf.case_make(actor, citizen), world.home_care_team)
    foreign = world.client(world.foreign_nurse)
    for url in (
        reverse("care_plans:decision", kwargs={"decision_id": made.pk}),
        reverse("care_plans:letter", kwargs={"decision_id": made.pk}),
        reverse("care_plans:plan", kwargs={"citizen_id": citizen.pk}),
    ):
        assert foreign.get(url).status_code == 404
