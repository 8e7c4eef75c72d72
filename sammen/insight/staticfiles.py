"""Serve plotly.min.js from the installed plotly package as a static file (no CDN, no copy in
the repository): `/static/insight/plotly.min.js`. Only that one file is exposed."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

_SPEC = importlib.util.find_spec("plotly")
if _SPEC is None or _SPEC.origin is None:
    raise ImportError("plotly is a dependency of sammen.insight (pyproject.toml)")
PLOTLY_DIR = Path(_SPEC.origin).resolve().parent / "package_data"
PUBLISHED = "insight/plotly.min.js"


_RULE = re.compile(r'"((?:[^"\\]|\\.)*)":(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\')')


def plotly_css() -> str:
    """The style rules plotly.js would inject as a <style> element (which the CSP refuses), as
    a stylesheet: `static/insight/plotly.css` holds this text, and a test keeps it equal to
    what the installed plotly.js carries. The page marks plotly's style element as present
    (`<link id="plotly.js-style-global" class="no-inline-styles">`), so plotly injects none."""
    source = (PLOTLY_DIR / "plotly.min.js").read_text(encoding="utf-8")
    start = source.index('{"X,X div"')
    end = source.index("};for(", start)
    rules = []
    for m in _RULE.finditer(source[start : end + 1]):
        selector = re.sub(r"^,", " ,", m.group(1))
        selector = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        body = m.group(2) if m.group(2) is not None else m.group(3)
        rules.append(f"{selector}{{{body}}}")
    return "\n".join(rules) + "\n"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PLOTLY_DIR))
        self.storage.prefix = "insight"  # type: ignore[attr-defined]

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if path != PUBLISHED:
            return [] if find_all else None
        found = str(PLOTLY_DIR / "plotly.min.js")
        return [found] if find_all else found

    def list(self, ignore_patterns: Any) -> Any:
        yield "plotly.min.js", self.storage
