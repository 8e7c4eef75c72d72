"""Telling the responsible nurse: in the app always (a `Notification` row, written in the
triage write's transaction), and through an external channel (SMS) behind a Protocol, called
only after the commit. No SMS gateway is wired yet: the default is `FakeSms`, which keeps what
it would have sent (tests read it). An SMS never carries the citizen's name or CPR."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Protocol


class SmsNotifier(Protocol):
    def send(self, *, staff_id: uuid.UUID, text: str) -> None: ...


@dataclass
class FakeSms:
    sent: list[tuple[uuid.UUID, str]] = field(default_factory=list)

    def send(self, *, staff_id: uuid.UUID, text: str) -> None:
        self.sent.append((staff_id, text))


_NOTIFIER: list[SmsNotifier] = [FakeSms()]


def sms_notifier() -> SmsNotifier:
    return _NOTIFIER[0]


def sms_notifier_set(notifier: SmsNotifier) -> None:
    """Install the SMS channel (an integration module, at start-up)."""
    _NOTIFIER[:] = [notifier]
