"""Domain errors, mapped to HTTP once (core.middleware, config.api): 404, 403, 409, 412, 422,
428."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


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
    """A write based on a version someone else has since changed (optimistic concurrency).

    `changes` maps each field changed since that version to [old, new] (CPR masked, as in the
    change log); `current_version` is the version now stored. Nothing was saved."""

    status_code = 409
    title = "Oplysningerne er ændret af en anden"

    def __init__(
        self,
        message: str = "",
        *,
        changes: Mapping[str, Sequence[Any]] | None = None,
        current_version: int | None = None,
        current_id: str | None = None,
    ) -> None:
        super().__init__(
            message
            or "En anden har ændret oplysningerne, siden du åbnede dem. Se ændringerne og gem igen."
        )
        self.changes: dict[str, list[Any]] = {k: list(v) for k, v in (changes or {}).items()}
        self.current_version = current_version
        self.current_id = current_id

    @property
    def problem_extra(self) -> dict[str, Any]:
        """What the JSON API adds to the problem+json body."""
        extra: dict[str, Any] = {"changes": self.changes}
        if self.current_version is not None:
            extra["current_version"] = self.current_version
        if self.current_id is not None:
            extra["current_id"] = self.current_id
        return extra


class PreconditionFailed(Conflict):
    """API: `If-Match` names a version that is no longer current (RFC 9110 § 13.1.1)."""

    status_code = 412
    title = "Versionen er ikke længere den nyeste"


class PreconditionRequired(DomainError):
    """API: an update of a versioned record without `If-Match` (RFC 6585 § 3)."""

    status_code = 428
    title = "If-Match mangler"
