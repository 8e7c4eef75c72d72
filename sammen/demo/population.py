"""The people of the synthetic municipality: fictitious CPR numbers, ages, addresses, relatives.

Deterministic: everything is drawn from the `random.Random` and the seeded `Faker("da_DK")` that
are passed in, never from the clock; birth dates count back from the fixed `BIRTH_ANCHOR`, so a
run tomorrow makes the same CPR numbers as a run today.

Fictitious CPR numbers (the rule; also in README.md, and tested):
    A generated CPR number has a birth date that is NOT 1 January, and a sequence number chosen
    so that the whole number FAILS the modulus-11 check. Since 1 October 2007 the CPR office
    issues numbers without a valid modulus-11 check digit, but (normally) only with the birth
    date 1 January; every number it has issued with another birth date passes modulus 11. So
    such a number cannot be a real person's, while `core.cpr.Cpr.parse` (which does not require
    modulus 11, as the CPR office demands) accepts it. The 7th digit matches the century of the
    birth date (0-3 for 1900-1999, 4 or 9 for 2000-2036), the 10th digit the sex (even = female).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from faker import Faker

from sammen.citizens.models import (
    Citizen,
    CitizenStatus,
    ConsentBasis,
    ConsentScope,
    PowerOfAttorney,
    Relation,
    Relative,
)

# The exact folding of the search columns that services.citizen_create writes.
from sammen.citizens.services import _search_fields
from sammen.citizens.text import fold
from sammen.core.cpr import Cpr, mod11_ok
from sammen.organisation.models import Area, Municipality

BIRTH_ANCHOR = dt.date(2026, 1, 1)
DISTRICTS = ("Nord", "Syd", "Øst", "Vest")

# (lowest age, highest age, share). People in care are mostly old: 78 % are 65 or older.
AGE_PROFILE: tuple[tuple[int, int, float], ...] = (
    (0, 17, 0.03),
    (18, 39, 0.06),
    (40, 64, 0.13),
    (65, 74, 0.18),
    (75, 84, 0.30),
    (85, 94, 0.24),
    (95, 104, 0.06),
)


@dataclass(frozen=True)
class Place:
    code: str
    towns: tuple[tuple[str, str, float], ...]  # (postcode, town, share)
    centre: tuple[float, float]  # latitude, longitude


# A few real municipalities (kommunekode, postcodes, rough centre). Any other name gets a free
# 9xx code, Faker's postcodes and a centre on Zealand.
PLACES: dict[str, Place] = {
    "greve": Place(
        "253",
        (("2670", "Greve", 0.6), ("2690", "Karlslunde", 0.25), ("4030", "Tune", 0.15)),
        (55.585, 12.290),
    ),
    "solrod": Place(
        "269", (("2680", "Solrød Strand", 0.8), ("4622", "Havdrup", 0.2)), (55.535, 12.180)
    ),
    "koge": Place(
        "259",
        (("4600", "Køge", 0.7), ("4681", "Herfølge", 0.15), ("4632", "Bjæverskov", 0.15)),
        (55.457, 12.182),
    ),
    "roskilde": Place(
        "265", (("4000", "Roskilde", 0.8), ("4040", "Jyllinge", 0.2)), (55.641, 12.080)
    ),
}
_DEFAULT_CENTRE = (55.50, 11.90)
_DISTRICT_OFFSET = {
    "Nord": (0.02, 0.0),
    "Syd": (-0.02, 0.0),
    "Øst": (0.0, 0.03),
    "Vest": (0.0, -0.03),
}


# --- CPR -----------------------------------------------------------------------------------


def fictitious_cpr(rng: random.Random, born: dt.date, sex: str) -> str:
    """A CPR number no real person can have (see the module docstring); 10 digits."""
    if born.month == 1 and born.day == 1:
        raise ValueError("1 January birth dates can belong to real numbers without modulus 11.")
    if 1900 <= born.year <= 1999:
        digit7 = rng.randint(0, 3)
    elif 2000 <= born.year <= 2036:
        digit7 = rng.choice((4, 9))
    else:
        raise ValueError("Only birth years 1900-2036 are generated.")
    while True:
        last = rng.randrange(0 if sex == "female" else 1, 10, 2)
        digits = f"{born:%d%m%y}{digit7}{rng.randint(0, 99):02d}{last}"
        if not mod11_ok(digits):
            return digits


def is_fictitious_cpr(digits: str) -> bool:
    """True when `digits` follows the rule: valid for Sammen, not 1 January, fails modulus 11."""
    cpr = Cpr.parse(digits)
    born = cpr.birth_date
    return not cpr.mod11_ok and (born.month, born.day) != (1, 1)


# --- Citizens --------------------------------------------------------------------------------


@dataclass
class CitizenPlan:
    """One generated citizen with the rows that hang off them, before insertion."""

    citizen: Citizen
    district: str
    relatives: list[Relative]
    consent: tuple[str, str, str, int, bool] | None  # area, scope, basis, day offset, withdrawn


def _birth_date(rng: random.Random) -> dt.date:
    low, high, _ = rng.choices(AGE_PROFILE, weights=[s for _, _, s in AGE_PROFILE])[0]
    age = rng.randint(low, high)
    year = BIRTH_ANCHOR.year - 1 - age
    day_of_year = rng.randint(1, 364)  # 1 = 2 January: never 1 January
    return dt.date(year, 1, 1) + dt.timedelta(days=day_of_year)


def age_at_anchor(born: dt.date) -> int:
    return BIRTH_ANCHOR.year - born.year - 1


def _pick_town(rng: random.Random, place: Place | None, faker: Faker) -> tuple[str, str]:
    if place is None:
        return str(faker.postcode()), str(faker.city())
    postcode, town, _ = rng.choices(place.towns, weights=[s for _, _, s in place.towns])[0]
    return postcode, town


def _floor_door(rng: random.Random) -> str:
    if rng.random() < 0.65:
        return ""
    return f"{rng.choice(['st.', '1.', '2.', '3.', '4.'])} {rng.choice(['tv.', 'th.', 'mf.'])}"


def _relatives(
    rng: random.Random, faker: Faker, municipality: Municipality, citizen: Citizen, age: int
) -> list[Relative]:
    people: list[tuple[str, str]] = []  # (name, relation)
    other_sex_first = faker.first_name_male if citizen.sex == "female" else faker.first_name_female

    def any_first() -> str:
        return str(faker.first_name_female() if rng.random() < 0.5 else faker.first_name_male())

    def family_name() -> str:
        return citizen.last_name if rng.random() < 0.6 else str(faker.last_name())

    if age < 18:
        people += [(f"{any_first()} {citizen.last_name}", Relation.PARENT) for _ in range(2)]
    else:
        if rng.random() < (0.45 if age < 80 else 0.25):
            people.append((f"{other_sex_first()} {citizen.last_name}", Relation.SPOUSE))
        if age >= 50:
            kids = rng.choices((0, 1, 2, 3), weights=(0.15, 0.35, 0.35, 0.15))[0]
            people += [(f"{any_first()} {family_name()}", Relation.CHILD) for _ in range(kids)]
        elif rng.random() < 0.5:
            people.append((f"{any_first()} {citizen.last_name}", Relation.PARENT))
        if rng.random() < 0.1:
            people.append((f"{any_first()} {faker.last_name()}", Relation.FRIEND))
        if age < 65 and rng.random() < 0.04:
            people.append((f"{any_first()} {faker.last_name()}", Relation.GUARDIAN))
    rows: list[Relative] = []
    for i, (name, relation) in enumerate(people):
        attorney, note = "", ""
        if relation == Relation.GUARDIAN:
            attorney, note = PowerOfAttorney.GENERAL, "Værgemål efter værgemålsloven § 5"
        elif relation == Relation.CHILD and age >= 85 and rng.random() < 0.25:
            attorney, note = PowerOfAttorney.FUTURE, "Personlige og økonomiske forhold"
        email = ""
        if rng.random() < 0.5:
            email = f"{fold(name).replace(' ', '.')}@example.dk"
        rows.append(
            Relative(
                municipality=municipality,
                citizen=citizen,
                name=name,
                relation=relation,
                phone=str(faker.phone_number()),
                email=email,
                is_primary_contact=i == 0,
                power_of_attorney=attorney,
                power_of_attorney_note=note,
            )
        )
    return rows


def citizen_plans(
    municipality: Municipality,
    *,
    count: int,
    rng: random.Random,
    faker: Faker,
    place: Place | None,
) -> Iterator[CitizenPlan]:
    """`count` citizens with unique fictitious CPR numbers, deterministic for rng and faker."""
    centre = place.centre if place else _DEFAULT_CENTRE
    seen: set[str] = set()
    for _ in range(count):
        born = _birth_date(rng)
        sex = "female" if rng.random() < (0.62 if age_at_anchor(born) >= 65 else 0.5) else "male"
        cpr = fictitious_cpr(rng, born, sex)
        while cpr in seen:
            cpr = fictitious_cpr(rng, born, sex)
        seen.add(cpr)
        first = faker.first_name_female() if sex == "female" else faker.first_name_male()
        if rng.random() < 0.3:
            second = faker.first_name_female() if sex == "female" else faker.first_name_male()
            if second != first:
                first = f"{first} {second}"
        district = rng.choice(DISTRICTS)
        postcode, town = _pick_town(rng, place, faker)
        d_lat, d_lon = _DISTRICT_OFFSET[district]
        values: dict[str, Any] = {
            "first_name": str(first),
            "last_name": str(faker.last_name()),
            "street": str(faker.street_name()),
            "house_number": str(rng.randint(1, 140)) + ("" if rng.random() < 0.9 else "A"),
            "floor_door": _floor_door(rng),
            "postcode": postcode,
            "city": town,
        }
        citizen = Citizen(
            municipality=municipality,
            cpr=cpr,
            cpr_birth_part=cpr[:6],
            birth_date=born,
            sex=sex,
            phone=str(faker.phone_number()),
            gp_name=f"Læge {faker.first_name()} {faker.last_name()}",
            gp_clinic=f"Lægehuset {town}",
            latitude=Decimal(f"{centre[0] + d_lat + rng.uniform(-0.012, 0.012):.6f}"),
            longitude=Decimal(f"{centre[1] + d_lon + rng.uniform(-0.02, 0.02):.6f}"),
            **values,
            **_search_fields(values),
        )
        age = age_at_anchor(born)
        relatives = _relatives(rng, faker, municipality, citizen, age)
        consent = None
        if rng.random() < 0.4:
            has_attorney = any(r.power_of_attorney for r in relatives)
            basis = rng.choices(
                (ConsentBasis.CONSENT, ConsentBasis.PROXY_CONSENT, ConsentBasis.LEGAL),
                weights=(0.8, 0.1 if has_attorney else 0.0, 0.1),
            )[0]
            consent = (
                rng.choice([a for a in Area.values if a != primary_area(age)]),
                rng.choice(ConsentScope.values),
                str(basis),
                rng.randint(0, 10_000),
                rng.random() < 0.08,
            )
        fate = rng.random()
        if fate < 0.02:
            citizen.status = CitizenStatus.DECEASED
        elif fate < 0.03:
            citizen.status = CitizenStatus.MOVED_AWAY
        yield CitizenPlan(citizen, district, relatives, consent)


def primary_area(age: int) -> str:
    if age < 18:
        return Area.CHILDREN_FAMILY
    if age < 65:
        return Area.DISABILITY_PSYCHIATRY
    return Area.ELDERLY_HEALTH
