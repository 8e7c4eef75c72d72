"""The JSON API (django-ninja). Every operation requires an authenticated actor unless it
declares otherwise; errors are problem+json (RFC 9457)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, RawPostDataException
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie

from sammen.core.access_rules import AUTH_COMPLETE
from sammen.core.errors import DomainError, ValidationFailed
from sammen.core.logs import log_safe
from sammen.core.middleware import problem_response

log = logging.getLogger("sammen.api")


class SessionActorAuth(APIKeyCookie):
    """The browser session (with CSRF on unsafe methods) and a complete login incl. MFA."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if getattr(request, "auth_state", None) != AUTH_COMPLETE:
            return None
        return getattr(request, "actor", None)


def _unauthorised() -> HttpResponse:
    error = DomainError("Log ind for at bruge API'et.")
    error.status_code, error.title = 401, "Ikke logget ind"
    return problem_response(error)


def docs_require_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI schema is for logged-in users (and the fuzzing tests), not the world."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "auth_state", None) != AUTH_COMPLETE:
            return _unauthorised()
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="Sammen API",
    version="1",
    auth=SessionActorAuth(),
    urls_namespace="api",
    docs_url=None,
    docs_decorator=docs_require_login,
)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problem_response(exc)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", []) if p not in ("body", "query", "path"))
        errors.setdefault(loc or "_", []).append(str(err.get("msg", "Ugyldig værdi")))
    return problem_response(ValidationFailed("Forespørgslen er ikke gyldig.", errors))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _unauthorised()


# django-ninja's own messages, in Danish (its 400 is a body that is not JSON, its 403 a failed
# CSRF check).
_HTTP_ERROR_DETAILS = {
    400: "Forespørgslens indhold kunne ikke læses. Send JSON (Content-Type: application/json).",
    403: "Forespørgslen blev afvist af CSRF-kontrollen. Genindlæs siden, og prøv igen.",
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    error = DomainError(_HTTP_ERROR_DETAILS.get(exc.status_code, str(exc)))
    error.status_code = exc.status_code
    return problem_response(error)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(RawPostDataException)
@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
def on_unreadable_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body Django cannot read (multipart without a boundary, too many fields, too large, or
    a form body the CSRF check already read where the API wants JSON) is the client's error:
    400 problem+json, never a 500 or Django's HTML page."""
    log.warning(
        "Ulæselig forespørgsel afvist",
        extra={"path": log_safe(request.path), "error": type(exc).__name__},
    )
    error = DomainError(
        "Forespørgslens indhold kunne ikke læses. Send JSON (Content-Type: application/json)."
    )
    error.status_code, error.title = 400, "Ugyldig forespørgsel"
    return problem_response(error)


api.add_router("/organisation/", "sammen.organisation.api.router")
api.add_router("/citizens/", "sammen.citizens.api.router")
api.add_router("/journal/", "sammen.journal.api.router")
api.add_router("/care-plans/", "sammen.care_plans.api.router")
