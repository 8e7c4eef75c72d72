"""Error pages (Danish, never a stack trace) and the answers for the API under /api/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sammen.core.errors import DomainError, Forbidden, NotFound
from sammen.core.middleware import is_api_request, problem_response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return problem_response(NotFound())
    return render(request, "errors/404.html", {"error": NotFound()}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    error = Forbidden()
    if is_api_request(request):
        return problem_response(error)
    return render(request, "errors/403.html", {"error": error}, status=403)


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    error = DomainError("Der skete en fejl hos os. Intet af det, der var gemt, er gået tabt.")
    error.status_code, error.title = 500, "Fejl i Sammen"
    if is_api_request(request):
        return problem_response(error)
    # No template context processors: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render({}), status=500)
