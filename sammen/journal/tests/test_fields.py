"""Template validation per field type, table-driven (pure functions, no database)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sammen.core.errors import ValidationFailed
from sammen.journal.fields import (
    TemplateDefinitionError,
    data_codes,
    data_validate,
    definition_check,
)
from sammen.terminology.selectors import Choice, ValueSetView

TODAY = dt.date(2026, 6, 1)


def _vs(key: str, *choices: Choice) -> ValueSetView:
    by_code = {c.code: c for c in choices} | {c.legacy_code: c for c in choices if c.legacy_code}
    return ValueSetView(key, key.title(), "urn:test", "1", "1", tuple(choices), by_code)


VALUE_SETS = {
    "vs": _vs(
        "vs",
        Choice("uuid-ny", "", "Ny kode", "", True),
        Choice("uuid-gammel", "X1.1", "Gammel kode", "", False),
        Choice("uuid-med-noegle", "X1.2", "Kode med nøgle", "", True),
    )
}


def _template(field: dict[str, Any]) -> dict[str, Any]:
    return {"key": "t", "version": 1, "sections": [{"title": "S", "fields": [field]}]}


CODE = {"key": "f", "type": "code", "label": "Kode", "value_set": "vs", "required": True}
OPTIONS = {
    "key": "f",
    "type": "code",
    "label": "Valg",
    "options": [{"code": "a", "display": "A"}, {"code": "b", "display": "B"}],
}
MULTI = {"key": "f", "type": "multi_code", "label": "Flere", "value_set": "vs", "max_items": 1}
SCALE = {"key": "f", "type": "fsiii_scale", "label": "Niveau", "required": True}
TEXT = {"key": "f", "type": "text", "label": "Tekst", "max_length": 5}
NUMBER = {
    "key": "f",
    "type": "number",
    "label": "Vægt",
    "unit": "kg",
    "min": 20,
    "max": 300,
    "decimals": 1,
}
DATE = {"key": "f", "type": "date", "label": "Dato", "not_future": True}
BOOL = {"key": "f", "type": "boolean", "label": "Ja/nej", "required": True}
GROUP = {
    "key": "f",
    "type": "group",
    "label": "Mål",
    "max_items": 2,
    "required": True,
    "fields": [
        {"key": "maal", "type": "text", "label": "Mål", "required": True},
        {"key": "kode", "type": "code", "label": "Kode", "value_set": "vs"},
    ],
}

VALID: list[tuple[str, dict[str, Any], Any, Any]] = [
    ("code by uuid", CODE, "uuid-ny", "uuid-ny"),
    ("code by legacy key", CODE, "X1.2", "uuid-med-noegle"),
    ("inline option", OPTIONS, "b", "b"),
    ("multi", MULTI, ["uuid-ny"], ["uuid-ny"]),
    ("scale 0", SCALE, 0, 0),
    ("scale 4 as text", SCALE, "4", 4),
    ("scale 9 ikke relevant", SCALE, "9", 9),
    ("text stripped", TEXT, "  hej  ", "hej"),
    ("number with comma", NUMBER, "72,5", 72.5),
    ("number at max", NUMBER, 300, 300.0),
    ("date", DATE, "2026-05-31", "2026-05-31"),
    ("boolean ja", BOOL, "ja", True),
    ("boolean false", BOOL, False, False),
    (
        "group",
        GROUP,
        [{"maal": "Gå tur", "kode": "uuid-ny"}],
        [{"maal": "Gå tur", "kode": "uuid-ny"}],
    ),
    ("group drops empty rows", GROUP, [{"maal": "A"}, {"maal": "", "kode": ""}], [{"maal": "A"}]),
]

INVALID: list[tuple[str, dict[str, Any], Any, str, str]] = [
    ("code missing", CODE, "", "f", "Feltet skal udfyldes."),
    ("code not in value set", CODE, "uuid-fremmed", "f", "Værdien findes ikke i listen «Vs»."),
    ("code retired", CODE, "uuid-gammel", "f", "«Gammel kode» er udgået"),
    ("option unknown", OPTIONS, "c", "f", "Værdien findes ikke i listen «Valg»."),
    ("multi too many", MULTI, ["uuid-ny", "uuid-med-noegle"], "f", "Vælg højst 1."),
    ("scale 5", SCALE, 5, "f", "Vælg et niveau fra 0 til 4, eller 9 (ikke relevant)."),
    ("scale -1", SCALE, "-1", "f", "Vælg et niveau fra 0 til 4"),
    ("scale 8", SCALE, 8, "f", "Vælg et niveau fra 0 til 4"),
    ("scale text", SCALE, "to", "f", "Vælg et niveau fra 0 til 4"),
    ("scale 2.5", SCALE, 2.5, "f", "Vælg et niveau fra 0 til 4"),
    ("scale bool", SCALE, True, "f", "Vælg et niveau fra 0 til 4"),
    ("scale missing", SCALE, None, "f", "Feltet skal udfyldes."),
    ("text too long", TEXT, "abcdef", "f", "Teksten er for lang (højst 5 tegn)."),
    ("text not text", TEXT, 12, "f", "Skriv en tekst."),
    ("number not a number", NUMBER, "tolv", "f", "Skriv et tal."),
    ("number below range", NUMBER, "19,9", "f", "Værdien skal være mellem 20 og 300 kg."),
    ("number above range", NUMBER, 301, "f", "Værdien skal være mellem 20 og 300 kg."),
    ("number too many decimals", NUMBER, "70,25", "f", "Højst 1 decimaler."),
    ("number infinity", NUMBER, "Infinity", "f", "Skriv et tal."),
    ("date malformed", DATE, "31-05-2026", "f", "Skriv en dato som åååå-mm-dd."),
    ("date in future", DATE, "2026-06-02", "f", "Datoen kan ikke ligge i fremtiden."),
    ("boolean unclear", BOOL, "måske", "f", "Vælg ja eller nej."),
    ("boolean missing", BOOL, "", "f", "Feltet skal udfyldes."),
    ("group missing", GROUP, [], "f", "Udfyld mindst én række."),
    ("group too many", GROUP, [{"maal": "a"}, {"maal": "b"}, {"maal": "c"}], "f", "Højst 2"),
    ("group row field missing", GROUP, [{"kode": "uuid-ny"}], "f__0__maal", "Feltet skal"),
    (
        "group row bad code",
        GROUP,
        [{"maal": "a", "kode": "nej"}],
        "f__0__kode",
        "Værdien findes ikke",
    ),
    ("group not a list", GROUP, "tekst", "f", "Gruppen har et ugyldigt format."),
]


@pytest.mark.parametrize(("name", "field", "raw", "expected"), VALID, ids=[v[0] for v in VALID])
def test_valid_values_are_cleaned(
    name: str, field: dict[str, Any], raw: Any, expected: Any
) -> None:
    clean = data_validate(_template(field), {"f": raw}, value_sets=VALUE_SETS, today=TODAY)
    assert clean == {"f": expected}


@pytest.mark.parametrize(
    ("name", "field", "raw", "key", "message"), INVALID, ids=[v[0] for v in INVALID]
)
def test_invalid_values_get_a_danish_message_on_the_field(
    name: str, field: dict[str, Any], raw: Any, key: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        data_validate(_template(field), {"f": raw}, value_sets=VALUE_SETS, today=TODAY)
    assert key in caught.value.field_errors, caught.value.field_errors
    assert any(m.startswith(message) for m in caught.value.field_errors[key]), (
        caught.value.field_errors
    )


def test_optional_empty_fields_are_left_out() -> None:
    assert data_validate(_template(TEXT), {"f": ""}, value_sets=VALUE_SETS, today=TODAY) == {}


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        data_validate(_template(TEXT), {"andet": "x"}, value_sets=VALUE_SETS, today=TODAY)
    assert caught.value.field_errors == {"andet": ["Ukendt felt."]}


def test_a_correction_may_keep_a_retired_code_it_already_had() -> None:
    clean = data_validate(
        _template(CODE),
        {"f": "uuid-gammel"},
        value_sets=VALUE_SETS,
        today=TODAY,
        keep_codes=frozenset({"uuid-gammel"}),
    )
    assert clean == {"f": "uuid-gammel"}
    assert data_codes(_template(CODE), clean) == {"uuid-gammel"}


@given(st.integers(min_value=-100, max_value=100))
def test_the_fsiii_scale_accepts_exactly_0_to_4_and_9(level: int) -> None:
    template = _template(SCALE)
    if level in (0, 1, 2, 3, 4, 9):
        assert data_validate(template, {"f": level}, value_sets={}, today=TODAY) == {"f": level}
    else:
        with pytest.raises(ValidationFailed):
            data_validate(template, {"f": level}, value_sets={}, today=TODAY)


BAD_DEFINITIONS: list[tuple[str, dict[str, Any], str]] = [
    ("unknown type", {"key": "f", "type": "farve", "label": "F"}, "ukendt felttype"),
    (
        "unknown value set",
        {"key": "f", "type": "code", "label": "F", "value_set": "nej"},
        "findes ikke",
    ),
    ("choice without list", {"key": "f", "type": "code", "label": "F"}, "mangler value_set"),
    ("bad key", {"key": "Felt 1", "type": "text", "label": "F"}, "ugyldig"),
    ("no label", {"key": "f", "type": "text"}, "mangler label"),
    (
        "min above max",
        {"key": "f", "type": "number", "label": "F", "min": 5, "max": 1},
        "min er større",
    ),
    ("empty group", {"key": "f", "type": "group", "label": "F", "fields": []}, "skal have felter"),
    (
        "nested group",
        {"key": "f", "type": "group", "label": "F", "fields": [GROUP | {"key": "g"}]},
        "grupper kan ikke",
    ),
]


@pytest.mark.parametrize(
    ("name", "field", "message"), BAD_DEFINITIONS, ids=[b[0] for b in BAD_DEFINITIONS]
)
def test_malformed_template_definitions_are_refused(
    name: str, field: dict[str, Any], message: str
) -> None:
    with pytest.raises(TemplateDefinitionError, match=message):
        definition_check(
            _template(field) | {"permission": "document"},
            value_sets={"vs"},
            permissions={"document"},
        )


def test_subject_must_be_a_required_code() -> None:
    template = _template(TEXT) | {"subject": "f", "permission": "document"}
    with pytest.raises(TemplateDefinitionError, match="subject"):
        definition_check(template, value_sets={"vs"}, permissions={"document"})


def test_a_template_declares_a_known_permission_never_roles() -> None:
    """Who may document is the permission table's business (organisation.permissions)."""
    good = _template(TEXT) | {"permission": "document_health"}
    definition_check(good, value_sets=set(), permissions={"document_health"})
    with pytest.raises(TemplateDefinitionError, match="ikke roller"):
        definition_check(
            good | {"roles": ["sygeplejerske"]}, value_sets=set(), permissions={"document_health"}
        )
    with pytest.raises(TemplateDefinitionError, match="ukendt eller manglende rettighed"):
        definition_check(_template(TEXT), value_sets=set(), permissions={"document_health"})
    with pytest.raises(TemplateDefinitionError, match="ukendt eller manglende rettighed"):
        definition_check(
            _template(TEXT) | {"permission": "kok"},
            value_sets=set(),
            permissions={"document_health"},
        )
