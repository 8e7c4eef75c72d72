"""Documenting, correcting and fejlregistrering through the services; bad input saves nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import World
from sammen.access.models import AccessLogEntry
from sammen.citizens.models import Citizen
from sammen.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from sammen.journal import selectors, services
from sammen.journal.models import Entry, EntryStatus, Template, TemplateStatus
from sammen.journal.tests.factories import (
    EGENOMSORG,
    LAVE_MAD,
    PERSONLIG_PLEJE,
    TRYKSAAR,
    UDFOERER_SELV,
    VASKE_SIG,
    at,
    funktionsevne,
    helbred,
)

FSIII = "urn:oid:1.2.208.176.2.21"


def _create(world: World, citizen: Citizen, data: dict[str, Any], **kw: Any) -> Entry:
    return services.entry_create(
        actor=world.actor(kw.pop("staff", world.nurse)),
        citizen_id=citizen.pk,
        template_key=kw.pop("key", "fsiii-funktionsevnetilstand"),
        template_version=kw.pop("version", None),
        data=data,
        **kw,
    )


def test_an_entry_records_who_when_where_and_the_terminology_version(
    world: World, citizen: Citizen
) -> None:
    entry = funktionsevne(
        world.actor(world.sosu_helper),
        citizen,
        PERSONLIG_PLEJE,
        2,
        days_ago=1,
        forventet_niveau="1",
        udfoerelse="C1",
        opfoelgning="2030-01-01",
    )
    assert entry.author == world.sosu_helper
    assert entry.role == "sosu_hjaelper"
    assert entry.unit == world.home_care_team
    assert entry.refers_to < entry.written_at
    assert entry.template.key == "fsiii-funktionsevnetilstand"
    assert entry.template.version == 1
    assert entry.status == EntryStatus.VALID
    assert (entry.version, entry.chain_id, entry.replaces) == (1, entry.pk, None)
    assert entry.subject_code == PERSONLIG_PLEJE
    assert entry.subject_group == EGENOMSORG
    assert entry.terminology == {FSIII: "20240530"}
    # the legacy key C1 was accepted on input and stored as the FSIII UUID
    assert entry.data == {
        "tilstand": PERSONLIG_PLEJE,
        "nuvaerende_niveau": 2,
        "forventet_niveau": 1,
        "udfoerelse": UDFOERER_SELV,
        "opfoelgning": "2030-01-01",
    }
    logged = AccessLogEntry.objects.filter(citizen_id=citizen.pk, object_type="journal")
    assert list(logged.values_list("operation", flat=True)) == ["create"]


BAD: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("scale out of range", {"tilstand": LAVE_MAD, "nuvaerende_niveau": 7}, {}, "nuvaerende_niveau"),
    ("code not in value set", {"tilstand": TRYKSAAR, "nuvaerende_niveau": 1}, {}, "tilstand"),
    (
        "legacy code for new documentation",
        {"tilstand": VASKE_SIG, "nuvaerende_niveau": 1},
        {},
        "tilstand",
    ),
    ("missing required field", {"tilstand": LAVE_MAD}, {}, "nuvaerende_niveau"),
    ("unknown field", {"tilstand": LAVE_MAD, "nuvaerende_niveau": 1, "farve": "blå"}, {}, "farve"),
    (
        "unknown template version",
        {"tilstand": LAVE_MAD, "nuvaerende_niveau": 1},
        {"version": 99},
        "template",
    ),
    ("unknown template", {"tilstand": LAVE_MAD}, {"key": "findes-ikke"}, "template"),
    (
        "refers to the future",
        {"tilstand": LAVE_MAD, "nuvaerende_niveau": 1},
        {"refers_to": at(-1)},
        "refers_to",
    ),
]


@pytest.mark.parametrize(("name", "data", "kw", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_with_a_field_message_and_nothing_is_saved(
    world: World, citizen: Citizen, name: str, data: dict[str, Any], kw: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _create(world, citizen, data, **kw)
    assert field in caught.value.field_errors
    assert caught.value.status_code == 422
    assert Entry.objects.count() == 0
    assert not AccessLogEntry.objects.filter(operation="create").exists()


def test_a_retired_template_version_is_refused(world: World, citizen: Citizen) -> None:
    template = Template.objects.get(key="fsiii-funktionsevnetilstand", version=1)
    template.status = TemplateStatus.RETIRED  # as the loader retires it (saved, so cached
    template.save()  # templates see the new version)
    with pytest.raises(ValidationFailed) as caught:
        _create(world, citizen, {"tilstand": LAVE_MAD, "nuvaerende_niveau": 1}, version=1)
    assert "udgået" in caught.value.field_errors["template"][0]
    assert Entry.objects.count() == 0


def test_sosu_helper_may_not_document_helbredstilstande(world: World, citizen: Citizen) -> None:
    with pytest.raises(Forbidden):
        helbred(world.actor(world.sosu_helper), citizen, TRYKSAAR)
    assert Entry.objects.count() == 0
    helbred(world.actor(world.nurse), citizen, TRYKSAAR)  # a nurse may


@pytest.mark.parametrize("who", ["leader", "director", "politician", "administrator"])
def test_roles_that_do_not_document(world: World, citizen: Citizen, who: str) -> None:
    with pytest.raises(Forbidden):
        funktionsevne(world.actor(getattr(world, who)), citizen, LAVE_MAD, 1)


def test_another_municipality_gets_not_found(world: World, citizen: Citizen) -> None:
    with pytest.raises(NotFound):
        funktionsevne(world.actor(world.foreign_nurse), citizen, LAVE_MAD, 1)
    entry = funktionsevne(world.actor(world.nurse), citizen, LAVE_MAD, 1)
    with pytest.raises(NotFound):
        services.entry_correct(
            actor=world.actor(world.foreign_nurse), entry_id=entry.pk, data={}, reason="x"
        )


def test_a_correction_chain_keeps_every_version_readable(world: World, citizen: Citizen) -> None:
    nurse, helper = world.actor(world.nurse), world.actor(world.sosu_helper)
    v1 = funktionsevne(helper, citizen, LAVE_MAD, 2, days_ago=3)
    v2 = services.entry_correct(
        actor=nurse,
        entry_id=v1.pk,
        data={"tilstand": LAVE_MAD, "nuvaerende_niveau": 3},
        reason="Forkert niveau",
    )
    v3 = services.entry_correct(
        actor=helper,
        entry_id=v2.pk,
        data={"tilstand": LAVE_MAD, "nuvaerende_niveau": "3", "faglig_vurdering": "Træt"},
        reason="Tilføjet vurdering",
    )
    assert (v2.replaces, v3.replaces) == (v1, v2)
    assert {v1.chain_id, v2.chain_id, v3.chain_id} == {v1.pk}
    assert [v.version for v in (v1, v2, v3)] == [1, 2, 3]
    assert v2.refers_to == v1.refers_to  # a correction keeps the time it refers to
    versions = selectors.entry_versions(actor=nurse, entry_id=v1.pk)
    assert [(v.entry.version, v.entry.author, v.entry.reason) for v in versions.versions] == [
        (1, world.sosu_helper, ""),
        (2, world.nurse, "Forkert niveau"),
        (3, world.sosu_helper, "Tilføjet vurdering"),
    ]
    assert Entry.objects.get(pk=v1.pk).data["nuvaerende_niveau"] == 2  # untouched


def test_a_version_can_be_corrected_only_once(world: World, citizen: Citizen) -> None:
    nurse = world.actor(world.nurse)
    v1 = funktionsevne(nurse, citizen, LAVE_MAD, 2)
    good = {"tilstand": LAVE_MAD, "nuvaerende_niveau": 1}
    services.entry_correct(actor=nurse, entry_id=v1.pk, data=good, reason="Rettet")
    with pytest.raises(Conflict) as caught:
        services.entry_correct(actor=nurse, entry_id=v1.pk, data=good, reason="Igen")
    assert caught.value.status_code == 409
    assert "allerede rettet" in caught.value.message
    v2 = Entry.objects.get(replaces=v1)
    assert (caught.value.current_id, caught.value.current_version) == (str(v2.pk), 2)
    with pytest.raises(Conflict):
        services.entry_mark_in_error(actor=nurse, entry_id=v1.pk, reason="Igen")
    assert Entry.objects.count() == 2


def test_a_correction_needs_a_reason_and_valid_data(world: World, citizen: Citizen) -> None:
    nurse = world.actor(world.nurse)
    v1 = funktionsevne(nurse, citizen, LAVE_MAD, 2)
    with pytest.raises(ValidationFailed) as no_reason:
        services.entry_correct(
            actor=nurse,
            entry_id=v1.pk,
            data={"tilstand": LAVE_MAD, "nuvaerende_niveau": 1},
            reason=" ",
        )
    assert "reason" in no_reason.value.field_errors
    with pytest.raises(ValidationFailed) as bad_level:
        services.entry_correct(
            actor=nurse,
            entry_id=v1.pk,
            data={"tilstand": LAVE_MAD, "nuvaerende_niveau": 6},
            reason="x",
        )
    assert "nuvaerende_niveau" in bad_level.value.field_errors
    assert Entry.objects.count() == 1


def test_fejlregistrering_is_a_new_version_with_status_and_reason(
    world: World, citizen: Citizen
) -> None:
    nurse = world.actor(world.nurse)
    v1 = funktionsevne(nurse, citizen, LAVE_MAD, 2)
    v2 = services.entry_mark_in_error(actor=nurse, entry_id=v1.pk, reason="Forkert borger")
    assert (v2.status, v2.reason, v2.replaces, v2.data) == (
        EntryStatus.ENTERED_IN_ERROR,
        "Forkert borger",
        v1,
        v1.data,
    )
    with pytest.raises(ValidationFailed):
        services.entry_correct(actor=nurse, entry_id=v2.pk, data=v1.data, reason="Nej")
    with pytest.raises(ValidationFailed) as caught:
        services.entry_mark_in_error(
            actor=nurse, entry_id=funktionsevne(nurse, citizen, LAVE_MAD, 1).pk, reason=""
        )
    assert "reason" in caught.value.field_errors


def test_old_codes_stay_readable_and_a_correction_may_keep_them(
    world: World, citizen: Citizen
) -> None:
    """An entry written before the simplification (legacy J1.1) is shown and can be corrected."""
    nurse = world.actor(world.nurse)
    template = Template.objects.get(key="fsiii-funktionsevnetilstand", version=1)
    old = Entry(
        municipality=world.greve,
        citizen=citizen,
        template=template,
        kind=template.kind,
        author=world.nurse,
        role="sygeplejerske",
        unit=world.home_care_team,
        written_at=at(400),
        refers_to=at(400),
        data={"tilstand": VASKE_SIG, "nuvaerende_niveau": 3},
        status=EntryStatus.VALID,
        subject_code=VASKE_SIG,
        subject_group=EGENOMSORG,
        terminology={FSIII: "20190101"},
    )
    old.chain_id = old.pk
    old.save()
    overview = selectors.journal_overview(actor=nurse, citizen_id=citizen.pk)
    items = {i.choice.code: i for s in overview.sections for g in s.groups for i in g.items}
    assert items[VASKE_SIG].current is not None
    assert items[VASKE_SIG].choice.legacy_code == "J1.1"
    assert not items[VASKE_SIG].choice.active
    fixed = services.entry_correct(
        actor=nurse,
        entry_id=old.pk,
        data={"tilstand": VASKE_SIG, "nuvaerende_niveau": 2},
        reason="Niveau rettet",
    )
    assert fixed.subject_code == VASKE_SIG


def test_refers_to_in_the_past_is_kept(world: World, citizen: Citizen) -> None:
    when = at(10)
    entry = _create(world, citizen, {"tilstand": LAVE_MAD, "nuvaerende_niveau": 0}, refers_to=when)
    assert entry.refers_to == when
    naive = dt.datetime(2024, 1, 1, 12, 0)  # noqa: DTZ001 - a form's naive local time
    assert (
        _create(
            world, citizen, {"tilstand": LAVE_MAD, "nuvaerende_niveau": 0}, refers_to=naive
        ).refers_to.year
        == 2024
    )
