"""Test-only check (SECURITY.md T08): every response that served citizen data wrote access-log
rows for those citizens during the same request.

The middleware notes each Citizen row the ORM loads while handling a request (post_init). When
the response is a success (2xx) and carries a body, every such citizen must have a successful
access-log row written during that request. A miss is recorded and fails the test (see the
autouse fixture in the root conftest).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.db.models.signals import post_init
from django.http import HttpRequest, HttpResponse

_loaded: contextvars.ContextVar[set[Any] | None] = contextvars.ContextVar("loaded", default=None)
FAILURES: list[str] = []


def _on_init(sender: Any, instance: Any, **kwargs: Any) -> None:
    seen = _loaded.get()
    if seen is None or instance.pk is None:
        return
    citizen_id = (
        instance.pk if sender.__name__ == "Citizen" else instance.__dict__.get("citizen_id")
    )
    if citizen_id is not None:
        seen.add(citizen_id)


def connect() -> None:
    """Citizen rows, and rows that belong to one citizen (relatives, consents, journal)."""
    from sammen.citizens.models import Citizen, Consent, Relative
    from sammen.journal.models import Entry

    for model in (Citizen, Relative, Consent, Entry):
        post_init.connect(_on_init, sender=model, dispatch_uid=f"served-data-{model.__name__}")


class ServedCitizenDataMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.db.models import Max

        from sammen.access.models import AccessLogEntry

        before = AccessLogEntry.objects.aggregate(m=Max("seq"))["m"] or 0
        token = _loaded.set(set())
        try:
            response = self.get_response(request)
            loaded = _loaded.get() or set()
        finally:
            _loaded.reset(token)
        if 200 <= response.status_code < 300 and loaded and response.get("Content-Length") != "0":
            logged = set(
                AccessLogEntry.objects.filter(
                    seq__gt=before, outcome="success", citizen_id__in=loaded
                ).values_list("citizen_id", flat=True)
            )
            missing = loaded - logged
            if missing:
                FAILURES.append(
                    f"{request.method} {request.path} served {len(missing)} citizen(s) "
                    "without an access-log row"
                )
        return response
