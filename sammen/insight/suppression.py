"""Small-cell protection: primary and complementary suppression of a published table.

A published figure is a set of cells (counts) and the equations that hold between them: a
row total is the sum of its cells, a month's municipality total the sum of the areas, a year
the sum of its months, and so on — across every breakdown shown of the same figure (two
overlapping breakdowns share their totals, so they are one problem). Suppression must leave
no hidden cell whose value follows from what is published.

1. Primary: every count with 0 < n < threshold is hidden (shown as "<5"), and any cell the
   caller marks (e.g. a share whose complement is small).
2. Complementary, line by line: an equation with exactly one hidden cell would give it away
   (total minus the rest), so the smallest other cell of that equation is hidden too
   (smallest value first, non-zero before zero: a hidden zero protects nothing if the reader
   can guess it). Repeated to a fixed point.
3. Audit: the line rule is not enough — a hidden cell can still follow from a combination of
   equations (in a two-way table: a hidden cell that is a bridge between two groups of hidden
   cells; with linked tables: many more ways). The audit solves the whole system exactly
   (Gaussian elimination over the integers modulo a large prime, on the hidden cells as the
   unknowns) and finds every hidden cell that the published cells determine. For each, the
   smallest published cell sharing an equation with it is hidden as well, and steps 2–3
   repeat until no hidden cell is determined. Each round hides at least one more cell, so it
   ends (at worst with everything hidden).

The tests (`tests/test_suppression.py`) attack the result with an independent exact solver
over the rationals on random tables: no hidden cell can be recovered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Key = Any  # any hashable cell key
_P = (1 << 61) - 1  # a Mersenne prime; the equations' coefficients are 0 and ±1


@dataclass(frozen=True)
class Equation:
    """`total` is the sum of `parts`."""

    total: Key
    parts: tuple[Key, ...]

    @property
    def cells(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Protection:
    primary: frozenset[Key]
    secondary: frozenset[Key]

    @property
    def hidden(self) -> frozenset[Key]:
        return self.primary | self.secondary


def protect(
    values: Mapping[Key, int],
    equations: Sequence[Equation],
    *,
    threshold: int,
    also_primary: Iterable[Key] = (),
) -> Protection:
    """Which cells to hide so that no small count is shown or can be worked out."""
    primary = {k for k, v in values.items() if 0 < v < threshold} | set(also_primary)
    hidden = set(primary)
    while True:
        _line_rule(values, equations, hidden)
        determined = determined_cells(hidden, values, equations)
        if not determined:
            break
        grew = False
        for key in sorted(determined, key=_order(values)):
            extra = _cheapest_partner(key, values, equations, hidden)
            if extra is not None:
                hidden.add(extra)
                grew = True
                break  # re-run the line rule and the audit with the new cell
        if not grew:
            break  # only structural cells are determined (they follow from nothing hidden)
    return Protection(frozenset(primary), frozenset(hidden - primary))


def _order(values: Mapping[Key, int]) -> Callable[[Key], tuple[bool, int, str]]:
    # Smallest first, but a zero last: hiding a zero rarely protects anything.
    return lambda k: (values[k] == 0, values[k], repr(k))


def _line_rule(values: Mapping[Key, int], equations: Sequence[Equation], hidden: set[Key]) -> None:
    changed = True
    while changed:
        changed = False
        for eq in equations:
            cells = eq.cells
            if sum(1 for c in cells if c in hidden) == 1:
                rest = [c for c in cells if c not in hidden]
                if rest:
                    hidden.add(min(rest, key=_order(values)))
                    changed = True


def _cheapest_partner(
    key: Key, values: Mapping[Key, int], equations: Sequence[Equation], hidden: set[Key]
) -> Key | None:
    candidates = {c for eq in equations if key in eq.cells for c in eq.cells if c not in hidden}
    if not candidates:
        return None
    return min(candidates, key=_order(values))


def determined_cells(
    hidden: Iterable[Key], values: Mapping[Key, int], equations: Sequence[Equation]
) -> set[Key]:
    """The hidden cells whose value the published cells and the equations determine.

    Unknown j is determined exactly when every solution of the homogeneous system has
    x_j = 0: in reduced row echelon form, j is a pivot whose row has no free column."""
    unknowns = sorted(set(hidden), key=repr)
    index = {k: i for i, k in enumerate(unknowns)}
    rows: list[dict[int, int]] = []
    for eq in equations:
        row: dict[int, int] = {}
        for coeff, cell in ((-1, eq.total), *((1, p) for p in eq.parts)):
            if cell in index:
                j = index[cell]
                row[j] = (row.get(j, 0) + coeff) % _P
        row = {j: c for j, c in row.items() if c}
        if row:
            rows.append(row)
    pivots = _rref(rows)
    free = set(range(len(unknowns))) - set(pivots)
    return {unknowns[col] for col, row in pivots.items() if not any(j in free for j in row)}


def _rref(rows: list[dict[int, int]]) -> dict[int, dict[int, int]]:
    """Reduced row echelon form over GF(p); returns {pivot column: its row}."""
    pivots: dict[int, dict[int, int]] = {}
    for row in rows:
        row = dict(row)
        for col, prow in pivots.items():  # eliminate known pivots from the new row
            c = row.get(col)
            if c:
                for j, v in prow.items():
                    row[j] = (row.get(j, 0) - c * v) % _P
                row = {j: v for j, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        inv = pow(row[col], _P - 2, _P)
        row = {j: (v * inv) % _P for j, v in row.items()}
        for other_col, prow in pivots.items():  # and the new pivot from the others
            c = prow.get(col)
            if c:
                for j, v in row.items():
                    prow[j] = (prow.get(j, 0) - c * v) % _P
                pivots[other_col] = {j: v for j, v in prow.items() if v}
        pivots[col] = row
    return pivots
