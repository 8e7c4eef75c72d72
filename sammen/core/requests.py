"""Typed requests: what the middleware puts on a request, as mypy sees it.

`organisation.middleware.ActorMiddleware` sets `auth_state`, `actor` and `citizen_account`
on every request, django-htmx sets `htmx`. A view whose access rule requires a staff actor
(`STAFF`, `roles(...)`, or any rule with `needs_actor`) takes an `ActorRequest`; the citizen's
own pages (rule `CITIZEN`) take a `CitizenRequest`. The annotation is a promise the access
rule keeps: the middleware refuses the request before the view runs otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from sammen.core.actor import Actor


class SammenRequest(HttpRequest):
    """Any request after the middleware: the actor may be missing (anonymous, MFA pending,
    a citizen's own login)."""

    auth_state: str
    actor: Actor | None
    # The citizens module owns the account model; core knows it only as "the citizen's login".
    citizen_account: Any
    # The actor's memberships for the role switch, loaded with the actor (one query).
    actor_memberships: Any
    htmx: HtmxDetails


class ActorRequest(SammenRequest):
    """A request to a view whose rule guarantees a staff member acting in a role."""

    actor: Actor


class CitizenRequest(SammenRequest):
    """A request to one of the citizen's own pages (rule `CITIZEN`)."""

    actor: None


class ApiRequest(SammenRequest):
    """A django-ninja operation's request: `auth` is the actor the API's session auth found
    (`config.api.SessionActorAuth`); an operation without it is never called."""

    auth: Actor
