"""Session lifetime and the actor: who is acting, in which role and unit, on this request."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sammen.core.access_rules import AUTH_ANONYMOUS, AUTH_COMPLETE, AUTH_MFA_PENDING
from sammen.core.logs import log_safe
from sammen.core.requests import SammenRequest
from sammen.organisation import selectors, services

Handler = Callable[[HttpRequest], HttpResponse]
security_log = logging.getLogger("sammen.security")


# The idle timeout counts from the last activity stamp, which moves at most once a minute.
ACTIVITY_GRANULARITY_SECONDS = 60


class SessionLifetimeMiddleware:
    """Idle timeout and absolute lifetime, enforced server-side: an expired session is flushed.
    The last-activity stamp is written only when it is older than a minute, so reading pages
    does not write the session row on every request (the idle timeout is up to a minute
    later)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            auth_time = float(request.session.get(services.SESSION_AUTH_TIME, 0))
            last = float(request.session.get(services.SESSION_LAST_ACTIVITY, 0))
            idle = settings.SAMMEN_SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SAMMEN_SESSION_ABSOLUTE_LIFETIME.total_seconds()
            if now - last > idle or now - auth_time > absolute:
                services.session_end(request=request)
                messages.info(request, "Du er blevet logget ud, fordi sessionen er udløbet.")
            elif now - last > ACTIVITY_GRANULARITY_SECONDS:
                # Coarse on purpose: a request within the minute writes no session row.
                request.session[services.SESSION_LAST_ACTIVITY] = now
        return self.get_response(request)


class ActorMiddleware:
    """Sets request.auth_state and request.actor for the access rules and the views."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, http_request: HttpRequest) -> HttpResponse:
        request = cast(SammenRequest, http_request)
        request.actor = None
        request.auth_state = AUTH_ANONYMOUS
        request.citizen_account = None
        user = request.user
        if not user.is_authenticated:
            _note_invalid_session(request)
        if user.is_authenticated:
            verified = getattr(user, "is_verified", lambda: False)()
            # Staff, municipality, memberships and units in one query (nothing cached).
            context = selectors.actor_context(
                user=user,
                membership_id=request.session.get(services.SESSION_ACTIVE_MEMBERSHIP),
                request_id=uuid.uuid4().hex,
                # REMOTE_ADDR only: X-Forwarded-For from an untrusted hop is not believed.
                client_ip=request.META.get("REMOTE_ADDR", ""),
                mfa_setting=settings.SAMMEN_MFA_REQUIRED,
            )
            if context.mfa_required and not verified:
                request.auth_state = AUTH_MFA_PENDING
            else:
                request.auth_state = AUTH_COMPLETE
                request.actor = context.actor
                request.actor_memberships = context.memberships
                if request.actor is None:
                    # A citizen's own login (the citizens module owns the account model).
                    request.citizen_account = getattr(user, "citizen_account", None)
        return self.get_response(request)


def _note_invalid_session(request: HttpRequest) -> None:
    """A session cookie that matches no live session (tampered, forged, expired or ended):
    refused like any anonymous request, and the attempt is logged (no personal data)."""
    from django.contrib.sessions.models import Session

    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if (
        not cookie
        or Session.objects.filter(session_key=cookie, expire_date__gt=timezone.now()).exists()
    ):
        return
    security_log.warning(
        "Ugyldig eller udløbet session afvist",
        extra={
            "path": log_safe(request.path),
            "client_ip": request.META.get("REMOTE_ADDR", ""),
        },
    )
    messages.info(request, "Din session er ikke længere gyldig. Log ind igen.")
