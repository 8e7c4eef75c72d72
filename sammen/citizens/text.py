"""Folding Danish text for search: "Søren" = "soren" = "Soeren", "Åse" = "Aase" = "ase"."""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss"})
_DIGRAPHS = (("aa", "a"), ("oe", "o"), ("ae", "e"))
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case, Danish letters and their two-letter spellings made equal, accents dropped.

    Both what is stored and what is searched are folded the same way, so matching is
    symmetric: a few extra hits (Michael ~ Michel) are the price of finding Søren as soren.
    """
    text = (text or "").lower().translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    for pair, single in _DIGRAPHS:
        text = text.replace(pair, single)
    return _NON_WORD.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    return [t for t in fold(text).split(" ") if t]
