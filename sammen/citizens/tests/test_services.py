"""Writes through services: validation, change log, access log, tenancy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import World
from sammen.access.models import AccessLogEntry, ChangeLogEntry
from sammen.citizens import services
from sammen.citizens.models import Citizen, CitizenStatus, ConsentBasis
from sammen.citizens.tests.factories import citizen_create, fictitious_cpr
from sammen.core.errors import Forbidden, NotFound, ValidationFailed


def data(**overrides: object) -> services.CitizenInput:
    values: dict[str, object] = {
        "cpr": fictitious_cpr(dt.date(1941, 6, 2)),
        "first_name": "Søren",
        "last_name": "Østergård",
        "street": "Hovedgaden",
        "house_number": "4",
        "postcode": "2670",
        "city": "Greve",
    }
    return services.CitizenInput(**(values | overrides))  # type: ignore[arg-type]


def test_create_derives_birth_date_sex_and_search_fields(world: World) -> None:
    citizen = services.citizen_create(actor=world.actor(world.nurse), data=data())
    assert citizen.birth_date == dt.date(1941, 6, 2)
    assert citizen.sex in {"female", "male"}
    assert citizen.search_name == "soren ostergard"
    assert citizen.municipality == world.greve
    assert AccessLogEntry.objects.filter(citizen_id=citizen.pk, operation="create").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"cpr": "12345"}, "cpr", "10 cifre"),
        ({"cpr": "310241-1234"}, "cpr", "gyldig dato"),
        ({"first_name": "  "}, "first_name", "Skriv borgerens navn."),
        ({"last_name": ""}, "last_name", "Skriv borgerens navn."),
        ({"postcode": "267"}, "postcode", "fire cifre"),
        ({"postcode": "26a0"}, "postcode", "fire cifre"),
    ],
)
def test_bad_input_is_refused_with_danish_field_message(
    world: World, overrides: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.citizen_create(actor=world.actor(world.nurse), data=data(**overrides))
    assert any(message in m for m in error.value.field_errors[field])
    assert Citizen.objects.count() == 0


def test_duplicate_cpr_in_same_municipality_refused_but_allowed_elsewhere(world: World) -> None:
    first = data()
    services.citizen_create(actor=world.actor(world.nurse), data=first)
    with pytest.raises(ValidationFailed) as error:
        services.citizen_create(actor=world.actor(world.nurse), data=first)
    assert "cpr" in error.value.field_errors
    # The same person may also be known in another municipality (e.g. after moving).
    services.citizen_create(actor=world.actor(world.foreign_nurse), data=first)
    assert Citizen.objects.filter(cpr=first.cpr).count() == 2


def test_error_messages_never_contain_the_cpr(world: World) -> None:
    first = data()
    services.citizen_create(actor=world.actor(world.nurse), data=first)
    with pytest.raises(ValidationFailed) as error:
        services.citizen_create(actor=world.actor(world.nurse), data=first)
    text = str(error.value) + repr(error.value.field_errors)
    assert first.cpr not in text
    assert first.cpr[6:] not in text


def test_update_writes_change_log_old_to_new(world: World) -> None:
    actor = world.actor(world.nurse)
    citizen = services.citizen_create(actor=actor, data=data())
    services.citizen_update(
        actor=actor, citizen=citizen, data=data(cpr=citizen.cpr, street="Nygade", phone="20304050")
    )
    entry = ChangeLogEntry.objects.filter(citizen_id=citizen.pk, action="update").get()
    assert entry.changes == {
        "street": ["Hovedgaden", "Nygade"],
        "phone": ["", "20304050"],
        "version": [1, 2],
    }
    assert entry.staff == world.nurse
    assert entry.role == "sygeplejerske"


def test_change_log_masks_cpr(world: World) -> None:
    actor = world.actor(world.nurse)
    citizen = services.citizen_create(actor=actor, data=data())
    new_cpr = fictitious_cpr(dt.date(1941, 6, 3))
    services.citizen_update(actor=actor, citizen=citizen, data=data(cpr=new_cpr))
    entry = ChangeLogEntry.objects.filter(citizen_id=citizen.pk, action="update").get()
    assert entry.changes["cpr"][1] == f"{new_cpr[:6]}-xxxx"
    assert new_cpr not in str(entry.changes)


def test_no_change_no_change_log_row(world: World) -> None:
    actor = world.actor(world.nurse)
    citizen = services.citizen_create(actor=actor, data=data())
    services.citizen_update(actor=actor, citizen=citizen, data=data(cpr=citizen.cpr))
    assert not ChangeLogEntry.objects.filter(citizen_id=citizen.pk, action="update").exists()


def test_move_away_and_deceased_need_a_date(world: World) -> None:
    actor = world.actor(world.nurse)
    citizen = citizen_create(world.greve)
    with pytest.raises(ValidationFailed):
        services.citizen_set_status(
            actor=actor, citizen=citizen, status=CitizenStatus.DECEASED, on=None
        )
    with pytest.raises(ValidationFailed):
        services.citizen_set_status(
            actor=actor,
            citizen=citizen,
            status=CitizenStatus.DECEASED,
            on=timezone.localdate() + dt.timedelta(days=1),
        )
    day = timezone.localdate() - dt.timedelta(days=2)
    services.citizen_set_status(actor=actor, citizen=citizen, status=CitizenStatus.DECEASED, on=day)
    citizen.refresh_from_db()
    assert (citizen.status, citizen.status_date) == (CitizenStatus.DECEASED, day)
    entry = ChangeLogEntry.objects.get(citizen_id=citizen.pk, action="update")
    assert entry.changes["status"] == ["active", "deceased"]


def test_roles_without_citizen_data_cannot_write(world: World) -> None:
    for who in (world.politician, world.director, world.administrator):
        with pytest.raises(Forbidden):
            services.citizen_create(actor=world.actor(who), data=data())


def test_foreign_citizen_cannot_be_changed(world: World) -> None:
    foreign = citizen_create(world.solrod)
    with pytest.raises(NotFound):
        services.citizen_update(actor=world.actor(world.nurse), citizen=foreign, data=data())


def test_consent_with_legal_basis_needs_its_text(world: World) -> None:
    actor = world.actor(world.nurse)
    citizen = citizen_create(world.greve)
    with pytest.raises(ValidationFailed) as error:
        services.consent_give(
            actor=actor,
            citizen=citizen,
            area="handicap_psykiatri",
            scope="alle",
            basis=ConsentBasis.LEGAL,
            legal_basis=" ",
            given_on=timezone.localdate(),
        )
    assert "legal_basis" in error.value.field_errors
    consent = services.consent_give(
        actor=actor,
        citizen=citizen,
        area="handicap_psykiatri",
        scope="helbred",
        basis=ConsentBasis.CONSENT,
        legal_basis="",
        given_on=timezone.localdate() - dt.timedelta(days=10),
    )
    assert consent.is_active()
    assert consent.recorded_by == world.nurse
    services.consent_withdraw(actor=actor, consent=consent, withdrawn_on=timezone.localdate())
    consent.refresh_from_db()
    assert not consent.is_active()
    assert consent.withdrawn_by == world.nurse
    with pytest.raises(ValidationFailed):
        services.consent_withdraw(actor=actor, consent=consent, withdrawn_on=timezone.localdate())


def test_relative_with_power_of_attorney_needs_scope(world: World) -> None:
    actor = world.actor(world.nurse)
    citizen = citizen_create(world.greve)
    with pytest.raises(ValidationFailed):
        services.relative_add(
            actor=actor,
            citizen=citizen,
            data=services.RelativeInput(name="Per", relation="barn", power_of_attorney="helbred"),
        )
    first = services.relative_add(
        actor=actor,
        citizen=citizen,
        data=services.RelativeInput(name="Per", relation="barn", is_primary_contact=True),
    )
    services.relative_add(
        actor=actor,
        citizen=citizen,
        data=services.RelativeInput(
            name="Lise",
            relation="barn",
            is_primary_contact=True,
            power_of_attorney="oekonomi",
            power_of_attorney_note="Bank og regninger",
        ),
    )
    first.refresh_from_db()
    assert not first.is_primary_contact  # only one primary contact


def test_responsibility_moves_to_new_unit_in_same_area(world: World) -> None:
    actor = world.actor(world.nurse)
    citizen = citizen_create(world.greve, responsible=world.home_care_team)
    services.responsibility_set(
        actor=actor, citizen=citizen, unit=world.training_team, since=timezone.localdate()
    )
    open_rows = citizen.responsibilities.filter(until__isnull=True)
    assert [r.unit for r in open_rows] == [world.training_team]
    # The nurse's team is no longer responsible: the nurse has lost the care relation.
    from sammen.access.policy import NoCareRelation

    with pytest.raises(NoCareRelation):
        services.citizen_update(actor=actor, citizen=citizen, data=data(cpr=citizen.cpr))
    with pytest.raises(NotFound):
        services.responsibility_set(
            actor=world.actor(world.therapist),
            citizen=citizen,
            unit=world.solrod_team,
            since=timezone.localdate(),
        )


def test_non_ascii_digits_are_not_a_cpr_number(world: World) -> None:
    with pytest.raises(ValidationFailed):
        services.citizen_create(
            actor=world.actor(world.nurse), data=data(cpr="１４０３３８０００７")
        )


def test_responsibility_dates_are_checked(world: World) -> None:
    actor = world.actor(world.nurse)
    citizen = citizen_create(world.greve, responsible=world.home_care_team)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed):
        services.responsibility_set(
            actor=actor,
            citizen=citizen,
            unit=world.training_team,
            since=today + dt.timedelta(days=30),
        )
    with pytest.raises(ValidationFailed):
        services.responsibility_set(
            actor=actor, citizen=citizen, unit=world.training_team, since=dt.date(2020, 1, 1)
        )
    same = services.responsibility_set(
        actor=actor, citizen=citizen, unit=world.home_care_team, since=today
    )
    assert citizen.responsibilities.count() == 1
    assert same.until is None
