"""NSP MinLog2: the national register of look-ups that citizens see on sundhed.dk.

Sammen's own access log is the record; MinLog is a copy the citizen can also find nationally
(SECURITY.md T12). The real client (NSP, signed SOAP/ID-card) plugs in behind `MinLogClient`;
tests and the demo use `FakeMinLog`. Which client runs is the setting SAMMEN_MINLOG_CLIENT.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class MinLogUnavailable(Exception):
    """MinLog did not acknowledge; the entries stay queued and are sent again later."""


@dataclass(frozen=True)
class MinLogEntry:
    """One look-up as MinLog registers it. `cpr` is filled in by the sender at the moment of
    sending and never stored in a queue, a task argument or a log line."""

    reference: str  # Sammen's access-log sequence number: MinLog de-duplicates on it
    cpr: str
    at: dt.datetime
    organisation: str
    purpose: str
    activity: str


class MinLogClient(Protocol):
    def register(self, entries: list[MinLogEntry]) -> None:
        """Register all entries or raise MinLogUnavailable (nothing is then acknowledged)."""


@dataclass
class FakeMinLog:
    """In-memory MinLog: keeps what it received; can be told to fail the next N calls."""

    fail_next: int = 0
    received: dict[str, MinLogEntry] = field(default_factory=dict)
    calls: int = 0

    def register(self, entries: list[MinLogEntry]) -> None:
        self.calls += 1
        if self.fail_next > 0:
            self.fail_next -= 1
            raise MinLogUnavailable("MinLog svarede ikke (fake)")
        for entry in entries:
            self.received[entry.reference] = entry  # idempotent on the reference


_default_fake = FakeMinLog()


def minlog_client() -> MinLogClient:
    """The configured client; the fake outside production only (settings refuse it there too,
    and a fake chosen at run time is refused here)."""
    path = getattr(settings, "SAMMEN_MINLOG_CLIENT", "")
    client: MinLogClient = import_string(path)() if path else _default_fake
    if settings.SAMMEN_ENV == "production" and isinstance(client, FakeMinLog):
        raise ImproperlyConfigured("The fake MinLog client is not allowed in production.")
    return client
