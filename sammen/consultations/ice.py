"""STUN/TURN servers handed to the browsers (RTCPeerConnection `iceServers`).

On loopback and on one network the browsers reach each other directly and need none. Over the
internet a STUN server lets a browser learn its public address; behind strict NAT or a
firewall that allows only 443 the media must be relayed by TURN. Production: the
municipality's own coturn (`use-auth-secret`, `static-auth-secret=<SAMMEN_VIDEO_TURN_SECRET>`),
so the media never passes a third party. Credentials are short-lived (coturn's "TURN REST API"
scheme): username `<expiry>:<participant>`, password base64(HMAC-SHA1(secret, username)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from django.conf import settings

TURN_CREDENTIAL_SECONDS = 4 * 3600


def ice_servers(*, participant_id: object, now: float | None = None) -> list[dict[str, Any]]:
    servers: list[dict[str, Any]] = []
    stun = [u for u in settings.SAMMEN_VIDEO_STUN_URLS if u]
    if stun:
        servers.append({"urls": stun})
    turn = [u for u in settings.SAMMEN_VIDEO_TURN_URLS if u]
    secret = settings.SAMMEN_VIDEO_TURN_SECRET
    if turn and secret:
        expiry = int((now if now is not None else time.time()) + TURN_CREDENTIAL_SECONDS)
        username = f"{expiry}:{participant_id}"
        digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
        servers.append(
            {"urls": turn, "username": username, "credential": base64.b64encode(digest).decode()}
        )
    return servers
