"""The care chain's rules: each bad input of issue 10 is a Danish 422 with nothing saved, the
second of two concurrent decisions is a 409, and the provider unit gets a care relation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from conftest import World
from sammen.access import policy
from sammen.access.models import ChangeLogEntry
from sammen.care_plans import services
from sammen.care_plans.models import (
    Case,
    CaseStatus,
    Decision,
    DecisionOutcome,
    FollowUp,
    Request,
    RequestStatus,
    Service,
    ServiceStatus,
)
from sammen.care_plans.tests import factories as cf
from sammen.citizens.models import Citizen, CitizenStatus
from sammen.core.errors import Conflict, Forbidden, ValidationFailed
from sammen.journal.tests.factories import citizen_create
from sammen.organisation.models import Area, StaffMember
from sammen.organisation.tests import factories as f
from sammen.terminology.models import Concept, ConceptStatus

pytestmark = pytest.mark.django_db


def test_request_case_decision_follow_up(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    actor = world.actor(assessor)
    case = cf.case_make(actor, citizen)
    assert case.request.status == RequestStatus.ASSESSING
    decision = cf.decision_make(actor, case, world.home_care_team)
    assert decision.outcome == DecisionOutcome.GRANTED
    service = decision.services.get()
    assert (service.minutes, service.weekdays) == (25, [1, 4])  # norm from the catalogue
    assert service.goals.get().text == "Klare badet selv igen"
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    assert Request.objects.get(pk=case.request_id).status == RequestStatus.DECIDED
    follow_up = FollowUp.objects.get(service=service)
    assert follow_up.due_on == timezone.localdate() + dt.timedelta(days=90)
    e1 = cf.E_CONTINUES
    done = services.follow_up_record(
        actor=actor,
        follow_up_id=follow_up.pk,
        version=follow_up.version,
        result_code=e1,
        note="Går fint",
        next_due=timezone.localdate() + dt.timedelta(days=100),
    )
    assert done.done_at is not None
    assert FollowUp.objects.filter(service=service, done_at__isnull=True).count() == 1
    assert ChangeLogEntry.objects.filter(citizen_id=citizen.pk).count() >= 6


def test_ending_and_revisitation(world: World, assessor: StaffMember, citizen: Citizen) -> None:
    actor = world.actor(assessor)
    decision = cf.decision_make(actor, cf.case_make(actor, citizen), world.home_care_team)
    fu = FollowUp.objects.get(service__decision=decision)
    services.follow_up_record(
        actor=actor,
        follow_up_id=fu.pk,
        version=fu.version,
        result_code=cf.E_REVISIT,
        note="Har brug for mere",
    )
    service = Service.objects.get(decision=decision)
    assert service.status == ServiceStatus.ENDED
    assert service.granted_to == timezone.localdate()
    assert Request.objects.filter(citizen=citizen, status=RequestStatus.NEW).count() == 1


def test_refusal_and_partial_grant(world: World, assessor: StaffMember, citizen: Citizen) -> None:
    actor = world.actor(assessor)
    refused = cf.decision_make(
        actor,
        cf.case_make(actor, citizen),
        None,
        refused=True,
        refusal_reason="Kan selv med hjælpemiddel",
    )
    assert refused.outcome == DecisionOutcome.REFUSED
    assert not FollowUp.objects.filter(service__decision=refused).exists()
    partial = cf.decision_make(
        actor, cf.case_make(actor, citizen), world.home_care_team, requested_times=5
    )
    assert partial.outcome == DecisionOutcome.PARTIAL


BAD = [
    ("legal_basis", {"legal_basis": ""}, "lovgrundlaget"),
    ("legal_basis", {"legal_basis": "sel-85"}, "gælder ikke for dette område"),
    ("granted_to", {"granted_to": dt.date(2020, 1, 1)}, "før startdatoen"),
    ("times", {"times": 0}, "mindst 1"),
    ("code", {"code": cf.SOCIALPAED}, "andet kodesystem"),
    ("code", {"code": "ikke-en-kode"}, "findes ikke"),
    ("provider_unit_id", {"provider_unit_id": None}, "leverandør"),
]


@pytest.mark.parametrize(("field", "change", "words"), BAD)
def test_bad_service_input_is_a_danish_message_beside_the_field_and_nothing_is_saved(
    world: World,
    assessor: StaffMember,
    citizen: Citizen,
    field: str,
    change: dict[str, Any],
    words: str,
) -> None:
    actor = world.actor(assessor)
    case = cf.case_make(actor, citizen)
    with pytest.raises(ValidationFailed) as error:
        cf.decision_make(actor, case, world.home_care_team, **change)
    assert words in " ".join(error.value.field_errors[f"services-0-{field}"])
    assert not Decision.objects.exists()
    assert not Service.objects.exists()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_a_retired_indsats_code_is_refused(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    import json
    from pathlib import Path

    from sammen.terminology.loader import value_sets_load

    actor = world.actor(assessor)
    case = cf.case_make(actor, citizen)
    # A newer FSIII version without the code marks it retired; the value sets follow.
    Concept.objects.filter(code=cf.PERSONLIG_HYGIEJNE).update(status=ConceptStatus.RETIRED)
    data = Path(__file__).parents[2] / "terminology/data/valuesets-care-plans-2026.1.json"
    value_sets_load(json.loads(data.read_text(encoding="utf-8")))
    with pytest.raises(ValidationFailed) as error:
        cf.decision_make(actor, case, world.home_care_team)
    assert "udgået" in error.value.field_errors["services-0-code"][0]


def test_a_provider_unit_of_another_municipality_is_refused(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    actor = world.actor(assessor)
    case = cf.case_make(actor, citizen)
    with pytest.raises(ValidationFailed) as error:
        cf.decision_make(actor, case, world.solrod_team)
    assert error.value.field_errors["services-0-provider_unit_id"] == [
        "Leverandøren findes ikke i kommunen."
    ]


def test_no_decision_on_a_deceased_citizen(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    actor = world.actor(assessor)
    case = cf.case_make(actor, citizen)
    Citizen.objects.filter(pk=citizen.pk).update(status=CitizenStatus.DECEASED)
    with pytest.raises(ValidationFailed) as error:
        cf.decision_make(actor, case, world.home_care_team)
    assert "død" in error.value.field_errors["citizen"][0]
    assert not Decision.objects.exists()


def test_two_visitators_deciding_the_same_case_the_second_gets_409(
    world: World, assessor: StaffMember, second_assessor: StaffMember, citizen: Citizen
) -> None:
    first, second = world.actor(assessor), world.actor(second_assessor)
    case = cf.case_make(first, citizen)
    stale = Case.objects.get(pk=case.pk)
    cf.decision_make(first, case, world.home_care_team)
    with pytest.raises(Conflict) as error:
        cf.decision_make(second, stale, world.home_care_team)
    assert error.value.changes["status"] == ["open", "decided"]
    assert Decision.objects.count() == 1


def test_ffb_themes_only_for_the_social_area_and_only_with_ffb_levels(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    actor = world.actor(assessor)
    with pytest.raises(ValidationFailed) as error:
        cf.case_make(actor, citizen, ffb_themes={cf.FFB_EGENOMSORG: cf.FFB_LET})
    assert "kun på voksen-socialområdet" in error.value.field_errors["ffb_themes"][0]
    # In the social area an FSIII severity (B-level) is not an FFB level.
    social = f.unit_create(
        world.greve, "Bostøtte", area=Area.DISABILITY_PSYCHIATRY, parent=world.admin_unit
    )
    social_assessor = world.actor(f.staff_create(social, "visitator", username="socvis"))
    other = citizen_create(social, area=Area.DISABILITY_PSYCHIATRY)
    request = cf.request_make(social_assessor, other, area=Area.DISABILITY_PSYCHIATRY)
    fsiii_level = "B2"
    with pytest.raises(ValidationFailed) as error:
        services.case_save(
            actor=social_assessor,
            request_id=request.pk,
            data=services.CaseInput(ffb_themes={cf.FFB_EGENOMSORG: fsiii_level}),
        )
    assert "FFB-funktionsevneniveau" in error.value.field_errors["ffb_themes"][0]
    case = services.case_save(
        actor=social_assessor,
        request_id=request.pk,
        data=services.CaseInput(ffb_themes={cf.FFB_EGENOMSORG: cf.FFB_LET}),
    )
    assert case.ffb_themes == {cf.FFB_EGENOMSORG: cf.FFB_LET}


def test_only_visitators_visitate(world: World, citizen: Citizen) -> None:
    with pytest.raises(Forbidden):
        cf.request_make(world.actor(world.nurse), citizen)


def test_the_provider_unit_has_a_care_relation_for_the_service_period(
    world: World, assessor: StaffMember, citizen: Citizen
) -> None:
    actor = world.actor(assessor)
    # The training team has no responsibility for the citizen: no relation before the grant.
    assert not policy.decide(actor=world.actor(world.therapist), citizen=citizen).allowed
    start = timezone.localdate() + dt.timedelta(days=7)
    cf.decision_make(
        actor,
        cf.case_make(actor, citizen),
        world.training_team,
        granted_from=start,
        granted_to=start + dt.timedelta(days=30),
    )
    assert not policy.decide(actor=world.actor(world.therapist), citizen=citizen).allowed
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        assert policy.decide(actor=world.actor(world.therapist), citizen=citizen).allowed
    with time_machine.travel(start + dt.timedelta(days=40), tick=False):
        assert not policy.decide(actor=world.actor(world.therapist), citizen=citizen).allowed


def test_request_for_another_municipalitys_citizen_is_not_found(
    world: World, assessor: StaffMember, content: object
) -> None:
    from sammen.core.errors import NotFound

    foreign = citizen_create(world.solrod_team)
    with pytest.raises(NotFound):
        cf.request_make(world.actor(assessor), foreign)


def test_bad_request_input(world: World, assessor: StaffMember, citizen: Citizen) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.request_create(
            actor=world.actor(assessor),
            citizen_id=citizen.pk,
            data=services.RequestInput(area=Area.ELDERLY_HEALTH, source_code="E1", subject=""),
        )
    assert set(error.value.field_errors) == {"source_code", "subject"}
    assert not Request.objects.exists()
