"""Panels of the start page that modules above contribute (the day list for care roles, the
team's day for planners). A module registers a panel in its AppConfig.ready(); the start page
shows the panels whose permission the actor holds, in order, below the greeting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sammen.core.actor import Actor
from sammen.organisation.permissions import has_permission


@dataclass(frozen=True)
class StartPanel:
    key: str
    permission: str
    template: str
    order: int
    load: Callable[[Any], dict[str, Any]]  # (request) -> the panel's template context


_PANELS: dict[str, StartPanel] = {}


def start_panel_register(panel: StartPanel) -> None:
    _PANELS[panel.key] = panel


def start_panels_for(actor: Actor) -> list[StartPanel]:
    return sorted(
        (p for p in _PANELS.values() if has_permission(actor, p.permission)),
        key=lambda p: (p.order, p.key),
    )
