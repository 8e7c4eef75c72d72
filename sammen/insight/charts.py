"""Plotly chart specifications for a protected figure: only shown cells become points (a
hidden or small cell is a gap), so a chart never says more than the table beside it.

The page embeds the specification as JSON data (`json_script`, not executed) and
`static/insight/charts.js` — a nonce'd script, like plotly.min.js itself, served from the
installed plotly package — draws it. `tests/test_charts.py` validates each specification with
plotly's own figure schema.
"""

from __future__ import annotations

from typing import Any

from sammen.insight.figures import FigureResult, Row

PALETTE = ["#005a9c", "#b35900", "#2e7d32", "#6a1b9a", "#00695c", "#ad1457", "#37474f"]


def _y(row: Row, share: bool, count: int) -> list[float | None]:
    cells = row.cells[-count:]
    if share:
        return [round(100 * c.value, 1) if c.shown and c.value is not None else None for c in cells]
    return [c.value if c.shown else None for c in cells]


def chart_spec(result: FigureResult, *, months: int, rows: str = "rows") -> dict[str, Any]:
    share = result.definition.unit == "share"
    x = [p.label for p in result.periods[-months:]]
    lines = result.categories if rows == "categories" else result.rows
    traces = []
    for i, row in enumerate(lines):
        y = _y(row, share, months)
        if not any(v is not None for v in y):
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": row.label,
                "x": x,
                "y": y,
                "line": {"color": PALETTE[i % len(PALETTE)], "width": 2},
                "connectgaps": False,
            }
        )
    return {
        "data": traces,
        "layout": {
            "margin": {"l": 48, "r": 8, "t": 8, "b": 40},
            "height": 300,
            "legend": {"orientation": "h", "y": -0.25},
            "xaxis": {"automargin": True, "tickangle": -45},
            "yaxis": {
                "rangemode": "tozero",
                "ticksuffix": " %" if share else "",
                "automargin": True,
            },
            "font": {"family": "system-ui, sans-serif", "size": 12},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
        },
    }
