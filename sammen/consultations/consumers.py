"""The signalling server for video visits: one WebSocket per participant, over Django
Channels. It carries WebRTC offers, answers and ICE candidates between the browsers, the
waiting room (the host admits), chat and media state. It never sees media (the browsers send
it to each other, or through the municipality's TURN) and stores no chat text.

Every message is checked: at most 64 KB, JSON, for this socket's room, of a known type, from
someone allowed to send it (only admitted participants signal and chat, only the host admits
and shares a screen), with a well-formed SDP or candidate. A bad message gets an error on this
socket only; the call of the others goes on.
"""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from sammen.consultations import room

MAX_MESSAGE_BYTES = 64 * 1024
MAX_SDP = 32 * 1024
MAX_CANDIDATE = 2 * 1024
MAX_CHAT = 1000
SDP_TYPES = {"offer", "answer"}


def _group(consultation_id: str) -> str:
    return f"video.{consultation_id}"


def sdp_ok(sdp: Any) -> bool:
    return (
        isinstance(sdp, dict)
        and sdp.get("type") in SDP_TYPES
        and isinstance(sdp.get("sdp"), str)
        and len(sdp["sdp"]) <= MAX_SDP
        and sdp["sdp"].startswith("v=0")
    )


def candidate_ok(candidate: Any) -> bool:
    if not isinstance(candidate, dict):
        return False
    text = candidate.get("candidate")
    mid = candidate.get("sdpMid")
    index = candidate.get("sdpMLineIndex")
    return (
        isinstance(text, str)
        and len(text) <= MAX_CANDIDATE
        and (text == "" or text.startswith("candidate:"))
        and (mid is None or (isinstance(mid, str) and len(mid) <= 64))
        and (index is None or (isinstance(index, int) and 0 <= index < 64))
    )


class RoomConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    member: room.Member | None = None
    room_id: str = ""

    async def connect(self) -> None:
        self.room_id = str(self.scope["url_route"]["kwargs"]["consultation_id"])
        await self.accept()
        try:
            self.member = await database_sync_to_async(self._join)()
        except room.Refused as refused:
            await self.send_json({"type": "refused", "code": refused.code, "text": str(refused)})
            await self.close(code=refused.code)
            return
        member = self.member
        if member.replaced_channel and member.replaced_channel != self.channel_name:
            await self.channel_layer.send(member.replaced_channel, {"type": "room.kick"})
        if member.admitted:
            await self._enter()
        else:
            await self.send_json({"type": "waiting", "me": member.public()})
            await self._lobby_update()

    def _join(self) -> room.Member:
        actor = room.staff_actor(self.scope)
        if actor is not None:
            return room.staff_join(
                actor=actor, room_id=self.room_id, channel_name=self.channel_name
            )
        return room.guest_join(
            session=self.scope.get("session"), room_id=self.room_id, channel_name=self.channel_name
        )

    async def _enter(self) -> None:
        assert self.member is not None
        await self.channel_layer.group_add(_group(self.room_id), self.channel_name)
        others = await database_sync_to_async(room.peers)(
            consultation_id=self.room_id, exclude=self.member.participant_id
        )
        await self.send_json({"type": "welcome", "me": self.member.public(), "peers": others})
        await self.channel_layer.group_send(
            _group(self.room_id),
            {"type": "room.peer_joined", "peer": self.member.public(), "sender": self.channel_name},
        )
        if self.member.is_staff:
            await self._lobby_update()

    async def _lobby_update(self) -> None:
        host, waiting = await database_sync_to_async(room.lobby)(consultation_id=self.room_id)
        if host:
            await self.channel_layer.send(host, {"type": "room.lobby", "waiting": waiting})

    async def disconnect(self, code: int) -> None:
        member = self.member
        if member is None:
            return
        await database_sync_to_async(room.leave)(
            participant_id=member.participant_id, channel_name=self.channel_name
        )
        await self.channel_layer.group_discard(_group(self.room_id), self.channel_name)
        await self.channel_layer.group_send(
            _group(self.room_id), {"type": "room.peer_left", "peer": member.public()}
        )
        if not member.is_staff:
            await self._lobby_update()

    # --- incoming -----------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if bytes_data is not None or text_data is None:
            await self._error("Kun tekstbeskeder.")
            return
        if len(text_data.encode("utf-8")) > MAX_MESSAGE_BYTES:
            await self._error("Beskeden er for stor.")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._error("Beskeden kunne ikke læses.")
            return
        if not isinstance(content, dict):
            await self._error("Beskeden kunne ikke læses.")
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        member = self.member
        if member is None:
            return
        if "room" in content and str(content["room"]) != self.room_id:
            await self._error("Beskeden er til et andet rum.")
            return
        kind = content.get("type")
        if kind == "admit":
            await self._admit(content)
            return
        if not await self._admitted():
            await self._error("Du venter på at blive lukket ind.")
            return
        if kind == "signal":
            await self._signal(content)
        elif kind == "chat":
            text = content.get("text")
            if not isinstance(text, str) or not text.strip() or len(text) > MAX_CHAT:
                await self._error(f"En chatbesked skal være 1–{MAX_CHAT} tegn.")
                return
            await self.channel_layer.group_send(
                _group(self.room_id),
                {"type": "room.chat", "from": member.public(), "text": text.strip()},
            )
        elif kind == "media":
            await self._media(content)
        elif kind == "end" and member.is_staff:
            await self.channel_layer.group_send(_group(self.room_id), {"type": "room.ended"})
        else:
            await self._error("Ukendt besked.")

    async def _admitted(self) -> bool:
        assert self.member is not None
        if self.member.admitted:
            return True
        peers = await database_sync_to_async(room.peers)(consultation_id=self.room_id, exclude="")
        return any(p["id"] == self.member.participant_id for p in peers)

    async def _admit(self, content: dict[str, Any]) -> None:
        assert self.member is not None
        if not self.member.is_staff:
            await self._error("Kun medarbejderen kan lukke deltagere ind.")
            return
        try:
            channel, _guest = await database_sync_to_async(room.admit)(
                consultation_id=self.room_id, participant_id=content.get("participant")
            )
        except room.Refused as refused:
            await self._error(str(refused))
            return
        await self.channel_layer.send(channel, {"type": "room.admitted"})
        await self._lobby_update()

    async def _signal(self, content: dict[str, Any]) -> None:
        assert self.member is not None
        sdp = content.get("sdp")
        candidate = content.get("candidate")
        if (sdp is None) == (candidate is None):
            await self._error("Signalet skal have enten sdp eller candidate.")
            return
        if sdp is not None and not sdp_ok(sdp):
            await self._error("Ugyldig SDP.")
            return
        if candidate is not None and not candidate_ok(candidate):
            await self._error("Ugyldig ICE-kandidat.")
            return
        target = await database_sync_to_async(room.channel_of)(
            consultation_id=self.room_id, participant_id=content.get("to")
        )
        if not target or target == self.channel_name:
            await self._error("Modtageren er ikke i rummet.")
            return
        await self.channel_layer.send(
            target,
            {
                "type": "room.signal",
                "from": self.member.participant_id,
                "sdp": sdp,
                "candidate": candidate,
            },
        )

    async def _media(self, content: dict[str, Any]) -> None:
        assert self.member is not None
        state = {
            k: bool(content.get(k))
            for k in ("muted", "camera_off", "audio_only", "screen")
            if k in content
        }
        if state.get("screen") and not self.member.is_staff:
            await self._error("Kun medarbejderen kan dele skærm.")
            return
        await self.channel_layer.group_send(
            _group(self.room_id),
            {"type": "room.media", "from": self.member.participant_id, "state": state},
        )

    async def _error(self, text: str) -> None:
        await self.send_json({"type": "error", "text": text})

    # --- from the channel layer -----------------------------------------------------------

    async def room_signal(self, event: dict[str, Any]) -> None:
        message = {"type": "signal", "from": event["from"]}
        if event.get("sdp") is not None:
            message["sdp"] = event["sdp"]
        if event.get("candidate") is not None:
            message["candidate"] = event["candidate"]
        await self.send_json(message)

    async def room_chat(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "chat", "from": event["from"], "text": event["text"]})

    async def room_media(self, event: dict[str, Any]) -> None:
        if self.member and event["from"] != self.member.participant_id:
            await self.send_json({"type": "media", "from": event["from"], "state": event["state"]})

    async def room_peer_joined(self, event: dict[str, Any]) -> None:
        if event.get("sender") != self.channel_name:
            await self.send_json({"type": "peer-joined", "peer": event["peer"]})

    async def room_peer_left(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "peer-left", "peer": event["peer"]})

    async def room_lobby(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "lobby", "waiting": event["waiting"]})

    async def room_admitted(self, event: dict[str, Any]) -> None:
        assert self.member is not None
        self.member = room.Member(
            participant_id=self.member.participant_id,
            consultation_id=self.member.consultation_id,
            kind=self.member.kind,
            name=self.member.name,
            admitted=True,
        )
        await self._enter()

    async def room_ended(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "ended"})
        await self.close(code=1000)

    async def room_kick(self, event: dict[str, Any]) -> None:
        """The same participant opened the room elsewhere; this socket gives way."""
        self.member = None
        await self.send_json({"type": "replaced"})
        await self.close(code=4001)
