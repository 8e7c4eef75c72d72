"""Try to recover hidden cells (SECURITY.md T04, issue 13 "test it by trying").

The attacker knows every published cell and every equation between the cells (row and column
totals, and the totals a second, overlapping breakdown shares with the first). An exact solver
over the rationals — written here, independent of the one in `suppression.py` — computes the
solution space of the hidden cells; a hidden cell is recovered when it is the same in every
solution. Hypothesis draws the tables; the attack must fail for every one.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sammen.insight.suppression import Equation, determined_cells, protect

K = 5


def table(cells: list[list[int]], name: str = "t") -> tuple[dict[Any, int], list[Equation]]:
    """A two-way table with row totals, column totals and the grand total."""
    values: dict[Any, int] = {}
    eqs: list[Equation] = []
    rows, cols = len(cells), len(cells[0])
    for r, c in product(range(rows), range(cols)):
        values[(name, r, c)] = cells[r][c]
    for r in range(rows):
        values[(name, r, "T")] = sum(cells[r])
        eqs.append(Equation((name, r, "T"), tuple((name, r, c) for c in range(cols))))
    for c in range(cols):
        values[("T", c)] = sum(cells[r][c] for r in range(rows))
        eqs.append(Equation(("T", c), tuple((name, r, c) for r in range(rows))))
    values[("T", "T")] = sum(values[("T", c)] for c in range(cols))
    eqs.append(Equation(("T", "T"), tuple(("T", c) for c in range(cols))))
    eqs.append(Equation(("T", "T"), tuple((name, r, "T") for r in range(rows))))
    return values, eqs


def recoverable(hidden: set[Any], values: dict[Any, int], eqs: list[Equation]) -> set[Any]:
    """The attack: exact null space over Q of the system in the hidden cells."""
    unknowns = sorted(hidden, key=repr)
    idx = {k: i for i, k in enumerate(unknowns)}
    matrix = []
    for eq in eqs:
        row = [Fraction(0)] * len(unknowns)
        for coeff, cell in ((-1, eq.total), *((1, p) for p in eq.parts)):
            if cell in idx:
                row[idx[cell]] += coeff
        if any(row):
            matrix.append(row)
    # Gauss-Jordan.
    pivot_cols: list[int] = []
    r = 0
    for c in range(len(unknowns)):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        matrix[r] = [v / matrix[r][c] for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                f = matrix[i][c]
                matrix[i] = [a - f * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivot_cols.append(c)
        r += 1
    free = [c for c in range(len(unknowns)) if c not in pivot_cols]
    found = set()
    for i, c in enumerate(pivot_cols):
        if all(matrix[i][f] == 0 for f in free):
            found.add(unknowns[c])
    return found


counts = st.one_of(st.integers(0, 4), st.integers(0, 40))
grids = st.integers(2, 6).flatmap(
    lambda rows: st.integers(2, 6).flatmap(
        lambda cols: st.lists(
            st.lists(counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(grids)
def test_no_hidden_cell_of_a_two_way_table_can_be_recovered(cells: list[list[int]]) -> None:
    values, eqs = table(cells)
    hidden = protect(values, eqs, threshold=K).hidden
    assert not recoverable(set(hidden), values, eqs)
    # Every small count is hidden, and nothing shown is small.
    assert all(k in hidden for k, v in values.items() if 0 < v < K)


@settings(max_examples=200, deadline=None)
@given(grids, st.data())
def test_two_overlapping_breakdowns_sharing_totals(
    cells: list[list[int]], data: st.DataObject
) -> None:
    """Areas × months and outcome × months: the same month totals, two ways of splitting
    them. A hidden cell must not follow from the two together."""
    values, eqs = table(cells, "area")
    cols = len(cells[0])
    # A second split of each column total into two categories.
    split = [data.draw(st.integers(0, values[("T", c)])) for c in range(cols)]
    other = [[split[c] for c in range(cols)], [values[("T", c)] - split[c] for c in range(cols)]]
    v2, e2 = table(other, "outcome")
    assert all(v2[("T", c)] == values[("T", c)] for c in range(cols))
    values.update(v2)
    eqs += e2
    hidden = protect(values, eqs, threshold=K).hidden
    assert not recoverable(set(hidden), values, eqs)


def test_the_line_rule_alone_leaves_a_bridge_and_the_audit_closes_it() -> None:
    """Two blocks of small cells joined by one hidden cell: every row and column has two
    hidden cells, yet the joining cell follows from the totals. The audit must catch it."""
    cells = [
        [1, 1, 50, 50],
        [1, 1, 50, 50],
        [50, 50, 1, 1],
        [50, 50, 1, 1],
    ]
    values, eqs = table(cells)
    hidden = {k for k, v in values.items() if 0 < v < K} | {("t", 1, 2)}
    assert ("t", 1, 2) in recoverable(hidden, values, eqs)  # the attack works on this pattern
    assert ("t", 1, 2) in determined_cells(hidden, values, eqs)  # the engine sees it too
    protected = protect(values, eqs, threshold=K, also_primary={("t", 1, 2)}).hidden
    assert not recoverable(set(protected), values, eqs)


def test_a_single_small_cell_takes_a_partner_in_its_row_and_column() -> None:
    values, eqs = table([[3, 20, 30], [40, 50, 60]])
    result = protect(values, eqs, threshold=K)
    assert result.primary == {("t", 0, 0)}
    assert len(result.secondary) >= 3  # a rectangle at least
    assert not recoverable(set(result.hidden), values, eqs)


def test_nothing_small_nothing_hidden() -> None:
    values, eqs = table([[10, 20], [30, 0]])
    assert protect(values, eqs, threshold=K).hidden == frozenset()
