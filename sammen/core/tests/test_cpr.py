"""CPR rules (DOMAIN.md §6.4), table-driven."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sammen.core.cpr import Cpr, InvalidCpr, century_for, mask_cpr, mod11_ok


def with_digit7(ddmmyy: str, digit7: int, rest: str = "123") -> str:
    return f"{ddmmyy}{digit7}{rest}"


@pytest.mark.parametrize(
    ("year2", "digit7", "year"),
    [
        (0, 0, 1900),
        (99, 3, 1999),
        (50, 1, 1950),
        (0, 4, 2000),
        (36, 4, 2036),
        (37, 4, 1937),
        (99, 4, 1999),
        (0, 9, 2000),
        (36, 9, 2036),
        (37, 9, 1937),
        (0, 5, 2000),
        (57, 5, 2057),
        (58, 5, 1858),
        (99, 8, 1899),
        (10, 6, 2010),
        (70, 7, 1870),
    ],
)
def test_century_rules(year2: int, digit7: int, year: int) -> None:
    assert century_for(year2, digit7) == year
    cpr = Cpr.parse(with_digit7(f"0101{year2:02d}", digit7))
    assert cpr.birth_date == dt.date(year, 1, 1)


@pytest.mark.parametrize(
    "number",
    [
        "010165-0001",  # issued after 2007 without a modulus-11 control digit
        "0101651235",
        "010190-4001",
        "010180 1120",
    ],
)
def test_numbers_failing_modulus_11_are_accepted(number: str) -> None:
    cpr = Cpr.parse(number)
    assert not cpr.mod11_ok
    assert cpr.birth_date.month == 1


def test_a_modulus_11_valid_number_is_recognised() -> None:
    # 070761-4285: a textbook example with a valid control digit (fictitious person).
    assert mod11_ok("0707614285")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("310299-1234", "gyldig dato"),  # 31 February
        ("290201-1234", "gyldig dato"),  # 1901 is no leap year
        ("320190-1234", "gyldig dato"),
        ("011390-1234", "gyldig dato"),
        ("000190-1234", "gyldig dato"),
        ("12345", "10 cifre"),
        ("0101901234567", "10 cifre"),
        ("01019O-1234", "10 cifre"),  # letter O
        ("", "10 cifre"),
        ("01-01-90-1234", "10 cifre"),
    ],
)
def test_invalid_numbers_get_a_danish_message_without_the_number(number: str, message: str) -> None:
    with pytest.raises(InvalidCpr) as error:
        Cpr.parse(number)
    assert message in str(error.value)
    digits = number.replace("-", "")
    assert not digits or digits not in str(error.value)


def test_leap_day_depends_on_century() -> None:
    assert Cpr.parse("290200-4123").birth_date == dt.date(2000, 2, 29)  # 2000: leap year
    with pytest.raises(InvalidCpr):
        Cpr.parse("290200-1123")  # 1900: no leap year


@pytest.mark.parametrize(
    ("last", "sex"), [("0", "female"), ("2", "female"), ("1", "male"), ("9", "male")]
)
def test_sex_from_last_digit(last: str, sex: str) -> None:
    assert Cpr.parse(f"010190-123{last}").sex == sex


def test_masking_and_repr_never_show_the_serial() -> None:
    cpr = Cpr.parse("0101901234")
    assert cpr.masked == mask_cpr("010190-1234") == "010190-xxxx"
    assert "1234" not in str(cpr)
    assert "1234" not in repr(cpr)
    assert cpr.formatted == "010190-1234"


@given(
    st.dates(min_value=dt.date(1858, 1, 1), max_value=dt.date(2036, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_any_real_birth_date_round_trips(born: dt.date, serial: int) -> None:
    year2 = born.year % 100
    if born.year < 1900:
        digit7 = 5
    elif born.year < 2000:
        digit7 = 4 if year2 >= 37 else 0
    else:
        digit7 = 4 if year2 <= 36 else 5
    number = f"{born:%d%m}{year2:02d}{digit7}{serial:03d}"
    assert Cpr.parse(number).birth_date == born
