"""The triage module's data files: observation kinds (codes, units, ranges), the change form
(ændringsskema) and the triage rules. Versioned JSON in `data/`, read once per process; a
municipality extends the change form with a file of the same key and a higher version in
`SAMMEN_TRIAGE_EXTRA_DIR` (not yet wired: see README)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class KindSpec:
    key: str
    label: str
    unit: str
    decimals: int | None  # None: a code, not a number
    codes: dict[str, str]
    possible: tuple[Decimal, Decimal] | None
    plausible: tuple[Decimal, Decimal] | None


@cache
def kinds() -> dict[str, KindSpec]:
    data = _load("observations.json")
    out: dict[str, KindSpec] = {}
    for k in data["kinds"]:
        rng = k.get("possible")
        pl = k.get("plausible")
        out[k["key"]] = KindSpec(
            key=k["key"],
            label=k["label"],
            unit=k["unit"],
            decimals=k["decimals"],
            codes=dict(k["codes"]),
            possible=(Decimal(str(rng[0])), Decimal(str(rng[1]))) if rng else None,
            plausible=(Decimal(str(pl[0])), Decimal(str(pl[1]))) if pl else None,
        )
    return out


@dataclass(frozen=True)
class ChangeItem:
    key: str  # "area/item"
    label: str
    suggests: str  # "yellow" / "red"


@dataclass(frozen=True)
class ChangeArea:
    key: str
    title: str
    items: tuple[ChangeItem, ...]


@dataclass(frozen=True)
class ChangeForm:
    key: str
    version: int
    title: str
    red_when_count: int
    areas: tuple[ChangeArea, ...]

    def item(self, key: str) -> ChangeItem | None:
        for area in self.areas:
            for item in area.items:
                if item.key == key:
                    return item
        return None


@cache
def change_form() -> ChangeForm:
    data = _load("change_form.json")
    return ChangeForm(
        key=data["key"],
        version=int(data["version"]),
        title=data["title"],
        red_when_count=int(data["red_when_count"]),
        areas=tuple(
            ChangeArea(
                key=a["key"],
                title=a["title"],
                items=tuple(
                    ChangeItem(f"{a['key']}/{i['key']}", i["label"], i["suggests"])
                    for i in a["items"]
                ),
            )
            for a in data["areas"]
        ),
    )


def change_suggestion(form: ChangeForm, items: list[str]) -> str:
    """The colour a change form suggests: the most severe ticked item, red when
    `red_when_count` or more are ticked, green when nothing is ticked."""
    ticked = [form.item(key) for key in items]
    colours = {item.suggests for item in ticked if item is not None}
    if "red" in colours or len(items) >= form.red_when_count:
        return "red"
    if colours:
        return "yellow"
    return "green"


@dataclass(frozen=True)
class TriageRules:
    version: int
    review_hours: dict[str, int | None]
    follow_up_hours: tuple[int, ...]
    follow_up_default_hours: dict[str, int]
    weight_loss_percent: Decimal
    weight_loss_days: int
    weight_loss_text: str
    rising_count: int
    rising_text: str


@cache
def triage_rules() -> TriageRules:
    data = _load("triage_rules.json")
    return TriageRules(
        version=int(data["version"]),
        review_hours=dict(data["review_hours"]),
        follow_up_hours=tuple(data["follow_up_hours"]),
        follow_up_default_hours=dict(data["follow_up_default_hours"]),
        weight_loss_percent=Decimal(str(data["weight_loss"]["percent"])),
        weight_loss_days=int(data["weight_loss"]["days"]),
        weight_loss_text=data["weight_loss"]["text"],
        rising_count=int(data["rising_score"]["count"]),
        rising_text=data["rising_score"]["text"],
    )
