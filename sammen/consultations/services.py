"""Writes for video visits: book, rebook, cancel (by staff and by the citizen), prove a guest's
identity with a one-time code, and end the visit with a journal note.

Staff writes go through the write kernel (`access.writes.citizen_write`): the policy once, one
durable transaction, a change-log row and an access-log row. Invitations, codes and notices go
out through the notification Protocol (`integrations.notifications`) after the commit; their
text never carries a CPR number, and the link is a random token stored only as a hash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sammen.access import gate
from sammen.access.models import Operation
from sammen.access.writes import citizen_write, citizen_write_service
from sammen.consultations import tokens
from sammen.consultations.models import (
    Consultation,
    ConsultationStatus,
    EncounterClass,
    Participant,
    ParticipantKind,
)
from sammen.consultations.selectors import OBJECT_TYPE, consultation_find, guest_by_token
from sammen.core.actor import Actor
from sammen.core.errors import Forbidden, NotFound, ValidationFailed
from sammen.core.ids import parse_uuid
from sammen.core.presenters import datetime_text
from sammen.integrations.notifications import Notification, notifier
from sammen.journal import services as journal_services

DURATIONS = (15, 20, 30, 45, 60)
MAX_GUESTS = 3  # with the host: 4 in the call (models.MAX_IN_CALL)
BOOK_AHEAD = dt.timedelta(days=180)
CODE_RESEND_AFTER = dt.timedelta(seconds=60)
JOURNAL_TEMPLATE = "skaermbesoeg-notat"
GUEST_KINDS = {ParticipantKind.RELATIVE, ParticipantKind.INTERPRETER, ParticipantKind.CLINICIAN}


@dataclass(frozen=True)
class GuestInput:
    kind: str
    name: str
    contact: str


def _when(starts_at: dt.datetime | None, duration_minutes: int, now: dt.datetime) -> None:
    errors: dict[str, list[str]] = {}
    if starts_at is None:
        errors["starts_at"] = ["Vælg dato og klokkeslæt."]
    elif starts_at + dt.timedelta(minutes=duration_minutes) <= now:
        errors["starts_at"] = ["Tidspunktet er allerede forbi."]
    elif starts_at > now + BOOK_AHEAD:
        errors["starts_at"] = ["Et skærmbesøg kan højst bookes et halvt år frem."]
    if duration_minutes not in DURATIONS:
        errors["duration_minutes"] = ["Vælg en af de faste varigheder."]
    if errors:
        raise ValidationFailed("Tidspunktet kan ikke bruges.", errors)


def _purpose(purpose: str) -> str:
    text = (purpose or "").strip()
    if not text:
        raise ValidationFailed("Skriv formålet.", {"purpose": ["Skriv formålet med besøget."]})
    if len(text) > 200:
        raise ValidationFailed("Formålet er for langt.", {"purpose": ["Højst 200 tegn."]})
    return text


def _guests(guests: Sequence[GuestInput]) -> list[GuestInput]:
    if len(guests) > MAX_GUESTS:
        raise ValidationFailed(
            "For mange deltagere.", {"guests": [f"Højst {MAX_GUESTS} gæster ud over borgeren."]}
        )
    for guest in guests:
        if guest.kind not in GUEST_KINDS:
            raise ValidationFailed("Ukendt deltagertype.", {"guests": ["Ukendt deltagertype."]})
        if not guest.name.strip() or not guest.contact.strip():
            raise ValidationFailed(
                "Mangler navn eller kontakt.",
                {"guests": ["Hver gæst skal have navn og mobilnummer eller e-mail."]},
            )
    return list(guests)


def _join_url(token: str) -> str:
    return settings.SAMMEN_PUBLIC_URL.rstrip("/") + reverse(
        "consultations:join", kwargs={"token": token}
    )


def _invite(participant: Participant, token: str, consultation: Consultation, kind: str) -> Any:
    """The message to send after the commit (no CPR: first name, time, random link)."""
    when = datetime_text(consultation.starts_at)
    body = {
        "invitation": f"Hej {participant.name}. Du er inviteret til et skærmbesøg {when}. "
        f"Åbn linket tidligst 15 minutter før: {_join_url(token)}",
        "rebooked": f"Hej {participant.name}. Dit skærmbesøg er flyttet til {when}. "
        f"Brug dette nye link: {_join_url(token)}",
    }[kind]
    message = Notification(
        to=participant.contact, subject="Skærmbesøg fra kommunen", body=body, kind=kind
    )
    return lambda: notifier().send(message)


def _notify_cancelled(consultation: Consultation) -> Any:
    when = datetime_text(consultation.starts_at)
    messages = [
        Notification(
            to=p.contact,
            subject="Skærmbesøg aflyst",
            body=f"Hej {p.name}. Skærmbesøget {when} er aflyst.",
            kind="cancelled",
        )
        for p in consultation.participants.exclude(kind=ParticipantKind.STAFF)
        if p.contact
    ]

    def send() -> None:
        client = notifier()
        for message in messages:
            client.send(message)

    return send


@citizen_write_service
def consultation_book(
    *,
    actor: Actor,
    citizen_id: Any,
    starts_at: dt.datetime | None,
    duration_minutes: int,
    purpose: str,
    guests: Sequence[GuestInput] = (),
    service_ref: Any = None,
    visit_ref: Any = None,
) -> Consultation:
    """Book a video visit with a citizen (and up to three guests). Every guest and the
    citizen get an invitation with their own one-time link after the commit. `service_ref`
    (a granted service, care_plans) and `visit_ref` (a planned visit, visits) are the hooks
    for the care chain and the day list."""
    now = timezone.now()
    clean_purpose = _purpose(purpose)
    _when(starts_at, duration_minutes, now)
    assert starts_at is not None
    guest_list = _guests(guests)
    access = gate.citizen_open(
        actor=actor,
        citizen_id=citizen_id,
        operation=Operation.CREATE,
        object_type=OBJECT_TYPE,
        log=False,
    )
    citizen = access.citizen
    with citizen_write(
        actor=actor,
        citizen=citizen,
        decision=access,
        operation=Operation.CREATE,
        object_type=OBJECT_TYPE,
    ) as write:
        consultation = Consultation.objects.create(
            municipality=actor.municipality,
            citizen=citizen,
            unit=actor.unit,
            booked_by=actor.staff,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            purpose=clean_purpose,
            service_ref=service_ref,
            visit_ref=visit_ref,
        )
        Participant.objects.create(
            municipality=actor.municipality,
            consultation=consultation,
            kind=ParticipantKind.STAFF,
            name=actor.staff.first_name,
            staff=actor.staff,
        )
        invited: list[tuple[str, str, str]] = [
            (ParticipantKind.CITIZEN, citizen.first_name, citizen.phone)
        ]
        invited += [(g.kind, g.name.strip(), g.contact.strip()) for g in guest_list]
        for kind, name, contact in invited:
            token = tokens.token_new()
            participant = Participant.objects.create(
                municipality=actor.municipality,
                consultation=consultation,
                kind=kind,
                name=name,
                contact=contact,
                token_hash=tokens.token_hash(token),
            )
            if contact:
                write.on_commit(_invite(participant, token, consultation, "invitation"))
        write.created(
            consultation,
            logged={
                "starts_at": starts_at.isoformat(),
                "duration_minutes": duration_minutes,
                "purpose": clean_purpose,
                "guests": [g.kind for g in guest_list],
            },
        )
    return consultation


def _reinvite_all(consultation: Consultation, write: Any) -> None:
    """A rebooked visit keeps the links (they follow the slot); each guest gets a notice.
    The tokens are not stored in clear, so a notice with the link needs a new token."""
    for participant in consultation.participants.exclude(kind=ParticipantKind.STAFF):
        token = tokens.token_new()
        participant.token_hash = tokens.token_hash(token)
        participant.verified_at = None
        participant.verified_session = ""
        participant.admitted_at = None
        participant.save(
            update_fields=["token_hash", "verified_at", "verified_session", "admitted_at"]
        )
        if participant.contact:
            write.on_commit(_invite(participant, token, consultation, "rebooked"))


@citizen_write_service
def consultation_rebook(
    *,
    actor: Actor,
    consultation_id: Any,
    version: int | None,
    starts_at: dt.datetime | None,
    duration_minutes: int,
) -> Consultation:
    """Move a booked visit; every guest gets a new link (the old one stops working)."""
    consultation = consultation_find(actor=actor, consultation_id=consultation_id)
    if consultation.status != ConsultationStatus.BOOKED:
        raise ValidationFailed("Besøget kan ikke flyttes.", {"starts_at": ["Besøget er lukket."]})
    _when(starts_at, duration_minutes, timezone.now())
    with citizen_write(actor=actor, citizen=consultation.citizen, object_type=OBJECT_TYPE) as write:
        write.update(
            consultation,
            version=version,
            values={"starts_at": starts_at, "duration_minutes": duration_minutes},
        )
        _reinvite_all(consultation, write)
    return consultation


@citizen_write_service
def consultation_cancel(
    *, actor: Actor, consultation_id: Any, version: int | None, reason: str
) -> Consultation:
    consultation = consultation_find(actor=actor, consultation_id=consultation_id)
    if consultation.status != ConsultationStatus.BOOKED:
        raise ValidationFailed("Besøget er allerede lukket.", {"reason": ["Besøget er lukket."]})
    text = (reason or "").strip()[:300]
    if not text:
        raise ValidationFailed("Skriv en begrundelse.", {"reason": ["Skriv en begrundelse."]})
    with citizen_write(actor=actor, citizen=consultation.citizen, object_type=OBJECT_TYPE) as write:
        write.update(
            consultation,
            version=version,
            values={"status": ConsultationStatus.CANCELLED, "cancel_reason": text},
        )
        write.on_commit(_notify_cancelled(consultation))
    return consultation


def _citizen_own(citizen: Any, consultation_id: Any) -> Consultation:
    found = (
        Consultation.objects.filter(pk=parse_uuid(consultation_id), citizen=citizen)
        .select_for_update()
        .first()
    )
    if found is None:
        raise NotFound()
    if found.status != ConsultationStatus.BOOKED or found.ends_at <= timezone.now():
        raise ValidationFailed("Besøget kan ikke ændres.", {"starts_at": ["Besøget er lukket."]})
    return found


def consultation_cancel_by_citizen(*, citizen: Any, consultation_id: Any) -> Consultation:
    """The citizen cancels their own visit from their page (no staff actor: see README)."""
    with transaction.atomic(durable=True):
        consultation = _citizen_own(citizen, consultation_id)
        consultation.status = ConsultationStatus.CANCELLED
        consultation.cancel_reason = "Aflyst af borgeren"
        consultation.version += 1
        consultation.save(update_fields=["status", "cancel_reason", "version", "updated_at"])
        transaction.on_commit(_notify_cancelled(consultation))
    return consultation


def consultation_rebook_by_citizen(
    *, citizen: Any, consultation_id: Any, starts_at: dt.datetime | None
) -> Consultation:
    """The citizen moves their own visit to another time (same duration)."""
    with transaction.atomic(durable=True):
        consultation = _citizen_own(citizen, consultation_id)
        _when(starts_at, consultation.duration_minutes, timezone.now())
        assert starts_at is not None
        if starts_at < timezone.now() + dt.timedelta(hours=1):
            raise ValidationFailed(
                "For tæt på.", {"starts_at": ["Vælg et tidspunkt mindst en time fra nu."]}
            )
        consultation.starts_at = starts_at
        consultation.version += 1
        consultation.save(update_fields=["starts_at", "version", "updated_at"])

        class _Write:
            def on_commit(self, task: Any) -> None:
                transaction.on_commit(task)

        _reinvite_all(consultation, _Write())
    return consultation


# --- Guests: the link and the one-time code --------------------------------------------------


def guest_code_send(*, token: str) -> Participant:
    """Send a fresh one-time code to the guest's phone or e-mail (at most once a minute).
    MitID through the identity broker is meant to take this place behind the same steps."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        participant = guest_by_token(token=token, now=now)
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if not participant.contact:
            raise ValidationFailed(
                "Ingen kontakt.", {"code": ["Der er ingen mobil eller e-mail at sende koden til."]}
            )
        if participant.code_sent_at and now - participant.code_sent_at < CODE_RESEND_AFTER:
            return participant
        code = tokens.code_new()
        participant.code_hash = tokens.code_hash(participant_id=participant.pk, code=code)
        participant.code_sent_at = now
        participant.code_failures = 0
        participant.save(update_fields=["code_hash", "code_sent_at", "code_failures"])
        message = Notification(
            to=participant.contact,
            subject="Kode til skærmbesøg",
            body=f"Din kode til skærmbesøget er {code}. Den kan bruges én gang.",
            kind="code",
        )
        transaction.on_commit(lambda: notifier().send(message))
    return participant


def guest_verify(*, token: str, code: str, session_key: str) -> Participant:
    """Check the one-time code. Right: the guest is verified for this browser session (the
    code is spent). Wrong: counted; after five the code is void and a new one must be sent."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        participant = guest_by_token(token=token, now=now)
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.verified_at and participant.verified_session == session_key:
            return participant
        clean = (code or "").strip().replace(" ", "")
        if participant.code_failures >= tokens.CODE_MAX_FAILURES or not participant.code_hash:
            raise ValidationFailed(
                "Send en ny kode.", {"code": ["Koden er brugt op. Bed om en ny kode."]}
            )
        right = tokens.code_matches(
            participant_id=participant.pk, code=clean, stored=participant.code_hash
        )
        if right:
            participant.code_hash = ""  # one time only
            participant.verified_at = now
            participant.verified_session = session_key
            participant.save(update_fields=["code_hash", "verified_at", "verified_session"])
        else:
            # Counted in the committed transaction (a raise inside would roll the count back).
            participant.code_failures += 1
            participant.save(update_fields=["code_failures"])
    if not right:
        raise ValidationFailed("Forkert kode.", {"code": ["Koden er forkert."]})
    return participant


# --- The end of the visit: journal note and encounter class ----------------------------------


@citizen_write_service
def consultation_end(
    *,
    actor: Actor,
    consultation_id: Any,
    version: int | None,
    encounter_class: str,
    minutes: int | None,
    note: str,
) -> Consultation:
    """Close the visit: a journal note (template `skaermbesoeg-notat`, kontaktform
    Skærmbesøg or Telefonisk, duration, purpose, note) through the journal's own service, then
    the visit marked held with its encounter class and the note's id. Two durable writes: the
    journal note first (the record of what happened); should the second fail, the note stays
    and the visit can be closed again."""
    consultation = consultation_find(actor=actor, consultation_id=consultation_id)
    if consultation.status != ConsultationStatus.BOOKED:
        raise ValidationFailed("Besøget er lukket.", {"note": ["Besøget er allerede lukket."]})
    if consultation.booked_by_id != actor.staff.pk and consultation.unit_id != actor.unit.pk:
        raise Forbidden("Kun besøgets team kan afslutte det.")
    errors: dict[str, list[str]] = {}
    if encounter_class not in EncounterClass.values:
        errors["encounter_class"] = ["Vælg skærmbesøg eller telefonisk."]
    if minutes is None or not 1 <= minutes <= 600:
        errors["minutes"] = ["Skriv varigheden i minutter (1–600)."]
    if not (note or "").strip():
        errors["note"] = ["Skriv et notat om besøget."]
    if errors:
        raise ValidationFailed("Notatet kan ikke gemmes.", errors)
    entry = journal_services.entry_create(
        actor=actor,
        citizen_id=consultation.citizen_id,
        template_key=JOURNAL_TEMPLATE,
        template_version=None,
        data={
            "kontaktform": encounter_class,
            "varighed": minutes,
            "formaal": consultation.purpose,
            "notat": note.strip(),
        },
        refers_to=consultation.started_at or min(consultation.starts_at, timezone.now()),
    )
    with citizen_write(actor=actor, citizen=consultation.citizen, object_type=OBJECT_TYPE) as write:
        write.update(
            consultation,
            version=version,
            values={
                "status": ConsultationStatus.ENDED,
                "encounter_class": encounter_class,
                "ended_at": timezone.now(),
                "journal_entry_id": entry.pk,
            },
            logged=("status", "encounter_class", "journal_entry_id"),
        )
    return consultation
