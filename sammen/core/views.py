"""Error pages (Danish, never a stack trace) and the answers for the API under /api/."""

from __future__ import annotations

import sys
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sammen.core.errors import DomainError, Forbidden, NotFound
from sammen.core.middleware import (
    DATABASE_ERRORS,
    is_api_request,
    problem_response,
    service_unavailable,
)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return problem_response(NotFound())
    return render(request, "errors/404.html", {"error": NotFound()}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    error = Forbidden()
    if is_api_request(request):
        return problem_response(error)
    return render(request, "errors/403.html", {"error": error}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    error = DomainError("Forespørgslen kunne ikke forstås. Gå tilbage, og prøv igen.")
    if is_api_request(request):
        return problem_response(error)
    return _plain_page(error)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF refused (settings.CSRF_FAILURE_VIEW): usually a form left open across a logout or
    a session timeout. Django's reason is for developers, not shown."""
    error = Forbidden(
        "Formularen var for gammel eller kom ikke fra Sammen. Gå tilbage, genindlæs siden, "
        "og prøv igen. Det, du skrev, er ikke gemt."
    )
    if is_api_request(request):
        return problem_response(error)
    return _plain_page(error)


def _plain_page(error: DomainError) -> HttpResponse:
    """An error page without the request context (no database, no session needed)."""
    from django.template import loader

    return HttpResponse(
        loader.get_template("errors/plain_error.html").render({"error": error}),
        status=error.status_code,
    )


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    # Django calls this handler inside its `except`: a database outage that hit a middleware
    # before any view (session, login, actor) is a 503, not a 500.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return service_unavailable(request)
    error = DomainError("Der skete en fejl hos os. Intet af det, der var gemt, er gået tabt.")
    error.status_code, error.title = 500, "Fejl i Sammen"
    if is_api_request(request):
        return problem_response(error)
    # No template context processors: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render({}), status=500)
