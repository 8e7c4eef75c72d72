"""NSP MinLog2 (SECURITY.md T12): every citizen-facing access is registered once sealed, retried
until acknowledged, in order, and the CPR number is only in what is sent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from conftest import World
from sammen.access.models import CitizenAccessRecord, MinLogCursor
from sammen.access.sealing import access_log_seal
from sammen.access.services import minlog_push
from sammen.citizens import selectors
from sammen.citizens.tests.factories import citizen_create
from sammen.integrations.minlog import FakeMinLog


def test_every_access_is_sent_once_after_it_is_sealed(world: World) -> None:
    citizen = citizen_create(world.greve)
    selectors.citizen_get(actor=world.actor(world.nurse), citizen_id=citizen.pk)
    selectors.citizen_search(actor=world.actor(world.nurse), query="inger")
    assert CitizenAccessRecord.objects.count() == 2
    fake = FakeMinLog()
    assert minlog_push(client=fake) == {"sent": 0, "failed": 0}  # not sealed yet
    access_log_seal()
    assert minlog_push(client=fake) == {"sent": 2, "failed": 0}
    assert minlog_push(client=fake) == {"sent": 0, "failed": 0}
    assert {e.cpr for e in fake.received.values()} == {citizen.cpr}
    assert {e.organisation for e in fake.received.values()} == {"Team Nord A"}
    seqs = sorted(CitizenAccessRecord.objects.values_list("access_seq", flat=True))
    assert sorted(int(ref) for ref in fake.received) == seqs
    assert MinLogCursor.objects.get().sent_through == seqs[-1]


def test_unavailable_minlog_is_retried_with_back_off_until_acknowledged(world: World) -> None:
    citizen = citizen_create(world.greve)
    selectors.citizen_get(actor=world.actor(world.nurse), citizen_id=citizen.pk)
    access_log_seal()
    fake = FakeMinLog(fail_next=2)
    now = timezone.now()
    assert minlog_push(client=fake, now=now) == {"sent": 0, "failed": 1}
    cursor = MinLogCursor.objects.get()
    assert cursor.attempts == 1
    assert cursor.next_attempt_at == now + dt.timedelta(minutes=1)
    assert citizen.cpr not in cursor.last_error
    assert minlog_push(client=fake, now=now) == {"sent": 0, "failed": 0}  # not due yet
    assert minlog_push(client=fake, now=now + dt.timedelta(minutes=1)) == {"sent": 0, "failed": 1}
    assert MinLogCursor.objects.get().next_attempt_at == now + dt.timedelta(minutes=3)
    assert minlog_push(client=fake, now=now + dt.timedelta(minutes=3)) == {"sent": 1, "failed": 0}
    cursor = MinLogCursor.objects.get()
    assert cursor.next_attempt_at is None
    assert cursor.attempts == 0
    assert len(fake.received) == 1
