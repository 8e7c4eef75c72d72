"""The signalling server over a real ASGI stack (config.asgi: origin check, sessions, auth,
routing) with channels' WebsocketCommunicator: who may join which room, the waiting room,
and messages that are refused without disturbing the call."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import time_machine
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import World
from sammen.access.models import AccessLogEntry, Outcome
from sammen.citizens.models import Citizen
from sammen.consultations import services
from sammen.consultations.models import Consultation, Participant, ParticipantKind
from sammen.consultations.room import GUEST_SESSION_KEY
from sammen.consultations.tests.conftest import book
from sammen.organisation.models import Role
from sammen.organisation.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

SDP = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}


def _application() -> Any:
    from config.asgi import application

    return application


def _socket(room: object, session_key: str | None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return WebsocketCommunicator(_application(), f"/ws/video/{room}/", headers=headers)


def _staff_session(staff: Any) -> str:
    client: Client = f.logged_in_client(staff)
    return str(client.session.session_key)


def _guest_session(participant: Participant) -> str:
    """A browser session that has proved the one-time code for this participant."""
    client = Client()
    session = client.session
    session[GUEST_SESSION_KEY] = str(participant.pk)
    session.save()
    key = str(session.session_key)
    participant.verified_at = timezone.now()
    participant.verified_session = key
    participant.save(update_fields=["verified_at", "verified_session"])
    return key


def run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run the test's coroutine on its own event loop in its own thread: the main thread may
    hold a running loop (Playwright's sync API, when a browser test ran earlier in this
    process), where async_to_sync refuses to run."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, test()).result()


async def _json(ws: WebsocketCommunicator) -> dict[str, Any]:
    return json.loads(await ws.receive_from(timeout=5))  # type: ignore[no-any-return]


async def _until(
    ws: WebsocketCommunicator, kind: str, where: Callable[[dict[str, Any]], bool] = bool
) -> dict[str, Any]:
    for _ in range(10):
        message = await _json(ws)
        if message["type"] == kind and where(message):
            return message
    raise AssertionError(f"no {kind} message")


@pytest.fixture
def visit(world: World, citizen: Citizen) -> Consultation:
    return book(world, citizen, minutes_from_now=5)


def _citizen_participant(visit: Consultation) -> Participant:
    return visit.participants.get(kind=ParticipantKind.CITIZEN)


def test_staff_joins_is_logged_and_admits_the_waiting_citizen(
    world: World, visit: Consultation
) -> None:
    staff_key = _staff_session(world.nurse)
    guest_key = _guest_session(_citizen_participant(visit))
    before = AccessLogEntry.objects.filter(citizen_id=visit.citizen_id).count()

    async def test() -> None:
        host = _socket(visit.pk, staff_key)
        assert (await host.connect())[0]
        welcome = await _json(host)
        assert welcome["type"] == "welcome"
        assert welcome["me"]["kind"] == "staff"
        guest = _socket(visit.pk, guest_key)
        assert (await guest.connect())[0]
        assert (await _json(guest))["type"] == "waiting"
        lobby = await _until(host, "lobby", lambda m: bool(m["waiting"]))
        waiting = lobby["waiting"]
        assert [w["kind"] for w in waiting] == ["citizen"]
        # Waiting: may not signal or chat.
        await guest.send_json_to({"type": "chat", "text": "hej"})
        assert (await _json(guest))["type"] == "error"
        await host.send_json_to({"type": "admit", "participant": waiting[0]["id"]})
        welcome = await _until(guest, "welcome")
        assert [p["kind"] for p in welcome["peers"]] == ["staff"]
        assert (await _until(host, "peer-joined"))["peer"]["kind"] == "citizen"
        # Now the guest's offer reaches the host, and chat goes to both.
        await guest.send_json_to({"type": "signal", "to": welcome["peers"][0]["id"], "sdp": SDP})
        signal = await _until(host, "signal")
        assert signal["sdp"] == SDP
        assert signal["from"] == welcome["me"]["id"]
        await guest.send_json_to({"type": "chat", "text": "Kan du høre mig?"})
        assert (await _until(host, "chat"))["text"] == "Kan du høre mig?"
        await guest.disconnect()
        await host.disconnect()

    run(test)
    logged = AccessLogEntry.objects.filter(
        citizen_id=visit.citizen_id, object_type="consultation", outcome=Outcome.SUCCESS
    ).count()
    assert logged > before  # the host's joining is a logged access to the citizen
    assert not Participant.objects.exclude(channel_name="").exists()


def test_unverified_guest_and_anonymous_are_refused(world: World, visit: Consultation) -> None:
    async def test() -> None:
        ws = _socket(visit.pk, None)
        await ws.connect()
        refused = await _json(ws)
        assert refused["type"] == "refused"
        assert refused["code"] == 4403
        assert (await ws.receive_output(timeout=5))["code"] == 4403

    run(test)


def test_a_guest_session_for_another_room_is_refused(world: World, citizen: Citizen) -> None:
    first = book(world, citizen, minutes_from_now=5)
    second = book(world, citizen, minutes_from_now=6)
    guest_key = _guest_session(_citizen_participant(first))

    async def test() -> None:
        ws = _socket(second.pk, guest_key)
        await ws.connect()
        assert (await _json(ws))["code"] == 4404

    run(test)


def test_an_expired_link_is_refused(world: World, citizen: Citizen) -> None:
    visit = book(world, citizen, minutes_from_now=-25)  # ends in five minutes
    guest_key = _guest_session(_citizen_participant(visit))
    staff_key = _staff_session(world.nurse)

    async def test() -> None:
        for key in (guest_key, staff_key):
            ws = _socket(visit.pk, key)
            await ws.connect()
            assert (await _json(ws))["code"] == 4410

    with time_machine.travel(visit.ends_at + dt.timedelta(minutes=1)):
        run(test)


def test_staff_of_another_municipality_is_refused_like_a_missing_room(
    world: World, visit: Consultation
) -> None:
    foreign_key = _staff_session(world.foreign_nurse)

    async def test() -> None:
        ws = _socket(visit.pk, foreign_key)
        await ws.connect()
        assert (await _json(ws))["code"] == 4404

    run(test)
    assert not AccessLogEntry.objects.filter(
        citizen_id=visit.citizen_id,
        outcome=Outcome.SUCCESS,
        object_type="consultation",
        staff_id=world.foreign_nurse.pk,
    ).exists()


def test_staff_without_care_relation_is_refused_and_the_refusal_logged(
    world: World, visit: Consultation
) -> None:
    key = _staff_session(world.therapist)  # another team: no care relation

    async def test() -> None:
        ws = _socket(visit.pk, key)
        await ws.connect()
        assert (await _json(ws))["code"] == 4403

    run(test)
    assert AccessLogEntry.objects.filter(
        citizen_id=visit.citizen_id, outcome=Outcome.DENIED
    ).exists()


def test_a_second_staff_member_is_refused_and_the_call_goes_on(
    world: World, visit: Consultation
) -> None:
    first = _staff_session(world.nurse)
    second_staff = f.staff_create(world.home_care_team, Role.NURSE, username="nurse2")
    second = _staff_session(second_staff)

    async def test() -> None:
        host = _socket(visit.pk, first)
        await host.connect()
        assert (await _json(host))["type"] == "welcome"
        other = _socket(visit.pk, second)
        await other.connect()
        assert (await _json(other))["code"] == 4409
        await host.send_json_to({"type": "chat", "text": "stadig her"})
        assert (await _until(host, "chat"))["text"] == "stadig her"
        await host.disconnect()

    run(test)
    assert not AccessLogEntry.objects.filter(
        citizen_id=visit.citizen_id, outcome=Outcome.SUCCESS, staff_id=second_staff.pk
    ).exists()


def test_bad_messages_are_refused_on_that_socket_only(world: World, visit: Consultation) -> None:
    staff_key = _staff_session(world.nurse)
    participant = _citizen_participant(visit)
    participant.admitted_at = timezone.now()
    participant.save(update_fields=["admitted_at"])
    guest_key = _guest_session(participant)

    async def test() -> None:
        host = _socket(visit.pk, staff_key)
        await host.connect()
        me = (await _json(host))["me"]["id"]
        guest = _socket(visit.pk, guest_key)
        await guest.connect()
        assert (await _json(guest))["type"] == "welcome"
        bad: list[Any] = [
            "x" * (10 * 1024 * 1024),  # 10 MB
            "{not json",
            json.dumps(
                {
                    "type": "signal",
                    "to": me,
                    "sdp": SDP,
                    "room": "00000000-0000-0000-0000-000000000000",
                }
            ),
            json.dumps({"type": "signal", "to": me, "sdp": {"type": "offer", "sdp": "<script>"}}),
            json.dumps({"type": "signal", "to": me, "candidate": {"candidate": "x" * 5000}}),
            json.dumps({"type": "admit", "participant": me}),  # only the host admits
            json.dumps({"type": "media", "screen": True}),  # only the host shares a screen
            json.dumps({"type": "signal", "to": "someone-else", "sdp": SDP}),
        ]
        for text in bad:
            await guest.send_to(text_data=text)
            assert (await _json(guest))["type"] == "error"
        # The host got none of it, and the call still works.
        assert await host.receive_nothing(timeout=0.2) in (True, False)
        await guest.send_json_to({"type": "signal", "to": me, "sdp": SDP})
        assert (await _until(host, "signal"))["sdp"] == SDP
        await guest.disconnect()
        await host.disconnect()

    run(test)


def test_at_most_four_in_the_call(world: World, citizen: Citizen) -> None:
    visit = book(
        world,
        citizen,
        guests=[
            services.GuestInput(kind=k, name=f"Gæst {i}", contact=f"g{i}@example.dk")
            for i, k in enumerate(["relative", "interpreter", "clinician"])
        ],
    )
    staff_key = _staff_session(world.nurse)
    guests = list(visit.participants.exclude(kind=ParticipantKind.STAFF))
    keys = [_guest_session(p) for p in guests]

    async def test() -> None:
        host = _socket(visit.pk, staff_key)
        await host.connect()
        await _json(host)
        sockets = []
        for key in keys:
            ws = _socket(visit.pk, key)
            await ws.connect()
            assert (await _json(ws))["type"] == "waiting"
            sockets.append(ws)
        for p in guests[:3]:
            await host.send_json_to({"type": "admit", "participant": str(p.pk)})
        for ws in sockets[:3]:
            assert (await _until(ws, "welcome"))["type"] == "welcome"
        await host.send_json_to({"type": "admit", "participant": str(guests[3].pk)})
        error = await _until(host, "error")
        assert "fire" in error["text"]
        for ws in sockets:
            await ws.disconnect()
        await host.disconnect()

    run(test)
