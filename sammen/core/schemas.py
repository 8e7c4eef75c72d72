"""Base for every JSON API input schema: unknown fields are refused (no mass assignment), and
text with NUL characters is refused (PostgreSQL cannot store it; it is never meaningful)."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import model_validator


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class InSchema(Schema):
    model_config = {"extra": "forbid"}

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("Teksten indeholder et ugyldigt tegn.")
        return data
