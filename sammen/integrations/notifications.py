"""Notifications to citizens, relatives and outside clinicians: SMS and e-mail.

Sammen says *what* to send (`Notification`); a provider behind `Notifier` sends it (the
municipality's SMS gateway, e-mail). Tests and the demo use `FakeNotifier`, which keeps what it
was given. Which notifier runs is the setting SAMMEN_NOTIFIER (a dotted path to a class);
empty = the in-memory fake, which the production profile refuses (an invitation would be
marked sent without reaching anyone).

A notification never carries a CPR number: the text names the person by first name and the
link is a random token (see `sammen/consultations/README.md`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class NotificationFailed(Exception):
    """The provider did not accept the message."""


@dataclass(frozen=True)
class Notification:
    """One message to one person. `to` is a phone number or an e-mail address; `kind` says
    why (invitation, reminder, code, rebooked, cancelled) for the provider's statistics."""

    to: str
    subject: str
    body: str
    kind: str


class Notifier(Protocol):
    def send(self, notification: Notification) -> None:
        """Send it or raise NotificationFailed."""


@dataclass
class FakeNotifier:
    """In-memory notifier for tests and the demo: keeps every message it was given."""

    outbox: list[Notification] = field(default_factory=list)

    def send(self, notification: Notification) -> None:
        self.outbox.append(notification)


_default_fake = FakeNotifier()


def notifier() -> Notifier:
    """The configured notifier; the fake outside production only (settings refuse it there
    too, and a fake chosen at run time is refused here)."""
    path = getattr(settings, "SAMMEN_NOTIFIER", "")
    client: Notifier = import_string(path)() if path else _default_fake
    if settings.SAMMEN_ENV == "production" and isinstance(client, FakeNotifier):
        raise ImproperlyConfigured("The fake notifier is not allowed in production.")
    return client


def fake_outbox() -> list[Notification]:
    """What the default fake has been given (tests and the demo page)."""
    return _default_fake.outbox
