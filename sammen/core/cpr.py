"""CPR numbers by the CPR office's rules (DOMAIN.md §6.4).

- 10 digits, written DDMMYY-SSSS or DDMMYYSSSS.
- The birth date must be a real date; the century follows from the 7th digit and the year.
- Modulus 11 is NOT required: since 1 October 2007 the CPR office issues numbers that fail it,
  and systems must accept them. `mod11_ok` is there for a warning at most.
- The 10th digit gives the legal sex: even = female, odd = male.

A CPR number is personal data: `mask_cpr` shows DDMMYY-xxxx in lists, and no CPR number may
appear in a URL, a log line, an exception message or a task argument. `InvalidCpr` messages
therefore never contain the number itself. `mask_cpr_in_text` is the one function that masks
every CPR number in free text (search criteria, log records), however it was typed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
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


# --- CPR numbers in free text -------------------------------------------------------------------
# People type a CPR number in many ways: 010190-1234, 010190–1234 (en dash), 01 01 90 1234,
# 01.01.90/1234, 010190_1234, full-width or other Unicode digits (０１０１９０, ٠١٠١٩٠), with
# invisible characters (soft hyphen, zero-width space) in between, and among words
# ("cpr 010190–1234 fru Hansen"). After Unicode normalisation (NFKC) every decimal digit is
# read as its ASCII value and every separator below links the digits around it. A run of ten
# or more linked digits may be a CPR number: its first six digits are kept (DDMMYY, as in the
# lists) and the rest become x. Shorter runs stay as typed (house numbers, postcodes, phone
# numbers of eight digits, dates). Three shapes are kept whole because they are no CPR number:
# UUIDs (logs need them), a country code (+45 12 34 56 78), and real dates with a four-digit
# year (2026-12-02, 02.12.2026, optionally with a time of day) that no more digits follow
# (01-01-1990-1234 is masked). So, outside those shapes, the masked text never holds ten
# digits in a row, however its separators are read.
_SEPARATOR_CHARS = frozenset("/\\.\u00b7\u2022\u2027\u2219\u2044\u2215\u2212")  # /\ . · • ‧ ∙ ⁄ ∕ −
_SEPARATOR_CATEGORIES = frozenset({"Pd", "Pc", "Zs", "Zl", "Zp", "Cc", "Cf", "Mn"})
_ASCII_SEPARATORS = r"[\s\-_./\\\x00-\x1f\x7f]"
_DIGIT_RUN = re.compile(rf"[0-9](?:{_ASCII_SEPARATORS}*[0-9])*")
_ONLY_DIGITS_AND_SEPARATORS = re.compile(
    rf"(?:[0-9]|{_ASCII_SEPARATORS})*[0-9](?:[0-9]|{_ASCII_SEPARATORS})*"
)
_YEAR, _MONTH, _DAY = (
    r"(?:1[89]|2[01])[0-9]{2}",
    r"(?:0[1-9]|1[0-2])",
    r"(?:0[1-9]|[12][0-9]|3[01])",
)
_KEPT_WHOLE = re.compile(
    "|".join(
        (
            r"(?<![0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}"
            r"-[0-9a-fA-F]{12}(?![0-9A-Za-z])",
            r"(?<![0-9A-Za-z])(?=[0-9]*[a-fA-F])[0-9a-fA-F]{32}(?![0-9A-Za-z])",
            r"(?<![0-9A-Za-z+])\+[0-9]{1,3}(?![0-9])",
            rf"(?<![0-9])(?:{_YEAR}-{_MONTH}-{_DAY}|{_DAY}([-./]){_MONTH}\1{_YEAR})"
            r"(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?)?"
            rf"(?!{_ASCII_SEPARATORS}*[0-9])",
        )
    )
)
CPR_RUN_LENGTH = 10


def _normalised_char(char: str) -> str:
    """One character as the masking reads it: ASCII digits, "-" for a separator."""
    if char.isascii():
        return char
    out = []
    for part in unicodedata.normalize("NFKC", char):
        digit = unicodedata.decimal(part, None)
        if digit is not None:
            out.append(str(digit))
        elif part in _SEPARATOR_CHARS or unicodedata.category(part) in _SEPARATOR_CATEGORIES:
            out.append("-")
        elif part.isascii():
            out.append(part)
        else:
            out.append("#")  # any other character ends a run of digits
    return "".join(out)


def mask_cpr_in_text(text: str) -> str:
    """`text` with every possible CPR number masked (see above); all else as typed."""
    if not text or (text.isascii() and sum(c.isdigit() for c in text) < CPR_RUN_LENGTH):
        return text
    # The normalised text, and for each of its characters the index of the typed one.
    parts = [_normalised_char(char) for char in text]
    normal = "".join(parts)
    origin = [index for index, part in enumerate(parts) for _ in part]
    readable = _KEPT_WHOLE.sub(lambda match: "#" * len(match.group(0)), normal)
    pieces: list[str] = []
    done = 0
    for run in _DIGIT_RUN.finditer(readable):
        digits = re.sub(r"[^0-9]", "", run.group(0))
        if len(digits) < CPR_RUN_LENGTH:
            continue
        start, end = origin[run.start()], origin[run.end() - 1] + 1
        if start < done:  # one typed character that NFKC made into several (rare)
            start = done
        pieces.append(text[done:start])
        pieces.append(f"{digits[:6]}-" + "x" * (len(digits) - 6))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def digits_typed(text: str) -> str | None:
    """The digits of `text` as ASCII when it holds only digits and separators, read the way
    `mask_cpr_in_text` reads them (so 010190–1234 and ０１０１９０ １２３４ are 0101901234);
    None when it holds anything else. For the search box, not for registering a number."""
    normal = "".join(_normalised_char(char) for char in (text or "").strip())
    if not normal or not _ONLY_DIGITS_AND_SEPARATORS.fullmatch(normal):
        return None
    return re.sub(r"[^0-9]", "", normal)
