from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sammen.organisation import selectors


def actor(request: HttpRequest) -> dict[str, Any]:
    """The actor and their other memberships, for the header's role switch."""
    current = getattr(request, "actor", None)
    if current is None:
        return {"actor": None, "actor_memberships": []}
    return {
        "actor": current,
        "actor_memberships": list(selectors.membership_list(staff=current.staff)),
    }
