"""Definitions as data: the shipped ones load, and bad ones are refused at load (issue 13
"Bad input"), with a Danish message naming the file."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from sammen.insight.definitions import (
    DEFINITIONS_DIR,
    DefinitionError,
    content_hash,
    definition_parse,
    definitions_load,
    released_hashes,
)
from sammen.insight.queries import REGISTRY

pytestmark = pytest.mark.django_db


def _doc(name: str = "documentation_current_fsiii.v1.json") -> dict[str, Any]:
    return dict(json.loads((DEFINITIONS_DIR / name).read_text(encoding="utf-8")))


def test_the_shipped_definitions_load_and_each_has_a_query() -> None:
    found = definitions_load()
    assert set(found) >= {
        "citizens_per_area",
        "citizens_in_several_areas",
        "documentation_current_fsiii",
        "break_the_glass_grants",
    }
    for versions in found.values():
        for d in versions:
            assert d.query in REGISTRY
            assert d.threshold >= 5
            assert d.title
            assert d.explanation
            assert d.formula


def test_every_definition_file_is_released_with_its_hash() -> None:
    released = released_hashes()
    for path in DEFINITIONS_DIR.glob("*.v*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert released.get(f"{doc['id']}@{doc['version']}") == content_hash(doc), path.name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(sources=["ingen_tabel_med_dette_navn", *d["sources"]]), "findes ikke"),
        (lambda d: d.update(sources=["citizens_responsibility"]), "som ikke står i 'sources'"),
        (lambda d: d.pop("when_denominator_zero"), "nævner, der kan være 0"),
        (lambda d: d.update(threshold=3), "mindst 5"),
        (lambda d: d.update(query="visits_delivered"), "ingen forespørgsel"),
        (lambda d: d.update(breakdowns=["service"]), "kan ikke fordele på service"),
        (lambda d: d.update(unit="kroner"), "ukendt enhed"),
        (lambda d: d.pop("quality"), "mangler feltet 'quality'"),
        (lambda d: d.update(valid_from="i går"), "valid_from"),
    ],
)
def test_bad_definitions_are_refused_at_load(change: Any, message: str) -> None:
    doc = copy.deepcopy(_doc())
    change(doc)
    with pytest.raises(DefinitionError, match=message) as raised:
        definition_parse(doc, name="test.v1.json")
    assert str(raised.value).startswith("test.v1.json:")


def test_a_released_version_cannot_change(tmp_path: Path) -> None:
    doc = _doc()
    doc["title"] = "Et andet navn"
    with pytest.raises(DefinitionError, match="udgivet med et andet indhold"):
        definition_parse(doc, name="x.json", released=released_hashes())


def test_a_new_version_must_come_later(tmp_path: Path) -> None:
    one = _doc()
    two = copy.deepcopy(one)
    two["version"], two["valid_from"] = 2, "2023-01-01"
    for i, doc in enumerate((one, two), 1):
        (tmp_path / f"doc.v{i}.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DefinitionError, match="senere valid_from"):
        definitions_load(sorted(tmp_path.glob("*.json")))


def test_the_system_check_reports_a_broken_definition(tmp_path: Path, monkeypatch: Any) -> None:
    from sammen.insight import apps, definitions

    bad = _doc()
    bad["threshold"] = 2
    (tmp_path / "bad.v1.json").write_text(json.dumps(bad), encoding="utf-8")
    monkeypatch.setattr(definitions, "DEFINITIONS_DIR", tmp_path)
    [error] = apps._definitions_check()
    assert error.id == "insight.E001"
    assert "mindst 5" in error.msg
