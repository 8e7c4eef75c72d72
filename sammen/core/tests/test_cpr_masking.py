"""No CPR number in free text, however it was typed (SECURITY.md T10): `mask_cpr_in_text`.

The check here is written independently of the masking: it normalises the masked text (NFKC,
every Unicode decimal digit read as ASCII), removes every separator the generator can type,
and looks for the CPR number's ten digits, and for any ten digits in a row.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sammen.core.cpr import digits_typed, mask_cpr_in_text

# Ways to write one digit: ASCII, full-width, Arabic-Indic, Extended Arabic-Indic, Devanagari,
# Bengali, Thai, mathematical bold and monospace, and circled digits (NFKC makes them ASCII).
DIGIT_FORMS = [
    lambda d: str(d),
    lambda d: chr(0xFF10 + d),
    lambda d: chr(0x0660 + d),
    lambda d: chr(0x06F0 + d),
    lambda d: chr(0x0966 + d),
    lambda d: chr(0x09E6 + d),
    lambda d: chr(0x0E50 + d),
    lambda d: chr(0x1D7CE + d),
    lambda d: chr(0x1D7F6 + d),
    lambda d: "⓪" if d == 0 else chr(0x2460 + d - 1),
]
# What people (and word processors) put between the digits.
SEPARATORS = [
    "-",  # hyphen-minus
    "\u2010",  # hyphen
    "\u2011",  # non-breaking hyphen
    "\u2012",  # figure dash
    "\u2013",  # en dash
    "\u2014",  # em dash
    "\u2015",  # horizontal bar
    "\u2212",  # minus sign
    "\ufe63",  # small hyphen-minus
    "\uff0d",  # full-width hyphen-minus
    " ",
    "\t",
    "\u00a0",  # no-break space
    "\u2009",  # thin space
    "\u202f",  # narrow no-break space
    "\u3000",  # ideographic space
    "/",
    "\uff0f",  # full-width solidus
    "\u2044",  # fraction slash
    ".",
    "\u00b7",  # middle dot
    "_",
    "\uff3f",  # full-width low line
    "\u00ad",  # soft hyphen (invisible)
    "\u200b",  # zero-width space (invisible)
    "\u2060",  # word joiner (invisible)
]
WORDS = ["cpr", "CPR-nr.", "fru", "Hansen", "Søren", "Østergaard", "borger", "født", "nr", ":", "("]


def digits_view(text: str) -> str:
    """The text as a reader who ignores separators sees it: NFKC, ASCII digits, no separators."""
    out = []
    for char in unicodedata.normalize("NFKC", text):
        if unicodedata.decimal(char, None) is not None:
            out.append(str(unicodedata.decimal(char)))
        elif not (
            char in SEPARATORS
            or unicodedata.category(char) in {"Pd", "Pc", "Zs", "Cf"}
            or char.isspace()
        ):
            out.append(char)
    return "".join(out)


@st.composite
def cpr_numbers(draw: st.DrawFn) -> str:
    """Ten ASCII digits: a real birth date, the century digit and a serial."""
    born = draw(st.dates(min_value=dt.date(1858, 1, 1), max_value=dt.date(2036, 12, 31)))
    serial = draw(st.integers(min_value=0, max_value=999))
    year2 = born.year % 100
    if born.year < 1900:
        digit7 = 5
    elif born.year < 2000:
        digit7 = 4 if year2 >= 37 else 0
    else:
        digit7 = 4 if year2 <= 36 else 5
    return f"{born:%d%m}{year2:02d}{digit7}{serial:03d}"


@st.composite
def typed(draw: st.DrawFn, digits: str) -> str:
    """`digits` as a person might type it: any digit forms, separators between any digits."""
    same_form = draw(st.booleans())
    form = draw(st.sampled_from(DIGIT_FORMS))
    out = []
    for position, digit in enumerate(digits):
        if position:
            out.append("".join(draw(st.lists(st.sampled_from(SEPARATORS), min_size=0, max_size=3))))
        write = form if same_form else draw(st.sampled_from(DIGIT_FORMS))
        out.append(write(int(digit)))
    return "".join(out)


@st.composite
def cpr_in_text(draw: st.DrawFn) -> tuple[str, str]:
    digits = draw(cpr_numbers())
    before = draw(st.lists(st.sampled_from(WORDS), max_size=3))
    after = draw(st.lists(st.sampled_from(WORDS), max_size=3))
    glue = draw(st.sampled_from(["", " ", "  ", ": "]))
    return digits, " ".join(before) + glue + draw(typed(digits)) + glue + " ".join(after)


def words_in(text: str) -> list[str]:
    return [word for word in WORDS if word in text and word.isalpha()]


@given(cpr_in_text())
@example(("0101901234", "cpr 010190–1234 fru Hansen"))
@example(("0101901234", "01.01.90/1234"))
@example(("0101901234", "０１０１９０－１２３４"))
@example(("0101901234", "01 01 90 12 34"))
@example(("0101901234", "0101\u00ad90\u200b1234"))
@example(("1011901234", "101.190.123.4"))
@settings(max_examples=100, deadline=None)
def test_a_cpr_number_typed_any_way_is_masked(case: tuple[str, str]) -> None:
    digits, text = case
    masked = mask_cpr_in_text(text)
    seen = digits_view(masked)
    assert digits not in seen, (text, masked)
    assert not re.search(r"[0-9]{10}", seen), (text, masked)
    assert digits[:6] in seen  # the birth date part stays, as in the lists (DDMMYY-xxxx)
    for word in words_in(text):  # the words around it stay readable
        assert word in masked


@given(cpr_numbers(), st.text(max_size=40), st.text(max_size=40))
@settings(max_examples=100, deadline=None)
def test_any_text_around_a_cpr_number_still_masks_it(digits: str, left: str, right: str) -> None:
    masked = mask_cpr_in_text(f"{left} {digits[:6]}-{digits[6:]} {right}")
    assert digits not in digits_view(masked)


def test_a_cpr_number_typed_as_digits_only_is_read_as_one_for_the_search_box() -> None:
    assert digits_typed("010190–1234") == "0101901234"
    assert digits_typed("０１０１９０ １２３４") == "0101901234"
    assert digits_typed(" 01.01.90 ") == "010190"
    assert digits_typed("010190-1234 fru") is None
    assert digits_typed("") is None
    assert digits_typed("--") is None


# --- Ordinary text stays as typed ------------------------------------------------------------

NAMES = ["Søren", "Østergaard", "Åse", "José", "Hansen", "fru", "hr.", "Vestergade", "Strandvejen"]
LABELS = ["tlf.", "nr", "født", "dato", "vej", "postnr.", "kl.", "id"]


def phone_numbers() -> st.SearchStrategy[str]:
    number = st.integers(min_value=20_000_000, max_value=99_999_999).map(str)
    return st.one_of(
        number,
        number.map(lambda n: " ".join(n[i : i + 2] for i in range(0, 8, 2))),
        number.map(lambda n: f"{n[:4]} {n[4:]}"),
        number.map(lambda n: "+45 " + " ".join(n[i : i + 2] for i in range(0, 8, 2))),
    )


def dates() -> st.SearchStrategy[str]:
    day = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))
    return st.one_of(
        day.map(lambda d: f"{d:%Y-%m-%d}"),
        day.map(lambda d: f"{d:%d.%m.%Y}"),
        day.map(lambda d: f"{d:%d-%m-%Y}"),
        day.map(lambda d: f"{d:%d/%m/%Y}"),
        st.builds(dt.datetime.combine, day, st.times()).map(lambda t: f"{t:%Y-%m-%d %H:%M:%S}"),
        day.map(lambda d: f"{d:%d%m%y}"),  # a birth date part, as the search box takes it
    )


def numbers() -> st.SearchStrategy[str]:
    house = st.integers(min_value=1, max_value=999).map(str)
    return st.one_of(
        house,
        house.map(lambda n: n + "B"),
        st.integers(min_value=1000, max_value=9990).map(str),  # postcode
        phone_numbers(),
        dates(),
        st.uuids().map(str),
        st.uuids().map(lambda u: u.hex),
    )


@given(st.lists(st.tuples(st.sampled_from(NAMES + LABELS), numbers()), min_size=1, max_size=6))
@example([("Vestergade", "12"), ("postnr.", "2670"), ("tlf.", "12 34 56 78")])
@example([("dato", "2026-12-02"), ("kl.", "2026-12-02 04:23:47")])
@settings(max_examples=100, deadline=None)
def test_ordinary_text_is_kept_as_typed(pairs: list[tuple[str, str]]) -> None:
    text = ", ".join(f"{word} {number}" for word, number in pairs)
    assert mask_cpr_in_text(text) == text
