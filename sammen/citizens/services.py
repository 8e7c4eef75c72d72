"""Writes to the citizen registry. Each is atomic, checks the policy, and writes the change log
and the access log in the same transaction."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sammen.access import policy
from sammen.access.changelog import change_log_record, diff
from sammen.access.log import access_log_record
from sammen.access.models import Operation
from sammen.citizens.models import (
    Citizen,
    CitizenStatus,
    Consent,
    ConsentBasis,
    Relative,
    Responsibility,
)
from sammen.citizens.text import fold
from sammen.core.actor import Actor
from sammen.core.cpr import Cpr, InvalidCpr
from sammen.core.errors import NotFound, ValidationFailed
from sammen.organisation.models import OrgUnit

_POSTCODE = re.compile(r"^\d{4}$")


@dataclass(frozen=True, kw_only=True)
class CitizenInput:
    """The master data a person types; CPR-derived fields are computed, never typed."""

    cpr: str
    first_name: str
    last_name: str
    street: str = ""
    house_number: str = ""
    floor_door: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    gp_name: str = ""
    gp_clinic: str = ""
    gp_phone: str = ""
    preferred_language: str = "dansk"
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def _validated(data: CitizenInput) -> tuple[Cpr, dict[str, Any]]:
    errors: dict[str, list[str]] = {}
    cpr: Cpr | None = None
    try:
        cpr = Cpr.parse(data.cpr)
    except InvalidCpr as error:
        errors["cpr"] = [str(error)]
    else:
        # The century rule allows birth dates up to 2057: a living citizen is born by today.
        if cpr.birth_date > timezone.localdate():
            errors["cpr"] = [
                "CPR-nummerets fødselsdato ligger i fremtiden. Tjek nummeret: en borger kan "
                "ikke registreres før sin fødsel."
            ]
            cpr = None
    values = {f.name: getattr(data, f.name) for f in fields(data) if f.name != "cpr"}
    for name in ("first_name", "last_name"):
        values[name] = (values[name] or "").strip()
        if not values[name]:
            errors[name] = ["Skriv borgerens navn."]
    for name in ("street", "house_number", "floor_door", "city", "phone", "gp_name"):
        values[name] = (values[name] or "").strip()
    values["postcode"] = (values["postcode"] or "").strip()
    if values["postcode"] and not _POSTCODE.match(values["postcode"]):
        errors["postcode"] = ["Postnummeret skal være fire cifre."]
    if errors or cpr is None:
        raise ValidationFailed("Borgerens oplysninger er ikke gyldige.", errors)
    return cpr, values


def _search_fields(values: dict[str, Any]) -> dict[str, str]:
    return {
        "search_name": fold(f"{values['first_name']} {values['last_name']}"),
        "search_address": fold(
            " ".join(
                str(values.get(k) or "") for k in ("street", "house_number", "postcode", "city")
            )
        ),
    }


def _log_write(
    actor: Actor, citizen: Citizen, decision: policy.Decision, object_type: str = "citizen"
) -> None:
    access_log_record(
        actor=actor,
        citizen_ids=[citizen.pk],
        operation=Operation.UPDATE,
        purpose=decision.purpose,
        grant_id=decision.grant_id,
        object_type=object_type,
    )


def _snapshot(citizen: Citizen) -> dict[str, Any]:
    return {f.name: getattr(citizen, f.name) for f in fields(CitizenInput)} | {
        "status": citizen.status,
        "status_date": citizen.status_date,
    }


@transaction.atomic
def citizen_create(*, actor: Actor, data: CitizenInput) -> Citizen:
    policy.citizen_write_require(actor=actor)
    cpr, values = _validated(data)
    if Citizen.objects.for_municipality(actor.municipality).filter(cpr=cpr.digits).exists():
        raise ValidationFailed(
            "Borgeren findes allerede.",
            {"cpr": ["Der findes allerede en borger med dette CPR-nummer i kommunen."]},
        )
    citizen = Citizen(
        municipality=actor.municipality,
        cpr=cpr.digits,
        cpr_birth_part=cpr.digits[:6],
        birth_date=cpr.birth_date,
        sex=cpr.sex,
        **values,
        **_search_fields(values),
    )
    try:
        with transaction.atomic():
            citizen.save()
    except IntegrityError:  # a concurrent create of the same CPR
        raise ValidationFailed(
            "Borgeren findes allerede.",
            {"cpr": ["Der findes allerede en borger med dette CPR-nummer i kommunen."]},
        ) from None
    change_log_record(
        actor=actor,
        citizen_id=citizen.pk,
        obj=citizen,
        action="create",
        changes=diff({}, _snapshot(citizen)),
    )
    # Whoever registers the citizen works with them: their unit becomes responsible in its
    # area until someone moves the responsibility (so the creator can open the record).
    Responsibility.objects.create(
        municipality=actor.municipality,
        citizen=citizen,
        area=actor.unit.area,
        unit=actor.unit,
        since=timezone.localdate(),
    )
    access_log_record(actor=actor, citizen_ids=[citizen.pk], operation=Operation.CREATE)
    return citizen


@transaction.atomic
def citizen_update(*, actor: Actor, citizen: Citizen, data: CitizenInput) -> Citizen:
    decision = policy.citizen_require(actor=actor, citizen=citizen, action="update")
    cpr, values = _validated(data)
    duplicate = (
        Citizen.objects.for_municipality(actor.municipality)
        .filter(cpr=cpr.digits)
        .exclude(pk=citizen.pk)
    )
    if duplicate.exists():
        raise ValidationFailed(
            "CPR-nummeret er i brug.",
            {"cpr": ["Der findes allerede en borger med dette CPR-nummer i kommunen."]},
        )
    before = _snapshot(citizen)
    citizen.cpr, citizen.cpr_birth_part = cpr.digits, cpr.digits[:6]
    citizen.birth_date, citizen.sex = cpr.birth_date, cpr.sex
    for name, value in (values | _search_fields(values)).items():
        setattr(citizen, name, value)
    citizen.save()
    change_log_record(
        actor=actor,
        citizen_id=citizen.pk,
        obj=citizen,
        action="update",
        changes=diff(before, _snapshot(citizen)),
    )
    _log_write(actor, citizen, decision)
    return citizen


@transaction.atomic
def citizen_set_status(
    *, actor: Actor, citizen: Citizen, status: str, on: dt.date | None
) -> Citizen:
    """Move away or record a death (with date); back to active clears the date."""
    decision = policy.citizen_require(actor=actor, citizen=citizen, action="update")
    if status not in CitizenStatus.values:
        raise ValidationFailed(field_errors={"status": ["Vælg en gyldig status."]})
    if status != CitizenStatus.ACTIVE and on is None:
        raise ValidationFailed(field_errors={"status_date": ["Angiv datoen."]})
    if on is not None and on > timezone.localdate():
        raise ValidationFailed(field_errors={"status_date": ["Datoen må ikke ligge i fremtiden."]})
    if on is not None and on < citizen.birth_date:
        raise ValidationFailed(field_errors={"status_date": ["Datoen ligger før fødslen."]})
    before = _snapshot(citizen)
    citizen.status = status
    citizen.status_date = None if status == CitizenStatus.ACTIVE else on
    citizen.save(update_fields=["status", "status_date", "updated_at"])
    change_log_record(
        actor=actor,
        citizen_id=citizen.pk,
        obj=citizen,
        action="update",
        changes=diff(before, _snapshot(citizen)),
    )
    _log_write(actor, citizen, decision)
    return citizen


@dataclass(frozen=True, kw_only=True)
class RelativeInput:
    name: str
    relation: str
    phone: str = ""
    email: str = ""
    is_primary_contact: bool = False
    power_of_attorney: str = ""
    power_of_attorney_note: str = ""


@transaction.atomic
def relative_add(*, actor: Actor, citizen: Citizen, data: RelativeInput) -> Relative:
    decision = policy.citizen_require(actor=actor, citizen=citizen, action="update")
    if not data.name.strip():
        raise ValidationFailed(field_errors={"name": ["Skriv den pårørendes navn."]})
    if data.power_of_attorney and not data.power_of_attorney_note.strip():
        raise ValidationFailed(
            field_errors={"power_of_attorney_note": ["Beskriv, hvad fuldmagten omfatter."]}
        )
    if data.is_primary_contact:
        citizen.relatives.filter(is_primary_contact=True).update(is_primary_contact=False)
    relative = Relative.objects.create(
        municipality=actor.municipality,
        citizen=citizen,
        **asdict(data) | {"name": data.name.strip()},
    )
    change_log_record(
        actor=actor,
        citizen_id=citizen.pk,
        obj=relative,
        action="create",
        changes=diff({}, asdict(data)),
    )
    _log_write(actor, citizen, decision, "relative")
    return relative


@transaction.atomic
def relative_remove(*, actor: Actor, relative: Relative) -> None:
    citizen = relative.citizen
    decision = policy.citizen_require(actor=actor, citizen=citizen, action="update")
    change_log_record(
        actor=actor,
        citizen_id=citizen.pk,
        obj=relative,
        action="delete",
        changes={"name": [relative.name, None], "relation": [relative.relation, None]},
    )
    relative.delete()
    _log_write(actor, citizen, decision, "relative")


@transaction.atomic
def consent_give(
    *,
    actor: Actor,
    citizen: Citizen,
    area: str,
    scope: str,
    basis: str,
    legal_basis: str,
    given_on: dt.date,
    note: str = "",
) -> Consent:
    decision = policy.citizen_require(actor=actor, citizen=citizen, action="change_access")
    if basis == ConsentBasis.LEGAL and not legal_basis.strip():
        raise ValidationFailed(
            field_errors={"legal_basis": ["Angiv lovhjemlen, fx Retssikkerhedsloven § 12 c."]}
        )
    if given_on > timezone.localdate():
        raise ValidationFailed(field_errors={"given_on": ["Datoen må ikke ligge i fremtiden."]})
    consent = Consent.objects.create(
        municipality=actor.municipality,
        citizen=citizen,
        area=area,
        scope=scope,
        basis=basis,
        legal_basis=legal_basis.strip(),
        given_on=given_on,
        note=note.strip(),
        recorded_by=actor.staff,
    )
    change_log_record(
        actor=actor,
        citizen_id=citizen.pk,
        obj=consent,
        action="create",
        changes=diff({}, {"area": area, "scope": scope, "basis": basis, "given_on": given_on}),
    )
    _log_write(actor, citizen, decision, "consent")
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Actor, consent: Consent, withdrawn_on: dt.date) -> Consent:
    citizen = consent.citizen
    decision = policy.citizen_require(actor=actor, citizen=citizen, action="change_access")
    if consent.withdrawn_on is not None:
        raise ValidationFailed("Samtykket er allerede trukket tilbage.")
    if withdrawn_on < consent.given_on:
        raise ValidationFailed(
            field_errors={"withdrawn_on": ["Datoen ligger før samtykket blev givet."]}
        )
    consent.withdrawn_on, consent.withdrawn_by = withdrawn_on, actor.staff
    consent.save(update_fields=["withdrawn_on", "withdrawn_by", "updated_at"])
    change_log_record(
        actor=actor,
        citizen_id=citizen.pk,
        obj=consent,
        action="update",
        changes={"withdrawn_on": [None, withdrawn_on.isoformat()]},
    )
    _log_write(actor, citizen, decision, "consent")
    return consent


@transaction.atomic
def responsibility_set(
    *, actor: Actor, citizen: Citizen, unit: OrgUnit, since: dt.date
) -> Responsibility:
    """Make `unit` responsible for the citizen in the unit's area; the previous one ends."""
    decision = policy.citizen_require(actor=actor, citizen=citizen, action="change_access")
    if unit.municipality_id != actor.municipality.pk:
        raise NotFound()
    if not unit.is_active:
        raise ValidationFailed(field_errors={"unit": ["Enheden er lukket."]})
    if since > timezone.localdate():
        raise ValidationFailed(
            field_errors={"since": ["Datoen må ikke ligge i fremtiden; skift ansvar på dagen."]}
        )
    current = Responsibility.objects.filter(
        citizen=citizen, area=unit.area, until__isnull=True
    ).first()
    if current is not None and current.unit_id == unit.pk:
        return current  # already responsible: nothing changes
    if current is not None and since < current.since:
        raise ValidationFailed(
            field_errors={"since": ["Datoen ligger før den nuværende enheds ansvar begyndte."]}
        )
    Responsibility.objects.filter(citizen=citizen, area=unit.area, until__isnull=True).update(
        until=since
    )
    responsibility = Responsibility.objects.create(
        municipality=actor.municipality, citizen=citizen, area=unit.area, unit=unit, since=since
    )
    change_log_record(
        actor=actor,
        citizen_id=citizen.pk,
        obj=responsibility,
        action="create",
        changes={"unit": [None, unit.name], "area": [None, unit.area]},
    )
    _log_write(actor, citizen, decision, "responsibility")
    return responsibility
