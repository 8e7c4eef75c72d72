"""Domain errors, mapped to HTTP once (core.middleware, config.api): 404, 403, 422."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """Base class. `message` is user-facing Danish text and must never contain a CPR number."""

    status_code = 400
    title = "Ugyldig forespørgsel"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.title)
        self.message = message or self.title


class NotFound(DomainError):
    """Missing AND foreign objects: the same answer, so existence never leaks."""

    status_code = 404
    title = "Siden eller oplysningen findes ikke"


class Forbidden(DomainError):
    status_code = 403
    title = "Du har ikke adgang"


class ValidationFailed(DomainError):
    """Rule broken by the input. `field_errors` maps field name -> Danish messages."""

    status_code = 422
    title = "Oplysningerne er ikke gyldige"

    def __init__(
        self, message: str = "", field_errors: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.field_errors: dict[str, list[str]] = {
            k: list(v) for k, v in (field_errors or {}).items()
        }


class Conflict(DomainError):
    status_code = 409
    title = "Oplysningerne er ændret af en anden"
