"""CPR numbers by the CPR office's rules (DOMAIN.md §6.4).

- 10 digits, written DDMMYY-SSSS or DDMMYYSSSS.
- The birth date must be a real date; the century follows from the 7th digit and the year.
- Modulus 11 is NOT required: since 1 October 2007 the CPR office issues numbers that fail it,
  and systems must accept them. `mod11_ok` is there for a warning at most.
- The 10th digit gives the legal sex: even = female, odd = male.

A CPR number is personal data: `mask_cpr` shows DDMMYY-xxxx in lists, and no CPR number may
appear in a URL, a log line, an exception message or a task argument. `InvalidCpr` messages
therefore never contain the number itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_CPR_RE = re.compile(r"^([0-9]{6})-?([0-9]{4})$")  # ASCII digits only (not "１４…")
_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


class InvalidCpr(ValueError):
    """The message is Danish, user-facing, and never contains the number."""


def century_for(year2: int, digit7: int) -> int:
    """The full birth year from the two-digit year and the 7th digit."""
    if digit7 in (0, 1, 2, 3):
        return 1900 + year2
    if digit7 in (4, 9):
        return 2000 + year2 if year2 <= 36 else 1900 + year2
    # 5, 6, 7, 8
    return 2000 + year2 if year2 <= 57 else 1800 + year2


def normalise_cpr(value: str) -> str:
    """Strip spaces; accept DDMMYY-SSSS or DDMMYYSSSS; return 10 digits or raise InvalidCpr."""
    text = (value or "").strip().replace(" ", "")
    match = _CPR_RE.match(text)
    if not match:
        raise InvalidCpr("Et CPR-nummer er 10 cifre, skrevet DDMMÅÅ-XXXX.")
    return match.group(1) + match.group(2)


@dataclass(frozen=True)
class Cpr:
    digits: str

    @classmethod
    def parse(cls, value: str) -> Cpr:
        digits = normalise_cpr(value)
        cpr = cls(digits)
        cpr.birth_date  # noqa: B018 - raises InvalidCpr for an impossible date
        return cpr

    @property
    def birth_date(self) -> dt.date:
        day, month, year2 = int(self.digits[0:2]), int(self.digits[2:4]), int(self.digits[4:6])
        year = century_for(year2, int(self.digits[6]))
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise InvalidCpr("CPR-nummerets første seks cifre er ikke en gyldig dato.") from None

    @property
    def sex(self) -> str:
        """'female' for an even last digit, 'male' for odd."""
        return "female" if int(self.digits[9]) % 2 == 0 else "male"

    @property
    def mod11_ok(self) -> bool:
        return mod11_ok(self.digits)

    @property
    def masked(self) -> str:
        return mask_cpr(self.digits)

    @property
    def formatted(self) -> str:
        return f"{self.digits[:6]}-{self.digits[6:]}"

    def __str__(self) -> str:  # never the full number by accident
        return self.masked

    def __repr__(self) -> str:
        return f"Cpr({self.masked})"


def mod11_ok(digits: str) -> bool:
    return sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11 == 0


def mask_cpr(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    if len(digits) < 6:
        return "xxxxxx-xxxx"
    return f"{digits[:6]}-xxxx"
