"""Ids from URLs and forms. A malformed id is a missing object: 404, never a 500."""

from __future__ import annotations

import uuid
from typing import Any

from sammen.core.errors import NotFound


def parse_uuid(value: Any) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise NotFound() from None
