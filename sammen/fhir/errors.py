"""Every FHIR error is an OperationOutcome (issue 14): one exception type, one body."""

from __future__ import annotations

from typing import Any

from sammen.core.errors import DomainError, Forbidden, NotFound, ValidationFailed

# HTTP status -> (OperationOutcome issue code, short Danish title)
_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    410: "deleted",
    412: "conflict",
    415: "not-supported",
    422: "invalid",
    429: "throttled",
    500: "exception",
}


class FhirError(Exception):
    """An error answered as an OperationOutcome with `status`. `diagnostics` is Danish and
    never contains a CPR number (the messages are our own text, never echoed input)."""

    def __init__(self, status: int, diagnostics: str, *, code: str | None = None) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.diagnostics = diagnostics
        self.code = code or _CODES.get(status, "processing")


def operation_outcome(
    diagnostics: str, *, code: str = "processing", severity: str = "error"
) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


def not_found() -> FhirError:
    """Missing and another municipality's resources alike: the same body, always."""
    return FhirError(404, "Ressourcen findes ikke.")


def from_domain(error: DomainError) -> FhirError:
    if isinstance(error, NotFound):
        return not_found()
    if isinstance(error, Forbidden):
        return FhirError(403, error.message)
    if isinstance(error, ValidationFailed):
        return FhirError(400, error.message)
    return FhirError(error.status_code, error.message)
