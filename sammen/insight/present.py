"""Protected figures as the templates show them: text per cell, the last months, years."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from sammen.insight.charts import chart_spec
from sammen.insight.figures import HIDDEN, NO_DATA, SHOWN, SMALL, Cell, FigureResult, Period


def cell_text(cell: Cell, *, unit: str, threshold: int) -> str:
    if cell.status == SHOWN and cell.value is not None:
        if unit == "share":
            return f"{number_format(round(100 * cell.value))} %"
        return number_format(int(cell.value), force_grouping=True)
    if cell.status == SMALL:
        return f"<{threshold}"
    if cell.status == HIDDEN:
        return "×"
    if cell.status == NO_DATA:
        return _("ingen data")
    return "–"


@dataclass
class ShownCell:
    text: str
    status: str
    drill_url: str = ""


@dataclass
class ShownRow:
    key: str
    label: str
    cells: list[ShownCell]
    years: list[ShownCell] = field(default_factory=list)


@dataclass
class ShownFigure:
    result: FigureResult
    periods: list[Period]
    rows: list[ShownRow]
    total: ShownRow
    categories: list[ShownRow]
    chart_id: str
    chart: dict[str, Any]
    category_chart: dict[str, Any] | None

    @property
    def definition(self) -> Any:
        return self.result.definition

    @property
    def quality(self) -> Any:
        return self.result.quality


def figure_present(
    result: FigureResult, *, months: int, drill: Any = None, only_row: str | None = None
) -> ShownFigure:
    """`drill(result, row_key, period)` gives a drill-down URL for a shown cell, or ''."""
    d = result.definition
    periods = result.periods[-months:]

    def shown(row: Any, with_drill: bool) -> ShownRow:
        cells = []
        for period, cell in zip(periods, row.cells[-months:], strict=True):
            url = drill(result, row.key, period, cell) if (drill and with_drill) else ""
            cells.append(
                ShownCell(cell_text(cell, unit=d.unit, threshold=d.threshold), cell.status, url)
            )
        years = [
            ShownCell(
                cell_text(row.years[y], unit=d.unit, threshold=d.threshold), row.years[y].status
            )
            for y in result.years
        ]
        return ShownRow(row.key, row.label, cells, years)

    rows = [r for r in result.rows if only_row is None or r.key == only_row]
    return ShownFigure(
        result=result,
        periods=periods,
        rows=[shown(r, True) for r in rows],
        total=shown(result.total, False),
        categories=[shown(r, False) for r in result.categories],
        chart_id=f"chart-{d.id}",
        chart=chart_spec(result, months=months),
        category_chart=chart_spec(result, months=months, rows="categories")
        if result.categories
        else None,
    )
