"""A new documentation area needs no code: a template file written here, in the test, is
loaded with `documentation_load` and documented with, through the same services and pages."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import World
from sammen.citizens.models import Citizen
from sammen.core.errors import ValidationFailed
from sammen.journal import selectors, services
from sammen.journal.models import Entry, Template
from sammen.journal.tests.factories import citizen_create, consent_give
from sammen.organisation.models import Area, OrgUnit, Role
from sammen.organisation.tests import factories as f

FFB = "urn:oid:1.2.208.176.2.22"


def _ffb_code(display: str) -> str:
    data = json.loads(
        (Path(__file__).resolve().parents[2] / "terminology/data/ffb-20240530.json").read_text()
    )
    return str(next(c["code"] for c in data["concepts"] if c["display"] == display))


def _write(tmp_path: Path, name: str, doc: dict[str, object]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _files(tmp_path: Path, version: int = 1, title: str = "Bostøtte: mobilitet") -> list[Path]:
    mobility = _ffb_code("Mobilitet")
    return [
        _write(
            tmp_path,
            "bostoette-values.json",
            {
                "kind": "value_sets",
                "version": "test-1",
                "value_sets": [
                    {
                        "key": "test-ffb-mobilitet",
                        "title": "FFB mobilitet",
                        "system": FFB,
                        "include": {"children_of": mobility},
                        "order": "display",
                    }
                ],
            },
        ),
        _write(
            tmp_path,
            "bostoette-area.json",
            {
                "kind": "areas",
                "areas": [
                    {
                        "key": "bostoette",
                        "title": "Bostøtte (test)",
                        "municipal_area": "handicap_psykiatri",
                        "order": 30,
                    }
                ],
            },
        ),
        _write(
            tmp_path,
            f"bostoette-mobilitet.v{version}.json",
            {
                "kind": "template",
                "key": "bostoette-mobilitet",
                "version": version,
                "area": "bostoette",
                "title": title,
                "entry_kind": "state",
                "subject": "tilstand",
                "summary": ["niveau", "ture"],
                "permission": "document_assessment",
                "sections": [
                    {
                        "title": "Mobilitet",
                        "fields": [
                            {
                                "key": "tilstand",
                                "type": "code",
                                "value_set": "test-ffb-mobilitet",
                                "label": "Tilstand",
                                "required": True,
                            },
                            {
                                "key": "niveau",
                                "type": "code",
                                "value_set": "ffb-funktionsevneniveau",
                                "label": "Funktionsevneniveau",
                                "required": True,
                            },
                            {
                                "key": "ture",
                                "type": "number",
                                "label": "Ture ud af hjemmet",
                                "unit": "pr. uge",
                                "min": 0,
                                "max": 21,
                                "required": False,
                            },
                            {
                                "key": "hjaelpemidler",
                                "type": "multi_code",
                                "label": "Hjælpemidler",
                                "options": [
                                    {"code": "rollator", "display": "Rollator"},
                                    {"code": "koerestol", "display": "Kørestol"},
                                ],
                            },
                        ],
                    }
                ],
            },
        ),
    ]


@pytest.fixture
def social_citizen(world: World, content: object) -> tuple[Citizen, OrgUnit]:
    unit = f.unit_create(world.greve, "Bostøtte Øst", area=Area.DISABILITY_PSYCHIATRY)
    return citizen_create(unit, area=Area.DISABILITY_PSYCHIATRY), unit


def test_a_template_file_written_here_is_loaded_and_documented_with(
    world: World, social_citizen: tuple[Citizen, OrgUnit], tmp_path: Path
) -> None:
    citizen, unit = social_citizen
    out = StringIO()
    call_command("documentation_load", *_files(tmp_path), stdout=out)
    assert "Oprettet 3" in out.getvalue()  # value set, area, template
    call_command("documentation_load", *_files(tmp_path), stdout=(again := StringIO()))
    assert "Oprettet 0, opdateret 0" in again.getvalue()  # idempotent

    worker = f.staff_create(unit, Role.SOSU_ASSISTANT, username="bostoette")
    actor = f.actor_for(worker)
    walking = _ffb_code("Gå og bevæge sig")
    entry = services.entry_create(
        actor=actor,
        citizen_id=citizen.pk,
        template_key="bostoette-mobilitet",
        template_version=1,
        data={
            "tilstand": walking,
            "niveau": _ffb_code("Moderat nedsat funktionsevne"),
            "ture": "3",
            "hjaelpemidler": ["rollator"],
        },
    )
    assert entry.terminology == {FFB: "20240530"}
    with pytest.raises(ValidationFailed) as caught:
        services.entry_create(
            actor=actor,
            citizen_id=citizen.pk,
            template_key="bostoette-mobilitet",
            template_version=1,
            data={"tilstand": walking, "niveau": "FSIII", "ture": 22},
        )
    assert set(caught.value.field_errors) == {"niveau", "ture"}

    overview = selectors.journal_overview(actor=actor, citizen_id=citizen.pk)
    section = next(s for s in overview.sections if s.template.key == "bostoette-mobilitet")
    item = next(i for g in section.groups for i in g.items if i.choice.code == walking)
    assert item.current is not None
    assert [s.value for s in item.current.summary] == [
        "Moderat nedsat funktionsevne",
        "3 pr. uge",
    ]
    page = f.logged_in_client(worker).get(
        reverse("journal:overview", kwargs={"citizen_id": citizen.pk})
    )
    assert "Bostøtte: mobilitet" in page.text
    assert "Gå og bevæge sig" in page.text


def test_the_shipped_ffb_template_documents_the_social_area(
    world: World, social_citizen: tuple[Citizen, OrgUnit]
) -> None:
    citizen, unit = social_citizen
    actor = f.actor_for(f.staff_create(unit, Role.NURSE, username="socialsyg"))
    entry = services.entry_create(
        actor=actor,
        citizen_id=citizen.pk,
        template_key="ffb-tilstand",
        template_version=None,
        data={
            "tilstand": _ffb_code("Varetage økonomi"),
            "funktionsevneniveau": _ffb_code("Let nedsat funktionsevne"),
            "borgeren_deltog": "ja",
            "maal": [
                {"maal": "Betale husleje selv", "maaltype": _ffb_code("Udvikle funktionsevne")}
            ],
            "timer_pr_uge": "2,5",
        },
    )
    assert entry.data["maal"][0]["maal"] == "Betale husleje selv"
    assert entry.data["timer_pr_uge"] == 2.5
    # home care sees the social area only with the citizen's consent
    nurse = world.actor(world.nurse)
    home = citizen_create(world.home_care_team)
    assert "ffb" not in selectors.areas_visible(actor=nurse, citizen=home)
    consent_give(world, home, Area.ELDERLY_HEALTH)
    assert "ffb" in selectors.areas_visible(actor=nurse, citizen=home)


def test_a_loaded_version_cannot_change_but_a_new_version_can_be_added(
    world: World, content: object, tmp_path: Path
) -> None:
    call_command("documentation_load", *_files(tmp_path), stdout=StringIO())
    with pytest.raises(CommandError, match="ny version"):
        call_command(
            "documentation_load", *_files(tmp_path, title="Ændret titel"), stdout=StringIO()
        )
    call_command("documentation_load", *_files(tmp_path, version=2), stdout=StringIO())
    assert list(
        Template.objects.filter(key="bostoette-mobilitet").values_list("version", flat=True)
    ) == [2, 1]
    assert selectors.template_current(key="bostoette-mobilitet").version == 2  # type: ignore[union-attr]
    assert Entry.objects.count() == 0


def test_a_malformed_template_file_is_refused_with_its_name(
    tmp_path: Path, content: object
) -> None:
    bad = _write(
        tmp_path,
        "broken.v1.json",
        {
            "kind": "template",
            "key": "broken",
            "version": 1,
            "area": "fsiii",
            "title": "x",
            "entry_kind": "state",
            "sections": [{"title": "S", "fields": [{"key": "a", "type": "farve", "label": "A"}]}],
        },
    )
    with pytest.raises(CommandError, match=r"broken\.v1\.json.*ukendt felttype"):
        call_command("documentation_load", bad, stdout=StringIO())
