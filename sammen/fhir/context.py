"""Who is asking, through which door: a staff member's session or a system client's token."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sammen.core.actor import Actor


@dataclass(frozen=True)
class FhirContext:
    actor: Actor
    base_url: str  # e.g. https://host/fhir/R4
    may_see_cpr: bool
    client: Any = None  # fhir.SystemClient for a token, None for a staff session

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path}"


def instant(value: dt.datetime) -> str:
    """FHIR instant in UTC with microseconds (merged searches sort on it)."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def reference(resource_type: str, pk: Any) -> dict[str, str]:
    return {"reference": f"{resource_type}/{pk}"}
