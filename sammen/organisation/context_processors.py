from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sammen.organisation import selectors
from sammen.organisation.permissions import Permission


def actor(request: HttpRequest) -> dict[str, Any]:
    """The actor and their other memberships, for the header's role switch; `can.<permission>`
    says what the actor may do (menus and tiles ask it, never the role)."""
    current = getattr(request, "actor", None)
    if current is None:
        return {"actor": None, "actor_memberships": [], "can": {}}
    return {
        "can": {p.value: p in current.permissions for p in Permission},
        "actor": current,
        # Loaded with the actor (ActorMiddleware) in the same query.
        "actor_memberships": getattr(request, "actor_memberships", None)
        or list(selectors.membership_list(staff=current.staff)),
    }
