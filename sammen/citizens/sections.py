"""Sections of the citizen page that other modules contribute (journal, visits, triage …).

A module registers a section in its AppConfig.ready(); the citizen page renders each in
order. `load` is a selector: it takes the actor and the page's `access.gate.CitizenAccess`
(the citizen is `access.citizen`; already decided and logged by citizen_overview, so a
section neither asks the policy for the citizen again nor logs it again — only another area's
rows shown by consent get their own row) and returns the template context of the section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sammen.core.actor import Actor


@dataclass(frozen=True)
class CitizenSection:
    key: str
    title: str
    template: str
    order: int
    load: Callable[[Actor, Any], dict[str, Any]]


_SECTIONS: dict[str, CitizenSection] = {}


def section_register(section: CitizenSection) -> None:
    _SECTIONS[section.key] = section


def sections_all() -> list[CitizenSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
