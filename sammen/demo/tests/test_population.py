"""The fictitious-CPR rule and the people generator, without the database."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from sammen.core.cpr import Cpr, mod11_ok
from sammen.demo.population import (
    BIRTH_ANCHOR,
    age_at_anchor,
    citizen_plans,
    fictitious_cpr,
    is_fictitious_cpr,
)
from sammen.organisation.models import Municipality


def _plans(seed: int, count: int = 150) -> list[tuple[str, str, str, str]]:
    from faker import Faker

    faker = Faker("da_DK")
    faker.seed_instance(seed)
    plans = citizen_plans(
        Municipality(name="Prøveby", code="999"),
        count=count,
        rng=random.Random(seed),
        faker=faker,
        place=None,
    )
    return [
        (p.citizen.cpr, p.citizen.full_name, p.citizen.street, p.citizen.postcode) for p in plans
    ]


def test_fictitious_cpr_is_valid_for_sammen_but_not_a_real_persons() -> None:
    rng = random.Random(4)
    start = dt.date(1900, 1, 1)
    for _ in range(3000):
        born = start + dt.timedelta(days=rng.randint(1, 365 * 136))
        if (born.month, born.day) == (1, 1):
            continue
        sex = rng.choice(("female", "male"))
        digits = fictitious_cpr(rng, born, sex)
        cpr = Cpr.parse(digits)  # Sammen's validator accepts it
        assert cpr.birth_date == born  # the 7th digit gives the right century
        assert cpr.sex == sex
        assert not mod11_ok(digits)
        assert is_fictitious_cpr(digits)


def test_the_rule_rejects_numbers_a_real_person_could_have() -> None:
    # 1 January without modulus 11: the CPR office issues these since 2007.
    first_january = next(
        f"010165{seq:04d}" for seq in range(10_000) if not mod11_ok(f"010165{seq:04d}")
    )
    assert not is_fictitious_cpr(first_january)
    # Any date with a valid modulus-11 check digit: an ordinary real-looking number.
    valid_mod11 = next(f"140338{seq:04d}" for seq in range(10_000) if mod11_ok(f"140338{seq:04d}"))
    assert not is_fictitious_cpr(valid_mod11)
    with pytest.raises(ValueError, match="1 January"):
        fictitious_cpr(random.Random(1), dt.date(1950, 1, 1), "male")


def test_same_seed_same_people_and_another_seed_others() -> None:
    first, again, other = _plans(11), _plans(11), _plans(12)
    assert first == again
    assert {c for c, *_ in first}.isdisjoint({c for c, *_ in other})
    assert [n for _, n, *_ in first] != [n for _, n, *_ in other]


def test_a_bigger_run_starts_with_the_smaller_one() -> None:
    assert _plans(5, 300)[:100] == _plans(5, 100)


def test_generated_cprs_are_unique_and_follow_the_rule() -> None:
    cprs = [c for c, *_ in _plans(3, 300)]
    assert len(set(cprs)) == len(cprs)
    assert all(is_fictitious_cpr(c) for c in cprs)


def test_age_profile_most_people_in_care_are_65_or_older() -> None:
    from faker import Faker

    faker = Faker("da_DK")
    faker.seed_instance(8)
    plans = list(
        citizen_plans(
            Municipality(name="Prøveby", code="999"),
            count=300,
            rng=random.Random(8),
            faker=faker,
            place=None,
        )
    )
    ages = [age_at_anchor(p.citizen.birth_date) for p in plans]
    assert sum(a >= 65 for a in ages) / len(ages) > 0.6
    assert any(a < 18 for a in ages)  # children and younger adults are there too
    assert any(18 <= a < 65 for a in ages)
    assert max(ages) <= 104
    assert all(p.citizen.birth_date < BIRTH_ANCHOR for p in plans)
