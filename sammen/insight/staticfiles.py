"""Serve plotly.min.js from the installed plotly package as a static file (no CDN, no copy in
the repository): `/static/insight/plotly.min.js`. Only that one file is exposed."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

_SPEC = importlib.util.find_spec("plotly")
if _SPEC is None or _SPEC.origin is None:
    raise ImportError("plotly is a dependency of sammen.insight (pyproject.toml)")
PLOTLY_DIR = Path(_SPEC.origin).resolve().parent / "package_data"
PUBLISHED = "insight/plotly.min.js"


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
