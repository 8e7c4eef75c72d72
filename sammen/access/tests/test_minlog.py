"""NSP MinLog2 (SECURITY.md T12): every citizen-facing access is registered, retried until
acknowledged, exactly once, and the CPR number is only in what is sent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from conftest import World
from sammen.access.models import CitizenAccessRecord, MinLogOutbox
from sammen.access.services import minlog_push
from sammen.citizens import selectors
from sammen.citizens.tests.factories import citizen_create
from sammen.integrations.minlog import FakeMinLog


def test_every_access_is_queued_and_sent_once(world: World) -> None:
    citizen = citizen_create(world.greve)
    selectors.citizen_get(actor=world.actor(world.nurse), citizen_id=citizen.pk)
    selectors.citizen_search(actor=world.actor(world.nurse), query="inger")
    assert MinLogOutbox.objects.count() == CitizenAccessRecord.objects.count() == 2
    fake = FakeMinLog()
    assert minlog_push(client=fake) == {"sent": 2, "failed": 0}
    assert minlog_push(client=fake) == {"sent": 0, "failed": 0}
    assert {e.cpr for e in fake.received.values()} == {citizen.cpr}
    assert {e.organisation for e in fake.received.values()} == {"Team Nord A"}


def test_unavailable_minlog_is_retried_with_back_off_until_acknowledged(world: World) -> None:
    citizen = citizen_create(world.greve)
    selectors.citizen_get(actor=world.actor(world.nurse), citizen_id=citizen.pk)
    fake = FakeMinLog(fail_next=2)
    now = timezone.now()
    assert minlog_push(client=fake, now=now) == {"sent": 0, "failed": 1}
    row = MinLogOutbox.objects.get()
    assert row.attempts == 1
    assert row.next_attempt_at == now + dt.timedelta(minutes=1)
    assert citizen.cpr not in row.last_error
    assert minlog_push(client=fake, now=now) == {"sent": 0, "failed": 0}  # not due yet
    assert minlog_push(client=fake, now=now + dt.timedelta(minutes=1)) == {"sent": 0, "failed": 1}
    assert MinLogOutbox.objects.get().next_attempt_at == now + dt.timedelta(minutes=3)
    assert minlog_push(client=fake, now=now + dt.timedelta(minutes=3)) == {"sent": 1, "failed": 0}
    assert MinLogOutbox.objects.get().acknowledged_at is not None
    assert len(fake.received) == 1
