"""Charts: valid plotly figures, only shown cells as points, plotly.min.js served locally."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go  # type: ignore[import-untyped]
import pytest
import time_machine

from conftest import World
from sammen.insight.charts import chart_spec
from sammen.insight.selectors import municipality_view
from sammen.journal.tests.factories import citizen_create

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_chart_specs_are_valid_plotly_and_skip_hidden_cells(world: World, frozen: object) -> None:
    for i in range(7):
        citizen_create(world.home_care_team, last_name=f"K{i}")
    citizen_create(world.training_team, area="beskaeftigelse", last_name="Lille")
    page = municipality_view(actor=world.actor(world.director))
    for result in page.figures:
        spec = chart_spec(result, months=12)
        go.Figure(spec)  # raises on anything plotly does not know
        for trace in spec["data"]:
            assert len(trace["x"]) == 12
            assert 1 not in trace["y"]  # the single employment citizen is never a point


def test_plotly_js_is_served_by_the_app_with_the_nonce(world: World, frozen: object) -> None:
    client = world.client(world.director)
    page = client.get("/indsigt/kommune/")
    csp = page["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "cdn" not in page.text.lower()
    assert '<script src="/static/insight/plotly.min.js" nonce="' in page.text
    js = client.get("/static/insight/plotly.min.js")
    assert js.status_code == 200
    body = b"".join(js.streaming_content) if js.streaming else js.content  # type: ignore[attr-defined]
    assert b"plotly" in body[:2000].lower()
    assert client.get("/static/insight/datasets/iris.csv.gz").status_code == 404


def test_plotly_css_file_matches_the_installed_plotly() -> None:
    from pathlib import Path

    from sammen.insight.staticfiles import plotly_css

    shipped = Path(__file__).resolve().parent.parent / "static" / "insight" / "plotly.css"
    body = shipped.read_text(encoding="utf-8").split("\n", 1)[1]
    assert body == plotly_css(), "plotly was upgraded: regenerate static/insight/plotly.css"


def test_every_style_plotly_would_inject_is_already_marked_present() -> None:
    """plotly.js skips a <style> it finds by id; the CSP would refuse it anyway."""
    import re
    from pathlib import Path

    from sammen.insight.staticfiles import PLOTLY_DIR

    source = (PLOTLY_DIR / "plotly.min.js").read_text(encoding="utf-8")
    ids = set(re.findall(r'getElementById\("([0-9a-f]{64})"\)', source))
    assets = Path(__file__).resolve().parent.parent / "templates" / "insight" / "_assets.html"
    assert ids
    assert all(f'id="{i}"' in assets.read_text(encoding="utf-8") for i in ids)
