"""Fictitious citizens for tests: birth dates that are not 1 January with a serial that fails
modulus 11, so no number here can belong to a real person (see sammen/demo/README.md)."""

from __future__ import annotations

import datetime as dt
import itertools

from sammen.citizens.models import Citizen, Responsibility
from sammen.citizens.text import fold
from sammen.core.cpr import Cpr, mod11_ok
from sammen.organisation.models import Municipality, OrgUnit

_serial = itertools.count(1)


def fictitious_cpr(born: dt.date = dt.date(1938, 3, 14)) -> str:
    assert (born.month, born.day) != (1, 1)
    year2 = born.year % 100
    digit7 = 0 if born.year < 2000 else 4
    while True:
        n = next(_serial) % 1000
        digits = f"{born:%d%m}{year2:02d}{digit7}{n:03d}"
        if not mod11_ok(digits):
            return digits


def citizen_create(
    municipality: Municipality,
    first_name: str = "Inger",
    last_name: str = "Hansen",
    *,
    born: dt.date = dt.date(1938, 3, 14),
    street: str = "Strandvejen",
    house_number: str = "12",
    postcode: str = "2670",
    city: str = "Greve",
    cpr: str | None = None,
    responsible: OrgUnit | str | None = "first-team",
) -> Citizen:
    """By default the municipality's first team (by name) is responsible, so staff of that team
    have a care relation; pass `responsible=None` for a citizen nobody is responsible for."""
    parsed = Cpr.parse(cpr or fictitious_cpr(born))
    citizen = Citizen.objects.create(
        municipality=municipality,
        cpr=parsed.digits,
        cpr_birth_part=parsed.digits[:6],
        birth_date=parsed.birth_date,
        sex=parsed.sex,
        first_name=first_name,
        last_name=last_name,
        street=street,
        house_number=house_number,
        postcode=postcode,
        city=city,
        search_name=fold(f"{first_name} {last_name}"),
        search_address=fold(f"{street} {house_number} {postcode} {city}"),
    )
    if responsible == "first-team":
        responsible = (
            OrgUnit.objects.filter(municipality=municipality, kind="team").order_by("name").first()
        )
    if isinstance(responsible, OrgUnit):
        Responsibility.objects.create(
            municipality=municipality,
            citizen=citizen,
            area=responsible.area,
            unit=responsible,
            since=dt.date(2024, 1, 1),
        )
    return citizen
