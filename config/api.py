"""The JSON API (django-ninja). Every operation requires an authenticated actor unless it
declares otherwise; errors are problem+json (RFC 9457)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie

from sammen.core.access_rules import AUTH_COMPLETE
from sammen.core.errors import DomainError, ValidationFailed
from sammen.core.middleware import problem_response


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


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    error = DomainError(str(exc))
    error.status_code = exc.status_code
    return problem_response(error)


api.add_router("/organisation/", "sammen.organisation.api.router")
api.add_router("/citizens/", "sammen.citizens.api.router")
api.add_router("/journal/", "sammen.journal.api.router")
