"""A sample of the facade's resources against the KL Gateway profiles' required and forbidden
elements (tests/klgateway_rules.py), and the checks can fail."""

from __future__ import annotations

import copy

from conftest import World
from sammen.fhir import codes
from sammen.fhir.resources import condition, observation_journal, patient
from sammen.fhir.resources._journal import displays
from sammen.fhir.tests import klgateway_rules as rules
from sammen.fhir.tests.conftest import Care
from sammen.fhir.tests.helpers import validate


def _sample(care: Care) -> dict[str, dict[str, object]]:
    concepts = displays([care.function, care.health])
    rating_kind = next(k for k in observation_journal.KINDS if k.suffix == "udfoerelse")
    sample = {
        "citizen": patient.to_klgateway(care.citizen, sor_code=patient.sor_code_for("253")),
        "home": condition.to_fhir(care.function, concepts, klgateway=True),
        "nursing": condition.to_fhir(care.health, concepts, klgateway=True),
        "rating": observation_journal.to_fhir(care.function, rating_kind, concepts),
    }
    for resource in sample.values():
        assert resource is not None
        validate(resource)
    return sample  # type: ignore[return-value]


def test_the_sample_meets_the_kl_gateway_profiles(world: World, care: Care) -> None:
    sample = _sample(care)
    assert rules.care_citizen(sample["citizen"]) == []
    assert rules.care_condition(sample["home"], home_care=True) == []
    assert rules.care_condition(sample["nursing"], home_care=False) == []
    assert rules.care_citizens_own_observation(sample["rating"]) == []


def test_the_checks_can_fail(world: World, care: Care) -> None:
    sample = _sample(care)
    api_patient = patient.to_fhir(care.citizen, may_see_cpr=True)
    assert "name is not allowed" in rules.care_citizen(api_patient)
    with_note = copy.deepcopy(sample["home"])
    with_note["note"] = [{"text": "fri tekst"}]
    assert rules.care_condition(with_note, home_care=True) == ["note is not allowed"]
    nursing_with_severity = copy.deepcopy(sample["nursing"])
    nursing_with_severity["severity"] = sample["home"]["severity"]
    assert rules.care_condition(nursing_with_severity, home_care=False) == [
        "severity is not allowed for nursing conditions"
    ]
    wrong_value = copy.deepcopy(sample["rating"])
    wrong_value["code"] = {"coding": [{"system": codes.FSIII, "code": codes.FSIII_IMPORTANCE}]}
    assert rules.care_citizens_own_observation(wrong_value) == ["a D observation has a D1–D2 value"]


def test_fsiii_scale_uuids_are_those_of_the_loaded_code_system(world: World, care: Care) -> None:
    from sammen.terminology.models import Concept

    loaded = dict(
        Concept.objects.filter(
            code_system__url=codes.FSIII, legacy_code__startswith="B"
        ).values_list("legacy_code", "code")
    )
    for uuid_code, key in codes.FSIII_SEVERITY.values():
        assert loaded[key] == uuid_code
    assert loaded["B"] == observation_journal.FSIII_SCALE_GROUP
