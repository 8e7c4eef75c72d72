"""Writes to the citizen registry, each through the write kernel (`access.writes`): the policy
once, one durable transaction, the change log from a diff, the access log. An update passes the
`version` the person saw; a stale one raises Conflict (409) with what changed since. `version`
None skips that check (callers with no person and no screen behind them)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sammen.access.models import Operation
from sammen.access.writes import citizen_write, citizen_write_service
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


# What the change log shows of a citizen (CPR masked there); derived fields are left out.
LOGGED_FIELDS = (*(f.name for f in fields(CitizenInput)), "status", "status_date")


@citizen_write_service
def citizen_create(*, actor: Actor, data: CitizenInput) -> Citizen:
    with citizen_write(actor=actor, operation=Operation.CREATE) as write:
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
        write.created(citizen, logged={name: getattr(citizen, name) for name in LOGGED_FIELDS})
        # Whoever registers the citizen works with them: their unit becomes responsible in its
        # area until someone moves the responsibility (so the creator can open the record).
        responsibility = Responsibility.objects.create(
            municipality=actor.municipality,
            citizen=citizen,
            area=actor.unit.area,
            unit=actor.unit,
            since=timezone.localdate(),
        )
        write.created(responsibility, logged={"unit": actor.unit.name, "area": actor.unit.area})
    return citizen


@citizen_write_service
def citizen_update(
    *, actor: Actor, citizen: Citizen, data: CitizenInput, version: int | None = None
) -> Citizen:
    with citizen_write(actor=actor, citizen=citizen) as write:
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
        write.update(
            citizen,
            version=version,
            values={
                "cpr": cpr.digits,
                "cpr_birth_part": cpr.digits[:6],
                "birth_date": cpr.birth_date,
                "sex": cpr.sex,
            }
            | values
            | _search_fields(values),
            logged=LOGGED_FIELDS,
        )
    return citizen


@citizen_write_service
def citizen_set_status(
    *,
    actor: Actor,
    citizen: Citizen,
    status: str,
    on: dt.date | None,
    version: int | None = None,
) -> Citizen:
    """Move away or record a death (with date); back to active clears the date."""
    with citizen_write(actor=actor, citizen=citizen) as write:
        if status not in CitizenStatus.values:
            raise ValidationFailed(field_errors={"status": ["Vælg en gyldig status."]})
        if status != CitizenStatus.ACTIVE and on is None:
            raise ValidationFailed(field_errors={"status_date": ["Angiv datoen."]})
        if on is not None and on > timezone.localdate():
            raise ValidationFailed(
                field_errors={"status_date": ["Datoen må ikke ligge i fremtiden."]}
            )
        if on is not None and on < citizen.birth_date:
            raise ValidationFailed(field_errors={"status_date": ["Datoen ligger før fødslen."]})
        write.update(
            citizen,
            version=version,
            values={
                "status": status,
                "status_date": None if status == CitizenStatus.ACTIVE else on,
            },
        )
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


@citizen_write_service
def relative_add(*, actor: Actor, citizen: Citizen, data: RelativeInput) -> Relative:
    with citizen_write(actor=actor, citizen=citizen, object_type="relative") as write:
        if not data.name.strip():
            raise ValidationFailed(field_errors={"name": ["Skriv den pårørendes navn."]})
        if data.power_of_attorney and not data.power_of_attorney_note.strip():
            raise ValidationFailed(
                field_errors={"power_of_attorney_note": ["Beskriv, hvad fuldmagten omfatter."]}
            )
        if data.is_primary_contact:  # one primary contact: the previous one stops being it
            for previous in citizen.relatives.filter(is_primary_contact=True):
                write.update(previous, version=None, values={"is_primary_contact": False})
        values = asdict(data) | {"name": data.name.strip()}
        relative = Relative.objects.create(
            municipality=actor.municipality, citizen=citizen, **values
        )
        write.created(relative, logged=values)
    return relative


@citizen_write_service
def relative_remove(*, actor: Actor, relative: Relative, version: int | None = None) -> None:
    with citizen_write(actor=actor, citizen=relative.citizen, object_type="relative") as write:
        write.delete(relative, version=version, logged=("name", "relation"))


@citizen_write_service
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
    with citizen_write(
        actor=actor, citizen=citizen, action="change_access", object_type="consent"
    ) as write:
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
        write.created(
            consent, logged={"area": area, "scope": scope, "basis": basis, "given_on": given_on}
        )
    return consent


@citizen_write_service
def consent_withdraw(
    *, actor: Actor, consent: Consent, withdrawn_on: dt.date, version: int | None = None
) -> Consent:
    with citizen_write(
        actor=actor, citizen=consent.citizen, action="change_access", object_type="consent"
    ) as write:
        write.lock(consent, version=version)
        if consent.withdrawn_on is not None:
            raise ValidationFailed("Samtykket er allerede trukket tilbage.")
        if withdrawn_on < consent.given_on:
            raise ValidationFailed(
                field_errors={"withdrawn_on": ["Datoen ligger før samtykket blev givet."]}
            )
        write.update(
            consent,
            version=None,  # checked under the lock above
            values={"withdrawn_on": withdrawn_on, "withdrawn_by": actor.staff},
            logged=("withdrawn_on",),
        )
    return consent


@citizen_write_service
def responsibility_set(
    *, actor: Actor, citizen: Citizen, unit: OrgUnit, since: dt.date
) -> Responsibility:
    """Make `unit` responsible for the citizen in the unit's area; the previous one ends.
    Two people moving the responsibility at once both succeed in turn (each move is a new row,
    the rows are locked while the current one is ended); nothing is overwritten."""
    with citizen_write(
        actor=actor, citizen=citizen, action="change_access", object_type="responsibility"
    ) as write:
        if unit.municipality_id != actor.municipality.pk:
            raise NotFound()
        if not unit.is_active:
            raise ValidationFailed(field_errors={"unit": ["Enheden er lukket."]})
        if since > timezone.localdate():
            raise ValidationFailed(
                field_errors={"since": ["Datoen må ikke ligge i fremtiden; skift ansvar på dagen."]}
            )
        open_ = list(
            Responsibility.objects.select_for_update().filter(
                citizen=citizen, area=unit.area, until__isnull=True
            )
        )
        current = open_[0] if open_ else None
        if current is not None and current.unit_id == unit.pk:
            write.unchanged()
            return current  # already responsible: nothing changes
        if current is not None and since < current.since:
            raise ValidationFailed(
                field_errors={"since": ["Datoen ligger før den nuværende enheds ansvar begyndte."]}
            )
        for ending in open_:
            write.update(ending, version=None, values={"until": since})
        responsibility = Responsibility.objects.create(
            municipality=actor.municipality, citizen=citizen, area=unit.area, unit=unit, since=since
        )
        write.created(responsibility, logged={"unit": unit.name, "area": unit.area})
    return responsibility
