"""The law catalogue and the municipalities' service catalogues (kvalitetsstandarder) as data.

Both are versioned JSON files in `data/`, read once per process. A decision records the law
catalogue version it was made under; a legal basis is offered only within its validity
(`valid_from`/`valid_to`) and for its municipal areas.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LegalBasis:
    key: str
    law: str
    paragraph: str
    title: str
    areas: tuple[str, ...]
    appeal: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    @property
    def label(self) -> str:
        return f"{self.law} {self.paragraph} – {self.title}"

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class LawCatalogue:
    version: str
    bases: dict[str, LegalBasis]
    appeals: dict[str, str]

    def for_area(self, area: str, day: dt.date) -> list[LegalBasis]:
        return [b for b in self.bases.values() if area in b.areas and b.valid_on(day)]

    def appeal_text(self, key: str) -> str:
        basis = self.bases.get(key)
        return self.appeals.get(basis.appeal, "") if basis else ""


@dataclass(frozen=True)
class CatalogueService:
    code: str
    legal_basis: str
    minutes: int


@dataclass(frozen=True)
class ServiceCatalogue:
    version: str
    title: str
    services: dict[str, CatalogueService]


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@cache
def law_catalogue() -> LawCatalogue:
    doc = json.loads((DATA_DIR / "law-catalogue.json").read_text(encoding="utf-8"))
    bases = {
        raw["key"]: LegalBasis(
            key=raw["key"],
            law=raw["law"],
            paragraph=raw["paragraph"],
            title=raw["title"],
            areas=tuple(raw["areas"]),
            appeal=raw["appeal"],
            valid_from=_date(raw.get("valid_from")),
            valid_to=_date(raw.get("valid_to")),
        )
        for raw in doc["bases"]
    }
    return LawCatalogue(version=doc["version"], bases=bases, appeals=dict(doc["appeals"]))


@cache
def _service_doc() -> dict[str, Any]:
    return dict(json.loads((DATA_DIR / "service-catalogue.json").read_text(encoding="utf-8")))


@cache
def service_catalogue(municipality_code: str) -> ServiceCatalogue:
    """The municipality's kvalitetsstandard (by its code), else the default one."""
    doc = _service_doc()
    spec = doc["municipalities"].get(municipality_code) or doc["municipalities"]["default"]
    return ServiceCatalogue(
        version=doc["version"],
        title=spec["title"],
        services={
            code: CatalogueService(code=code, legal_basis=s["legal_basis"], minutes=s["minutes"])
            for code, s in spec["services"].items()
        },
    )
