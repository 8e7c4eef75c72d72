"""Cross-cutting request handling: access rules, domain errors, database outage, no-store."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sammen.core.access_rules import Rule
from sammen.core.errors import DomainError, Forbidden, ValidationFailed

Handler = Callable[[HttpRequest], HttpResponse]
logger = logging.getLogger("sammen.errors")


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def problem_response(error: DomainError) -> HttpResponse:
    """RFC 9457 problem+json body for the JSON API."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": error.title,
        "status": error.status_code,
        "detail": error.message,
    }
    if isinstance(error, ValidationFailed) and error.field_errors:
        body["errors"] = error.field_errors
    body.update(getattr(error, "problem_extra", {}))
    return HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=error.status_code,
        content_type="application/problem+json",
    )


def error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    if is_api_request(request):
        return problem_response(error)
    template = getattr(error, "template", None) or {
        404: "errors/404.html",
        403: "errors/403.html",
    }.get(error.status_code, "errors/error.html")
    return render(request, template, {"error": error}, status=error.status_code)


class AccessRuleMiddleware:
    """Enforces the rule each view declares; a view without one is refused (deny by default)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        rule: Rule | None = getattr(view_func, "access_rule", None)
        if rule is None:
            return error_page(request, Forbidden("Siden har ingen adgangsregel."))
        try:
            return rule.check(request)
        except DomainError as error:
            return error_page(request, error)


class DomainErrorMiddleware:
    """Maps DomainError raised anywhere in a view to its HTTP answer, once, for all modules."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return error_page(request, exception)
        return None


DATABASE_ERRORS = (OperationalError, InterfaceError)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 while the database cannot be reached: the product's own page (rendered without
    the request's context, which would need the database) or problem+json under /api/.
    Never a traceback, never the session key."""
    error = DomainError("Sammen kan ikke nå databasen lige nu. Prøv igen om lidt.")
    error.status_code, error.title = 503, "Sammen er midlertidigt utilgængelig"
    if is_api_request(request):
        response = problem_response(error)
    else:
        from django.template import loader

        response = HttpResponse(loader.get_template("errors/503.html").render({}), status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store, private"
    return response


class DatabaseUnavailableMiddleware:
    """A database outage during a view answers 503 (see also `core.views.server_error`, which
    does the same when the outage hits a middleware before the view)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Databasen svarer ikke: %s", type(exception).__name__)
            return service_unavailable(request)
        return None


class NoStoreMiddleware:
    """Pages may carry citizen data: no browser or proxy may keep a copy (static files excepted)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store, private"
        return response


class DanishFirstLocaleMiddleware:
    """Danish unless the person chose English with the switch (the language cookie). The
    browser's Accept-Language is not consulted: a Danish public-sector product speaks Danish."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
