"""Reads for video visits. One visit goes through the access gate (decided and logged);
lists across citizens use `visible_to` + `record_many`; the citizen's own page reads only the
citizen's own visits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from sammen.access import gate
from sammen.access.lists import record_many
from sammen.access.log import access_log_record_system
from sammen.access.models import Operation, Purpose
from sammen.consultations import tokens
from sammen.consultations.models import (
    Consultation,
    ConsultationStatus,
    EncounterClass,
    Participant,
    ParticipantKind,
)
from sammen.core.actor import Actor
from sammen.core.errors import NotFound
from sammen.core.ids import parse_uuid

OBJECT_TYPE = "consultation"
LINK_INVALID = "Linket er ugyldigt eller udløbet."


def consultation_find(*, actor: Actor, consultation_id: Any) -> Consultation:
    """The visit in the actor's municipality, before any policy check (services ask the
    policy through the write kernel). Missing and foreign alike: NotFound."""
    try:
        pk = parse_uuid(consultation_id)
    except NotFound:
        raise gate.unknown_id_logged(
            actor=actor, object_id=consultation_id, object_type=OBJECT_TYPE
        ) from None
    found = (
        Consultation.objects.for_municipality(actor.municipality)
        .select_related("citizen", "unit", "booked_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise gate.unknown_id_logged(actor=actor, object_id=pk, object_type=OBJECT_TYPE)
    return found


@dataclass(frozen=True)
class ConsultationPage:
    consultation: Consultation
    participants: list[Participant]
    access: gate.CitizenAccess


@transaction.atomic
def consultation_get(*, actor: Actor, consultation_id: Any) -> ConsultationPage:
    """One visit with its participants: decided and logged by the gate."""
    consultation = consultation_find(actor=actor, consultation_id=consultation_id)
    access = gate.citizen_read(
        actor=actor,
        citizen=consultation.citizen,
        operation=Operation.VIEW,
        object_type=OBJECT_TYPE,
    )
    participants = list(consultation.participants.select_related("staff"))
    return ConsultationPage(consultation=consultation, participants=participants, access=access)


@transaction.atomic
def consultation_list_upcoming(*, actor: Actor, day: dt.date | None = None) -> list[Consultation]:
    """Booked video visits from today (or `day`) on, of the citizens the actor has a care
    relation with; one access-log row per citizen shown."""
    start = timezone.make_aware(dt.datetime.combine(day or timezone.localdate(), dt.time.min))
    rows = (
        Consultation.objects.visible_to(actor, purpose=Purpose.CARE_RELATION)
        .filter(status=ConsultationStatus.BOOKED, starts_at__gte=start - dt.timedelta(hours=3))
        .select_related("citizen", "booked_by")
        .order_by("starts_at")
    )
    shown = list(rows[:100])
    record_many(actor=actor, rows=shown, object_type=OBJECT_TYPE)
    return shown


def consultations_of(access: gate.CitizenAccess) -> list[Consultation]:
    return list(
        Consultation.objects.filter(citizen_id=access.citizen_id)
        .select_related("booked_by")
        .order_by("-starts_at")[:20]
    )


def consultation_section_load(actor: Actor, citizen: Any) -> dict[str, Any]:
    """The section on the citizen page (already decided and logged by the page)."""
    if isinstance(citizen, gate.CitizenAccess) and citizen.logged and citizen.actor == actor:
        access = citizen
    else:
        access = gate.citizen_read(
            actor=actor, citizen=citizen, operation=Operation.VIEW, object_type=OBJECT_TYPE
        )
    return {"consultations": consultations_of(access), "citizen": access.citizen}


def consultation_list_for_citizen(*, citizen: Any) -> list[Consultation]:
    """The citizen's own page: past and upcoming video visits. The citizen's own look is
    logged (purpose citizen_self), as on the citizen's own access log."""
    rows = list(
        Consultation.objects.filter(citizen=citizen)
        .select_related("booked_by", "unit")
        .order_by("-starts_at")[:50]
    )
    access_log_record_system(
        municipality_id=citizen.municipality_id,
        citizen_ids=[citizen.pk],
        operation=Operation.VIEW,
        purpose=Purpose.CITIZEN_SELF,
        unit_name="Borgeren selv",
        object_type=OBJECT_TYPE,
    )
    return rows


def guest_by_token(*, token: str, now: dt.datetime | None = None) -> Participant:
    """The guest a link belongs to, while the link is open (15 minutes before the start to
    the end of the slot). An unknown, replaced or closed link: NotFound, saying nothing."""
    now = now or timezone.now()
    if not token or len(token) > 100:
        raise NotFound(LINK_INVALID)
    participant = (
        Participant.objects.select_related("consultation")
        .filter(token_hash=tokens.token_hash(token))
        .exclude(kind=ParticipantKind.STAFF)
        .first()
    )
    if participant is None or not participant.consultation.is_open(now):
        raise NotFound(LINK_INVALID)
    return participant


@transaction.atomic
def guest_get(*, token: str) -> Participant:
    """A guest's page (the link, the waiting room): what it shows of the citizen (first name,
    time) is logged without a staff member — the citizen's own look, or an invited guest's
    (relative, interpreter, outside clinician), by the invitation the staff made."""
    participant = guest_by_token(token=token)
    own = participant.kind == ParticipantKind.CITIZEN
    access_log_record_system(
        municipality_id=participant.municipality_id,
        citizen_ids=[participant.consultation.citizen_id],
        operation=Operation.VIEW,
        purpose=Purpose.CITIZEN_SELF if own else Purpose.CONSENT,
        unit_name="Borgeren selv" if own else f"Inviteret gæst: {participant.get_kind_display()}",
        object_type="consultation_guest",
    )
    return participant


@dataclass(frozen=True)
class ScreenVisitFigures:
    """Insight: visits held on screen, by encounter class, and transport time saved."""

    held: int
    screen: int
    phone: int
    minutes_saved: int


def screen_visit_figures(
    *, actor: Actor, since: dt.date, minutes_each_way: int
) -> ScreenVisitFigures:
    """Aggregates only (no citizen named): the held visits of the actor's municipality since
    `since`, and the transport time saved at `minutes_each_way` per trip, both ways. The
    address-to-service-place distance per citizen comes when care_plans knows the usual place
    of a service (README "Not done")."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    counts = (
        Consultation.objects.for_municipality(actor.municipality)
        .filter(status=ConsultationStatus.ENDED, ended_at__gte=start)
        .aggregate(
            held=Count("pk"),
            screen=Count("pk", filter=Q(encounter_class=EncounterClass.SCREEN)),
            phone=Count("pk", filter=Q(encounter_class=EncounterClass.PHONE)),
        )
    )
    held = int(counts["held"] or 0)
    return ScreenVisitFigures(
        held=held,
        screen=int(counts["screen"] or 0),
        phone=int(counts["phone"] or 0),
        minutes_saved=held * 2 * minutes_each_way,
    )
