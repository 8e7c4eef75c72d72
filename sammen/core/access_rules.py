"""Deny by default: every view declares who may call it; AccessRuleMiddleware enforces it.

A view without a declared rule answers 403 at run time, and `tests/test_url_contract.py`
fails the build when any URL pattern resolves to such a view. Object-level policy (may this
actor see this citizen?) is the job of the selectors; these rules gate whole functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from sammen.core.errors import Forbidden

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])

# Set on the request by organisation.middleware.ActorMiddleware.
AUTH_ANONYMOUS = "anonymous"
AUTH_MFA_PENDING = "mfa_pending"
AUTH_COMPLETE = "authenticated"


@dataclass(frozen=True)
class Rule:
    """Who may call a view. `permissions` empty means any actor; otherwise the actor must hold
    every one (`needs`). `delegated` means the framework behind the URL (django-ninja auth,
    Django admin's site check) enforces it."""

    name: str
    needs_login: bool = True
    needs_actor: bool = False
    permissions: frozenset[str] = field(default_factory=frozenset)
    allow_mfa_pending: bool = False
    delegated: bool = False
    needs_citizen: bool = False

    def check(self, request: HttpRequest) -> HttpResponse | None:

        if self.delegated or not self.needs_login:
            return None
        state = getattr(request, "auth_state", AUTH_ANONYMOUS)
        if state == AUTH_ANONYMOUS:
            return redirect_to_login(request)
        if state == AUTH_MFA_PENDING and not self.allow_mfa_pending:
            return redirect("organisation:mfa")
        if state == AUTH_COMPLETE and self.allow_mfa_pending and not self.needs_actor:
            return None
        if self.needs_citizen:
            if getattr(request, "citizen_account", None) is None:
                raise Forbidden("Siden er for borgere, der er logget ind.")
            return None
        actor = getattr(request, "actor", None)
        if self.needs_actor and actor is None:
            raise Forbidden("Du har ingen aktiv rolle i en enhed. Kontakt din administrator.")
        if self.permissions and (actor is None or not self.permissions <= actor.permissions):
            raise Forbidden("Din aktive rolle giver ikke adgang til denne side.")
        return None


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth.views import redirect_to_login as _redirect

    if request.headers.get("HX-Request"):
        response = HttpResponse(status=401)
        response["HX-Redirect"] = "/log-ind/"
        return response
    return _redirect(request.get_full_path())


PUBLIC = Rule("public", needs_login=False)
MFA_PENDING = Rule("mfa_pending", allow_mfa_pending=True)
AUTHENTICATED = Rule("authenticated")
STAFF = Rule("staff", needs_actor=True)
CITIZEN = Rule("citizen", needs_citizen=True)
DELEGATED_ADMIN = Rule("django_admin", delegated=True)
DELEGATED_API = Rule("api", delegated=True)


def needs(*permissions: str) -> Rule:
    """The actor must hold every permission (see sammen.organisation.permissions)."""
    names = [str(p) for p in permissions]
    return Rule("needs:" + ",".join(sorted(names)), needs_actor=True, permissions=frozenset(names))


def access_rule(rule: Rule) -> Callable[[ViewFunc], ViewFunc]:
    """Declare a view's rule. Place it outermost so the URL callback carries it."""

    def decorate(view: ViewFunc) -> ViewFunc:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorate


def _with_rule(callback: Callable[..., Any], rule: Rule) -> Callable[..., Any]:
    """A plain function around a (possibly bound-method) view, carrying the rule."""
    import functools

    @functools.wraps(callback)
    def view(*args: Any, **kwargs: Any) -> Any:
        return callback(*args, **kwargs)

    view.access_rule = rule  # type: ignore[attr-defined]
    return view


def declare_rule_on_patterns(patterns: list[Any], rule: Rule) -> list[Any]:
    """Mark every callback under third-party URL patterns (admin, API) with a delegated rule."""
    from django.urls import URLPattern, URLResolver

    for p in patterns:
        if isinstance(p, URLPattern):
            p.callback = _with_rule(p.callback, rule)
        elif isinstance(p, URLResolver):
            declare_rule_on_patterns(list(p.url_patterns), rule)
    return patterns
