from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sammen.organisation import selectors
from sammen.organisation.models import CITIZEN_DATA_ROLES


def actor(request: HttpRequest) -> dict[str, Any]:
    """The actor and their other memberships, for the header's role switch."""
    current = getattr(request, "actor", None)
    if current is None:
        return {"actor": None, "actor_memberships": [], "citizen_data_roles": CITIZEN_DATA_ROLES}
    return {
        "citizen_data_roles": CITIZEN_DATA_ROLES,
        "actor": current,
        "actor_memberships": list(selectors.membership_list(staff=current.staff)),
    }
