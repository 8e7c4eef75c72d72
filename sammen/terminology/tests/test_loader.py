"""Code systems and value sets load idempotently from the versioned files; a new version
updates concepts and retires the ones it lacks (never deletes them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sammen.journal.loader import content_load
from sammen.terminology.loader import code_system_load, value_sets_load
from sammen.terminology.models import CodeSystem, Concept, ConceptStatus, ValueSet
from sammen.terminology.selectors import value_sets_get

DATA = Path(__file__).resolve().parents[1] / "data"
FSIII = "urn:oid:1.2.208.176.2.21"
VASKE_SIG = "4d46bd94-9518-431c-82e8-ebb91bca307a"
PERSONLIG_PLEJE = "feb38b55-c2d7-4d57-99c2-93622eaa0025"


def _fsiii() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((DATA / "fsiii-20240530.json").read_text(encoding="utf-8"))
    return doc


@pytest.mark.django_db
def test_the_project_files_load_idempotently() -> None:
    first = content_load()
    assert first.created > 600
    second = content_load()
    assert (second.created, second.updated) == (0, 0)
    system = CodeSystem.objects.get(url=FSIII)
    assert (system.name, system.version) == ("FSIII", "20240530")
    assert Concept.objects.filter(code_system=system).count() == 414
    vask = Concept.objects.get(code=VASKE_SIG)
    assert (vask.legacy_code, vask.display, vask.status) == ("J1.1", "Vaske sig", "legacy")


@pytest.mark.django_db
def test_value_sets_offer_the_current_catalogue_and_keep_old_codes_readable() -> None:
    content_load()
    vs = value_sets_get(keys=["fsiii-funktionsevnetilstande", "fsiii-funktionsevne-niveau"])
    items = vs["fsiii-funktionsevnetilstande"]
    assert items.find(VASKE_SIG) is not None
    assert not items.find(VASKE_SIG).active  # type: ignore[union-attr]
    assert items.find("J1.1") == items.find(VASKE_SIG)  # legacy key for import
    assert items.find(PERSONLIG_PLEJE).active  # type: ignore[union-attr]
    assert items.find(PERSONLIG_PLEJE).group_display == "Egenomsorg"  # type: ignore[union-attr]
    groups = list(dict.fromkeys(c.group_display for c in items.choices))
    assert groups == [
        "Egenomsorg",
        "Praktiske opgaver",
        "Mobilitet",
        "Mentale funktioner",
        "Samfundsliv",
    ]
    scale = vs["fsiii-funktionsevne-niveau"]
    assert [c.display for c in scale.choices] == ["0", "1", "2", "3", "4", "9"]
    helbred = value_sets_get(keys=["fsiii-helbredstilstande"])["fsiii-helbredstilstande"]
    assert len({c.group_code for c in helbred.choices}) == 12  # the 12 problemområder


@pytest.mark.django_db
def test_a_new_code_system_version_updates_and_retires_but_never_deletes() -> None:
    content_load()
    doc = _fsiii()
    doc["version"] = "20990101"
    concepts = [c for c in doc["concepts"] if c["code"] != VASKE_SIG]
    for c in concepts:
        if c["code"] == PERSONLIG_PLEJE:
            c["display"] = "Personlig pleje (ny tekst)"
    doc["concepts"] = concepts
    result = code_system_load(doc)
    assert result.created == 0
    assert result.updated == 414  # every concept now carries the new version
    assert Concept.objects.get(code=VASKE_SIG).status == ConceptStatus.RETIRED
    assert Concept.objects.get(code=PERSONLIG_PLEJE).display == "Personlig pleje (ny tekst)"
    assert CodeSystem.objects.get(url=FSIII).version == "20990101"
    vs_doc = json.loads((DATA / "valuesets-2026.1.json").read_text(encoding="utf-8"))
    value_sets_load(vs_doc)
    items = value_sets_get(keys=["fsiii-funktionsevnetilstande"])["fsiii-funktionsevnetilstande"]
    assert not items.find(VASKE_SIG).active  # type: ignore[union-attr]
    every_file = sorted(DATA.glob("valuesets-*.json"))  # other modules add their own files
    assert ValueSet.objects.count() == sum(
        len(json.loads(path.read_text(encoding="utf-8"))["value_sets"]) for path in every_file
    )
