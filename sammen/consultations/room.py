"""Who may be in a video room, and the room's state (synchronous; the consumer calls these
through `database_sync_to_async`).

The state lives in the database (`Participant.channel_name`, `admitted_at`), so several
daphne processes behind a Redis channel layer agree on it. Nothing of the call itself (media,
chat text) is stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from sammen.access import gate
from sammen.access.models import Operation
from sammen.consultations.models import MAX_IN_CALL, Consultation, Participant, ParticipantKind
from sammen.consultations.selectors import OBJECT_TYPE
from sammen.core.actor import Actor
from sammen.core.errors import Forbidden, NotFound
from sammen.core.ids import parse_uuid
from sammen.organisation import selectors as org_selectors
from sammen.organisation import services as org_services

GUEST_SESSION_KEY = "consultation_guest"

# Close codes (4000–4999 are the application's): the browser shows the matching text.
REFUSED_FORBIDDEN = 4403
REFUSED_NOT_FOUND = 4404  # unknown room, another municipality's, or a link for another room
REFUSED_HOST_TAKEN = 4409
REFUSED_CLOSED = 4410  # outside the slot (15 minutes before to the end), cancelled or held
REFUSED_FULL = 4429

REFUSAL_TEXT = {
    REFUSED_FORBIDDEN: "Du har ikke adgang til dette skærmbesøg.",
    REFUSED_NOT_FOUND: "Skærmbesøget findes ikke.",
    REFUSED_HOST_TAKEN: "En anden medarbejder er allerede værtsmedarbejder i dette besøg.",
    REFUSED_CLOSED: "Skærmbesøget er ikke åbent nu.",
    REFUSED_FULL: "Der er allerede fire deltagere i besøget.",
}


class Refused(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(REFUSAL_TEXT[code])
        self.code = code


@dataclass(frozen=True)
class Member:
    participant_id: str
    consultation_id: str
    kind: str
    name: str
    admitted: bool
    replaced_channel: str = ""

    @property
    def is_staff(self) -> bool:
        return self.kind == ParticipantKind.STAFF

    def public(self) -> dict[str, Any]:
        return {"id": self.participant_id, "name": self.name, "kind": self.kind}


def _member(p: Participant, replaced: str = "") -> Member:
    return Member(
        participant_id=str(p.pk),
        consultation_id=str(p.consultation_id),
        kind=p.kind,
        name=p.name,
        admitted=p.kind == ParticipantKind.STAFF or p.admitted_at is not None,
        replaced_channel=replaced,
    )


def staff_actor(scope: dict[str, Any]) -> Actor | None:
    """The staff actor of a socket's session, with the same checks as a page: a complete
    login (second factor verified where required) within the session's lifetime."""
    user = scope.get("user")
    session = scope.get("session")
    if user is None or not user.is_authenticated or session is None:
        return None
    now = timezone.now().timestamp()
    auth_time = float(session.get(org_services.SESSION_AUTH_TIME, 0))
    last = float(session.get(org_services.SESSION_LAST_ACTIVITY, 0))
    if (
        now - last > settings.SAMMEN_SESSION_IDLE_TIMEOUT.total_seconds()
        or now - auth_time > settings.SAMMEN_SESSION_ABSOLUTE_LIFETIME.total_seconds()
    ):
        return None
    client = scope.get("client") or ("", 0)
    context = org_selectors.actor_context(
        user=user,
        membership_id=session.get(org_services.SESSION_ACTIVE_MEMBERSHIP),
        request_id=uuid.uuid4().hex,
        client_ip=str(client[0] or ""),
        mfa_setting=settings.SAMMEN_MFA_REQUIRED,
    )
    if context.mfa_required:
        device = Device.from_persistent_id(session.get(DEVICE_ID_SESSION_KEY) or "")
        if device is None or device.user_id != user.pk:
            return None
    return context.actor


def _consultation(room_id: str, *, municipality: Any = None) -> Consultation:
    try:
        pk = parse_uuid(room_id)
    except NotFound:
        raise Refused(REFUSED_NOT_FOUND) from None
    rows = Consultation.objects.select_related("citizen").filter(pk=pk)
    if municipality is not None:
        rows = rows.filter(municipality=municipality)
    found = rows.first()
    if found is None:
        raise Refused(REFUSED_NOT_FOUND)
    return found


def staff_join(*, actor: Actor, room_id: str, channel_name: str) -> Member:
    """The host joins: the policy decides (a refusal is logged by the gate); the one host
    place is taken atomically (a second staff member is refused, and nothing is logged as
    access for the refused one); then the access to the citizen is logged."""
    if not actor.has_permission("consultation"):
        raise Refused(REFUSED_FORBIDDEN)
    try:
        consultation = _consultation(room_id, municipality=actor.municipality)
    except Refused:
        gate.unknown_id_logged(actor=actor, object_id=room_id, object_type=OBJECT_TYPE)
        raise
    try:
        gate.citizen_read(
            actor=actor, citizen=consultation.citizen, object_type=OBJECT_TYPE, log=False
        )
    except (Forbidden, NotFound):
        raise Refused(REFUSED_FORBIDDEN) from None
    if not consultation.is_open(timezone.now()):
        raise Refused(REFUSED_CLOSED)
    with transaction.atomic():
        host = (
            Participant.objects.select_for_update()
            .filter(consultation=consultation, kind=ParticipantKind.STAFF)
            .first()
        )
        if host is None:
            raise Refused(REFUSED_NOT_FOUND)
        if host.channel_name and host.staff_id != actor.staff.pk:
            raise Refused(REFUSED_HOST_TAKEN)
        replaced = host.channel_name
        host.channel_name = channel_name
        host.staff = actor.staff
        host.name = actor.staff.first_name
        host.save(update_fields=["channel_name", "staff", "name"])
        if consultation.started_at is None:
            Consultation.objects.filter(pk=consultation.pk).update(started_at=timezone.now())
    gate.citizen_read(
        actor=actor,
        citizen=consultation.citizen,
        operation=Operation.VIEW,
        object_type=OBJECT_TYPE,
    )
    return _member(host, replaced)


def guest_join(*, session: Any, room_id: str, channel_name: str) -> Member:
    """A guest joins with the session that proved the one-time code, for that room only,
    within the slot."""
    if session is None:
        raise Refused(REFUSED_FORBIDDEN)
    participant_id = session.get(GUEST_SESSION_KEY)
    if not participant_id:
        raise Refused(REFUSED_FORBIDDEN)
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update()
            .select_related("consultation")
            .filter(pk=participant_id)
            .exclude(kind=ParticipantKind.STAFF)
            .first()
        )
        if participant is None or str(participant.consultation_id) != str(room_id):
            raise Refused(REFUSED_NOT_FOUND)
        if not participant.verified_at or participant.verified_session != session.session_key:
            raise Refused(REFUSED_FORBIDDEN)
        if not participant.consultation.is_open(timezone.now()):
            raise Refused(REFUSED_CLOSED)
        replaced = participant.channel_name
        participant.channel_name = channel_name
        participant.save(update_fields=["channel_name"])
    return _member(participant, replaced)


def leave(*, participant_id: str, channel_name: str) -> None:
    Participant.objects.filter(pk=participant_id, channel_name=channel_name).update(channel_name="")


def peers(*, consultation_id: str, exclude: str) -> list[dict[str, Any]]:
    """The others in the call (connected and admitted; the host is always admitted)."""
    rows = (
        Participant.objects.filter(consultation_id=consultation_id)
        .exclude(channel_name="")
        .filter(Q(kind=ParticipantKind.STAFF) | Q(admitted_at__isnull=False))
    )
    if exclude:
        rows = rows.exclude(pk=exclude)
    return [_member(p).public() for p in rows]


def lobby(*, consultation_id: str) -> tuple[str, list[dict[str, Any]]]:
    """The host's channel and the guests waiting (connected, not admitted)."""
    rows = list(
        Participant.objects.filter(consultation_id=consultation_id).exclude(channel_name="")
    )
    host = next((p.channel_name for p in rows if p.kind == ParticipantKind.STAFF), "")
    waiting = [
        _member(p).public()
        for p in rows
        if p.kind != ParticipantKind.STAFF and p.admitted_at is None
    ]
    return host, waiting


def admit(*, consultation_id: str, participant_id: Any) -> tuple[str, Member]:
    """Let a waiting guest in (the host only; the consumer checks). Returns the guest's
    channel. At most four in the call."""
    try:
        pk = parse_uuid(participant_id)
    except NotFound:
        raise Refused(REFUSED_NOT_FOUND) from None
    with transaction.atomic():
        rows = Participant.objects.select_for_update().filter(consultation_id=consultation_id)
        guest = rows.filter(pk=pk).exclude(kind=ParticipantKind.STAFF).first()
        if guest is None or not guest.channel_name:
            raise Refused(REFUSED_NOT_FOUND)
        if guest.admitted_at is None:
            in_call = (
                rows.exclude(channel_name="")
                .filter(Q(kind=ParticipantKind.STAFF) | Q(admitted_at__isnull=False))
                .count()
            )
            if in_call >= MAX_IN_CALL:
                raise Refused(REFUSED_FULL)
            guest.admitted_at = timezone.now()
            guest.save(update_fields=["admitted_at"])
    return guest.channel_name, _member(guest)


def channel_of(*, consultation_id: str, participant_id: Any) -> str:
    """The socket of a participant in the call (connected and admitted), or ""."""
    try:
        pk = parse_uuid(participant_id)
    except NotFound:
        return ""
    p = (
        Participant.objects.filter(consultation_id=consultation_id, pk=pk)
        .exclude(channel_name="")
        .filter(Q(kind=ParticipantKind.STAFF) | Q(admitted_at__isnull=False))
        .first()
    )
    return p.channel_name if p else ""
