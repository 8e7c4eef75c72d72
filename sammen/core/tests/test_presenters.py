"""One date format, one date-time format, "Ja"/"Nej" — and nothing formats dates by hand."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

from sammen.core.presenters import date_text, datetime_text, yes_no

SAMMEN = Path(__file__).resolve().parents[2]


def test_formats() -> None:
    with translation.override("da"):
        assert date_text(dt.date(2026, 12, 2)) == "2. dec 2026"
        # 23:30 UTC on 31 December is already New Year in Copenhagen.
        moment = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
        assert datetime_text(moment) == "1. jan 2027 00:30"
        assert date_text(moment) == "1. jan 2027"
        assert date_text(None) == datetime_text(None) == ""
        assert (yes_no(True), yes_no(False)) == ("Ja", "Nej")
    with translation.override("en"):
        assert (yes_no(True), yes_no(False)) == ("Yes", "No")


def test_template_filters() -> None:
    template = Template(
        "{% load present %}{{ d|date_text }} · {{ t|datetime_text }} · {{ b|yes_no }}"
    )
    moment = dt.datetime(2026, 5, 1, 6, 5, tzinfo=dt.UTC)  # 08:05 in Copenhagen (summer)
    context = Context({"d": dt.date(2026, 5, 1), "t": moment, "b": False})
    with translation.override("da"):
        assert template.render(context) == "1. maj 2026 · 1. maj 2026 08:05 · Nej"


def test_no_hand_made_date_formats_for_people() -> None:
    """Templates use the filters (only ISO "Y-m-d" for inputs and URLs); Python code for
    people uses the presenters, not strftime."""
    offenders = []
    for path in SAMMEN.rglob("*.html"):
        for fmt in re.findall(r"\|date:['\"]([^'\"]*)['\"]", path.read_text()):
            if fmt != "Y-m-d":
                offenders.append(f"{path.relative_to(SAMMEN)}: |date:{fmt}")
    for path in SAMMEN.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if ".strftime(" in path.read_text():
            offenders.append(f"{path.relative_to(SAMMEN)}: strftime")
    assert offenders == []
