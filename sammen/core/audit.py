"""The privilege audit as a port: lower modules (organisation) report every change of who may
do what; the access kernel, above them, registers the writer (an access-log row, and a leader
review item when the change widens who can reach named citizens). Fail closed: with no writer
registered a privilege change raises instead of passing unlogged."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from sammen.core.actor import Actor


@dataclass(frozen=True)
class PrivilegeChange:
    what: str  # what changed, in Danish, no CPR (e.g. "rolle tilføjet sygeplejerske enhed:…")
    staff_id: uuid.UUID | None = None  # whose access changed (a unit change: who made it)
    object_type: str = "staff"
    review: str = ""  # a Danish sentence: the change widens citizen access -> leader review
    refused: bool = False  # an attempt that was refused (logged as denied, high severity)


PrivilegeAuditor = Callable[[Actor, PrivilegeChange], None]
_AUDITOR: list[PrivilegeAuditor] = []


def privilege_auditor_register(auditor: PrivilegeAuditor) -> None:
    _AUDITOR[:] = [auditor]


def privilege_change_record(actor: Actor, change: PrivilegeChange) -> None:
    if not _AUDITOR:
        raise ImproperlyConfigured("No privilege auditor is registered (sammen.access).")
    _AUDITOR[0](actor, change)
