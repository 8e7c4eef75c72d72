"""Writes of the home-care day.

- `visit_plan_generate`: the visit plan from granted services for a rolling horizon
  (system job; idempotent; never touches delivered, started or past visits).
- `visit_plan_after_write`: the write kernel calls it after a decision, follow-up, citizen
  status change or absence commits, so the citizen's plan follows at once.
- `visit_one_off_add`, `visit_assign`, `absence_record`: the team planner's writes.
- `delivery_record`: one delivery (leveret indsats), idempotent by the client's id; answers
  accepted / duplicate / conflict / refused with a Danish reason — the same answer for the
  one-tap button and for every item of an offline sync batch (`sync_batch`).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sammen.access import gate
from sammen.access.models import Operation
from sammen.access.writes import citizen_write, citizen_write_service
from sammen.care_plans.models import Service, ServiceStatus
from sammen.care_plans.selectors import VS_FFB_YDELSER, VS_INDSATSER, display
from sammen.citizens.models import Citizen, CitizenStatus
from sammen.core import presenters
from sammen.core.actor import Actor
from sammen.core.errors import Forbidden, NotFound, ValidationFailed
from sammen.core.ids import parse_uuid
from sammen.organisation.models import Municipality, StaffMember
from sammen.organisation.permissions import Permission, has_permission
from sammen.visits import plan
from sammen.visits.models import (
    Absence,
    AbsenceKind,
    CancelReason,
    Delivery,
    DeliveryLine,
    DeliveryOutcome,
    ServiceSchedule,
    Visit,
    VisitKind,
    VisitService,
    VisitStatus,
)
from sammen.visits.reasons import BY_KEY

log = logging.getLogger(__name__)

HORIZON_DAYS = 14
WINDOW_MINUTES = 30
NOTE_MAX = 5000
TITLE_MAX = 200
CLOCK_SKEW = dt.timedelta(minutes=5)
BATCH_MAX = 100
VISIT_MISSING = "Besøget findes ikke."
VISIT_OTHER_TEAM = "Besøget hører til et andet team."
# Object types of writes the plan is derived from (access.writes after-write listeners).
PLAN_SOURCES = ("care_decision", "care_follow_up", "citizen", "visit_absence")


def _late_sync_days() -> int:
    return int(getattr(settings, "SAMMEN_VISIT_LATE_SYNC_DAYS", 3))


def _tz() -> dt.tzinfo:
    return timezone.get_current_timezone()


def _at(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=_tz())


# --- The visit plan -------------------------------------------------------------------------


@dataclass
class PlanResult:
    created: int = 0
    cancelled: int = 0
    updated: int = 0
    removed: int = 0

    def add(self, other: PlanResult) -> None:
        self.created += other.created
        self.cancelled += other.cancelled
        self.updated += other.updated
        self.removed += other.removed


@dataclass
class _Want:
    citizen_id: uuid.UUID
    unit_id: uuid.UUID
    day: dt.date
    slot: int
    start: dt.datetime
    window: int
    minutes: int
    code: str
    title: str
    instructions: str
    double: bool


def _title(code: str) -> str:
    return display(code, VS_INDSATSER, VS_FFB_YDELSER)[:TITLE_MAX]


def visit_plan_generate(
    *,
    municipality: Municipality,
    citizen_ids: Iterable[uuid.UUID] | None = None,
    start: dt.date | None = None,
    days: int = HORIZON_DAYS,
    batch: int = 500,
) -> PlanResult:
    """Make the planned visits of granted services from `start` (today) for `days` days and
    reconcile them with what is planned: new occurrences get a visit, changed ones are
    updated, occurrences no longer granted (service ended, decision changed, citizen admitted,
    dead or moved away) leave their visit, which is cancelled with the reason when nothing is
    left in it. Delivered, started (window begun) and past visits are never touched."""
    start = start or timezone.localdate()
    if citizen_ids is None:
        ids = list(
            Service.objects.filter(municipality=municipality)
            .filter(Q(granted_to__isnull=True) | Q(granted_to__gte=start))
            .values_list("citizen_id", flat=True)
            .distinct()
        )
        ids += list(
            Visit.objects.filter(
                municipality=municipality, day__gte=start, status=VisitStatus.PLANNED
            )
            .values_list("citizen_id", flat=True)
            .distinct()
        )
        ids = list(dict.fromkeys(ids))
    else:
        ids = list(dict.fromkeys(citizen_ids))
    result = PlanResult()
    for i in range(0, len(ids), batch):
        with transaction.atomic():
            result.add(_generate_batch(municipality, ids[i : i + batch], start, days))
    return result


def _generate_batch(
    municipality: Municipality, ids: Sequence[uuid.UUID], start: dt.date, days: int
) -> PlanResult:
    end = start + dt.timedelta(days=days)
    now = timezone.now()
    status = dict(
        Citizen.objects.filter(municipality=municipality, pk__in=ids).values_list("pk", "status")
    )
    absences: dict[uuid.UUID, list[Absence]] = defaultdict(list)
    for absence in Absence.objects.filter(
        municipality=municipality, citizen_id__in=ids, starts_on__lt=end
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start)):
        absences[absence.citizen_id].append(absence)
    services = list(
        Service.objects.filter(
            municipality=municipality,
            citizen_id__in=ids,
            status=ServiceStatus.GRANTED,
            provider_unit__isnull=False,
            granted_from__lt=end,
        ).filter(Q(granted_to__isnull=True) | Q(granted_to__gte=start))
    )
    schedules = {
        s.service_id: s
        for s in ServiceSchedule.objects.filter(service_id__in=[s.pk for s in services])
    }

    def away(citizen_id: uuid.UUID, day: dt.date) -> str:
        st = status.get(citizen_id)
        if st == CitizenStatus.DECEASED:
            return CancelReason.DECEASED
        if st == CitizenStatus.MOVED_AWAY:
            return CancelReason.MOVED_AWAY
        for a in absences.get(citizen_id, ()):
            if a.starts_on <= day and (a.ends_on is None or day <= a.ends_on):
                return (
                    CancelReason.ADMITTED if a.kind == AbsenceKind.ADMITTED else CancelReason.AWAY
                )
        return ""

    wanted: dict[tuple[uuid.UUID, dt.date, int], _Want] = {}
    titles: dict[str, str] = {}
    for s in services:
        sched = schedules.get(s.pk)
        rule = plan.Rule(
            times=s.times,
            per=s.per,
            weekdays=tuple(s.weekdays or ()),
            granted_from=s.granted_from,
            granted_to=s.granted_to,
            times_of_day=tuple(sched.times_of_day) if sched else (),
        )
        if s.code not in titles:
            titles[s.code] = _title(s.code)
        for occ in plan.occurrences(rule, start, days):
            begins = _at(occ.day, occ.at)
            if begins <= now or away(s.citizen_id, occ.day):
                continue
            wanted[(s.pk, occ.day, occ.slot)] = _Want(
                citizen_id=s.citizen_id,
                unit_id=s.provider_unit_id,  # type: ignore[arg-type]
                day=occ.day,
                slot=occ.slot,
                start=begins,
                window=sched.window_minutes if sched else WINDOW_MINUTES,
                minutes=s.minutes,
                code=s.code,
                title=titles[s.code],
                instructions=s.instructions,
                double=s.double_staffing,
            )
    result = PlanResult()
    existing = list(
        VisitService.objects.filter(
            municipality=municipality,
            citizen_id__in=ids,
            day__gte=start,
            day__lt=end,
            service__isnull=False,
        ).select_related("visit")
    )
    # Visits we may change: planned, not begun.
    open_visits: dict[tuple[uuid.UUID, uuid.UUID, dt.datetime], Visit] = {}
    for v in Visit.objects.filter(
        municipality=municipality,
        citizen_id__in=ids,
        day__gte=start,
        day__lt=end,
        status=VisitStatus.PLANNED,
        kind=VisitKind.PLANNED,
        window_start__gt=now - dt.timedelta(hours=4),
    ):
        open_visits[(v.citizen_id, v.unit_id, v.window_start + _half(v))] = v
    touched: dict[uuid.UUID, Visit] = {}
    gone: list[uuid.UUID] = []
    ended = {s.pk for s in services}
    for vs in existing:
        if vs.service_id is None:
            continue
        key = (vs.service_id, vs.day, vs.slot)
        want = wanted.pop(key, None)
        v = vs.visit
        mutable = v.status == VisitStatus.PLANNED and v.window_start > now
        if not mutable:
            continue  # delivered, begun or past: kept as it was
        if want is None or want.unit_id != v.unit_id or want.start != v.window_start + _half(v):
            gone.append(vs.pk)
            touched[v.pk] = v
            if want is not None:
                wanted[key] = want  # re-planned into another visit below
            else:
                v._cancel_reason = away(v.citizen_id, v.day) or (  # type: ignore[attr-defined]
                    CancelReason.PLAN_CHANGED
                    if vs.service_id in ended
                    else CancelReason.SERVICE_ENDED
                )
            continue
        if (vs.minutes, vs.instructions, vs.title) != (want.minutes, want.instructions, want.title):
            vs.minutes, vs.instructions, vs.title = want.minutes, want.instructions, want.title
            vs.save(update_fields=["minutes", "instructions", "title", "updated_at"])
            touched[v.pk] = v
            result.updated += 1
    if gone:
        result.removed = VisitService.objects.filter(pk__in=gone).delete()[0]
    new_visits: list[Visit] = []
    new_services: list[VisitService] = []
    for (service_id, day, slot), want in wanted.items():
        key2 = (want.citizen_id, want.unit_id, want.start)
        found = open_visits.get(key2)
        if found is not None:
            v = found
            touched[v.pk] = v
        else:
            window = dt.timedelta(minutes=want.window)
            v = Visit(
                municipality=municipality,
                citizen_id=want.citizen_id,
                unit_id=want.unit_id,
                day=day,
                window_start=want.start - window,
                window_end=want.start + window,
                minutes=0,
                kind=VisitKind.PLANNED,
            )
            open_visits[key2] = v
            new_visits.append(v)
        new_services.append(
            VisitService(
                municipality=municipality,
                visit=v,
                citizen_id=want.citizen_id,
                service_id=service_id,
                day=day,
                slot=slot,
                code=want.code,
                title=want.title,
                minutes=want.minutes,
                instructions=want.instructions,
            )
        )
        v.minutes += want.minutes
        v.double_staffing = v.double_staffing or want.double
    Visit.objects.bulk_create(new_visits, batch_size=1000)
    VisitService.objects.bulk_create(new_services, batch_size=1000)
    result.created = len(new_visits)
    # Recount the visits whose services changed; an emptied one is cancelled with its reason.
    if touched:
        rows = VisitService.objects.filter(visit_id__in=list(touched)).values_list(
            "visit_id", "minutes"
        )
        minutes: dict[uuid.UUID, int] = defaultdict(int)
        for visit_id, m in rows:
            minutes[visit_id] += m
        for v in touched.values():
            if v.pk in minutes:
                Visit.objects.filter(pk=v.pk).update(
                    minutes=minutes[v.pk], status=VisitStatus.PLANNED, cancel_reason=""
                )
            else:
                reason = getattr(v, "_cancel_reason", "") or CancelReason.PLAN_CHANGED
                Visit.objects.filter(pk=v.pk, status=VisitStatus.PLANNED).update(
                    status=VisitStatus.CANCELLED, cancel_reason=reason, updated_at=now
                )
                result.cancelled += 1
    return result


def _half(v: Visit) -> dt.timedelta:
    return (v.window_end - v.window_start) / 2


def visit_plan_after_write(actor: Actor, citizen_ids: list[uuid.UUID], object_type: str) -> None:
    """After-write listener: the citizens' plans follow a decision, follow-up, status change or
    absence at once (the nightly `visits_plan` command repairs anything missed)."""
    visit_plan_generate(municipality=actor.municipality, citizen_ids=citizen_ids)


# --- The team planner's writes ----------------------------------------------------------------


def plan_require(*, actor: Actor) -> None:
    if not has_permission(actor, Permission.VISIT_PLAN):
        raise Forbidden("Din rolle kan ikke planlægge besøg.")


def _visit_for_write(actor: Actor, visit_id: Any) -> Visit:
    try:
        pk = parse_uuid(visit_id)
    except (ValueError, TypeError, NotFound):
        raise NotFound("Besøget findes ikke.") from None
    visit = (
        Visit.objects.for_municipality(actor.municipality)
        .select_related("citizen")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise NotFound("Besøget findes ikke.")
    return visit


def _staff_of(actor: Actor, staff_id: Any, field: str) -> StaffMember | None:
    if not staff_id:
        return None
    try:
        pk = parse_uuid(staff_id)
    except (ValueError, TypeError, NotFound):
        pk = None
    staff = (
        StaffMember.objects.for_municipality(actor.municipality).filter(pk=pk).first()
        if pk
        else None
    )
    if staff is None:
        raise ValidationFailed(field_errors={field: ["Medarbejderen findes ikke i kommunen."]})
    return staff


@citizen_write_service
def visit_assign(
    *,
    actor: Actor,
    visit_id: Any,
    staff_id: Any,
    second_staff_id: Any = None,
    sequence: int | None = None,
    version: int | None = None,
) -> Visit:
    """The team planner assigns a visit to a staff member (and a second one when the visit
    needs double staffing). The route planner will fill the same fields later."""
    plan_require(actor=actor)
    visit = _visit_for_write(actor, visit_id)
    staff = _staff_of(actor, staff_id, "staff_id")
    second = _staff_of(actor, second_staff_id, "second_staff_id")
    errors: dict[str, list[str]] = {}
    if visit.is_done or visit.status == VisitStatus.CANCELLED:
        errors["staff_id"] = ["Besøget er afsluttet og kan ikke fordeles igen."]
    if staff is not None and second is not None and staff.pk == second.pk:
        errors["second_staff_id"] = ["Vælg to forskellige medarbejdere."]
    if second is not None and not visit.double_staffing:
        errors["second_staff_id"] = ["Besøget kræver ikke dobbeltbemanding."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)
    values: dict[str, Any] = {"assigned_to": staff, "second_assigned_to": second}
    if sequence is not None:
        values["sequence"] = max(0, sequence)
    with citizen_write(actor=actor, citizen=visit.citizen, object_type="visit") as write:
        if not write.update(
            visit,
            version=version,
            values=values,
            logged=["assigned_to", "second_assigned_to"],
        ):
            write.unchanged()
    return visit


@dataclass(frozen=True, kw_only=True)
class OneOffInput:
    citizen_id: Any
    day: dt.date | None
    at: dt.time | None
    minutes: int | None
    title: str
    kind: str = VisitKind.ACUTE
    note: str = ""
    staff_id: Any = None


@citizen_write_service
def visit_one_off_add(*, actor: Actor, data: OneOffInput) -> Visit:
    """An akut or ikke-bevilget visit, added by hand for the planner's own team."""
    if not (
        has_permission(actor, Permission.VISIT_PLAN)
        or has_permission(actor, Permission.VISIT_DELIVER)
    ):
        raise Forbidden("Din rolle kan ikke oprette besøg.")
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if data.kind not in (VisitKind.ACUTE, VisitKind.UNGRANTED):
        errors["kind"] = ["Vælg akut eller ikke-bevilget besøg."]
    if data.day is None:
        errors["day"] = ["Vælg dagen."]
    elif data.day < today:
        errors["day"] = ["Et nyt besøg kan ikke ligge i fortiden."]
    elif data.day > today + dt.timedelta(days=HORIZON_DAYS * 4):
        errors["day"] = ["Højst 8 uger frem."]
    if data.at is None:
        errors["at"] = ["Skriv klokkeslættet."]
    if data.minutes is None or not 1 <= data.minutes <= 480:
        errors["minutes"] = ["Varigheden skal være mellem 1 og 480 minutter."]
    title = (data.title or "").strip()
    if not title:
        errors["title"] = ["Skriv hvad besøget gælder."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"Højst {TITLE_MAX} tegn."]
    note = (data.note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Højst {NOTE_MAX} tegn."]
    staff = _staff_of(actor, data.staff_id, "staff_id") if data.staff_id else None
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)
    if data.day is None or data.at is None or data.minutes is None:  # for the type checker
        raise ValidationFailed("Udfyld dag, klokkeslæt og varighed.")
    access = gate.citizen_open(
        actor=actor,
        citizen_id=data.citizen_id,
        operation=Operation.CREATE,
        object_type="visit",
        log=False,
    )
    begins = _at(data.day, data.at)
    window = dt.timedelta(minutes=WINDOW_MINUTES)
    with citizen_write(
        actor=actor,
        citizen=access.citizen,
        decision=access,
        operation=Operation.CREATE,
        object_type="visit",
    ) as write:
        visit = Visit.objects.create(
            municipality=actor.municipality,
            citizen=access.citizen,
            unit=actor.unit,
            day=data.day,
            window_start=begins - window,
            window_end=begins + window,
            minutes=data.minutes,
            kind=data.kind,
            assigned_to=staff,
            note=note,
        )
        VisitService.objects.create(
            municipality=actor.municipality,
            visit=visit,
            citizen=access.citizen,
            day=data.day,
            title=title,
            minutes=data.minutes,
        )
        write.created(
            visit,
            logged={"kind": data.kind, "day": data.day, "title": title, "minutes": data.minutes},
        )
    return visit


@citizen_write_service
def absence_record(
    *,
    actor: Actor,
    citizen_id: Any,
    kind: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> Absence:
    """The citizen is admitted to hospital or away: the visits in the period are cancelled
    (after the commit, by the plan), and come back when the absence ends."""
    if not (
        has_permission(actor, Permission.VISIT_PLAN)
        or has_permission(actor, Permission.VISIT_DELIVER)
    ):
        raise Forbidden("Din rolle kan ikke registrere fravær.")
    errors: dict[str, list[str]] = {}
    if kind not in AbsenceKind.values:
        errors["kind"] = ["Vælg indlagt eller bortrejst."]
    if starts_on is None:
        errors["starts_on"] = ["Skriv fra hvilken dag."]
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = ["Slutdatoen ligger før startdatoen."]
    if errors or starts_on is None:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)
    access = gate.citizen_open(
        actor=actor,
        citizen_id=citizen_id,
        operation=Operation.CREATE,
        object_type="visit_absence",
        log=False,
    )
    with citizen_write(
        actor=actor,
        citizen=access.citizen,
        decision=access,
        operation=Operation.CREATE,
        object_type="visit_absence",
    ) as write:
        absence = Absence.objects.create(
            municipality=actor.municipality,
            citizen=access.citizen,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            recorded_by=actor.staff,
        )
        write.created(absence, logged={"kind": kind, "starts_on": starts_on, "ends_on": ends_on})
    return absence


# --- Delivery ---------------------------------------------------------------------------------


class Answer:
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REFUSED = "refused"


@dataclass(frozen=True, kw_only=True)
class DeliveryInput:
    client_id: Any
    visit_id: Any
    outcome: str = DeliveryOutcome.DELIVERED
    reason_code: str = ""
    note: str = ""
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    recorded_at: dt.datetime | None = None
    # {visit_service id: reason key} for services of the visit NOT delivered (partial).
    not_delivered: dict[str, str] = field(default_factory=dict)
    offline: bool = False


@dataclass(frozen=True)
class DeliveryAnswer:
    client_id: str
    result: str
    reason: str = ""
    field: str = ""
    delivery_id: str = ""
    visit_id: str = ""


def _refuse(data: DeliveryInput, reason: str, name: str = "") -> DeliveryAnswer:
    return DeliveryAnswer(
        client_id=str(data.client_id),
        result=Answer.REFUSED,
        reason=reason,
        field=name,
        visit_id=str(data.visit_id),
    )


def _who(staff: StaffMember) -> str:
    return f"{staff.first_name} {staff.last_name}".strip()


def _existing(actor: Actor, client_id: uuid.UUID, data: DeliveryInput) -> DeliveryAnswer | None:
    found = (
        Delivery.objects.filter(municipality=actor.municipality, client_id=client_id)
        .only("pk", "staff_id", "visit_id")
        .first()
    )
    if found is None:
        return None
    if found.staff_id != actor.staff.pk:
        return _refuse(data, "Id'et tilhører en anden medarbejders registrering.", "client_id")
    return DeliveryAnswer(
        client_id=str(client_id),
        result=Answer.DUPLICATE,
        reason="Registreringen var allerede gemt.",
        delivery_id=str(found.pk),
        visit_id=str(found.visit_id),
    )


@citizen_write_service
def delivery_record(*, actor: Actor, data: DeliveryInput) -> DeliveryAnswer:
    """Record that a visit was delivered (or partly, or not, with a reason). A client id
    already stored answers `duplicate` (nothing stored twice); a visit a colleague has already
    registered, or one cancelled since, answers `conflict` with what happened — never an
    overwrite; bad input answers `refused` with the Danish reason."""
    if not has_permission(actor, Permission.VISIT_DELIVER):
        raise Forbidden("Din rolle kan ikke registrere levering af besøg.")
    try:
        client_id = parse_uuid(data.client_id)
    except (ValueError, TypeError, NotFound):
        return _refuse(data, "Registreringen mangler et gyldigt id.", "client_id")
    seen = _existing(actor, client_id, data)
    if seen is not None:
        return seen
    try:
        visit_pk = parse_uuid(data.visit_id)
    except (ValueError, TypeError, NotFound):
        return _refuse(data, VISIT_MISSING, "visit_id")
    visit = (
        Visit.objects.for_municipality(actor.municipality)
        .select_related("citizen")
        .filter(pk=visit_pk)
        .first()
    )
    if visit is None:
        return _refuse(data, VISIT_MISSING, "visit_id")
    mine = actor.staff.pk in (visit.assigned_to_id, visit.second_assigned_to_id)
    if not mine and visit.unit_id != actor.unit.pk:
        return _refuse(data, VISIT_OTHER_TEAM, "visit_id")
    now = timezone.now()
    started = data.started_at or now
    ended = data.ended_at or started
    recorded = data.recorded_at or now
    if started > now + CLOCK_SKEW or ended > now + CLOCK_SKEW:
        return _refuse(data, "Tidspunktet ligger i fremtiden.", "started_at")
    if ended < started:
        return _refuse(data, "Sluttidspunktet ligger før starttidspunktet.", "ended_at")
    if timezone.localtime(started).date() != visit.day:
        return _refuse(data, "Besøget er planlagt til en anden dag.", "started_at")
    if now - started > dt.timedelta(days=_late_sync_days()):
        return _refuse(
            data,
            f"Registreringen er mere end {_late_sync_days()} dage gammel. "
            "Giv din leder besked, så den kan registreres manuelt.",
            "started_at",
        )
    note = (data.note or "").strip()
    if len(note) > NOTE_MAX:
        return _refuse(data, f"Notatet er for langt (højst {NOTE_MAX} tegn).", "note")
    if data.outcome not in DeliveryOutcome.values:
        return _refuse(data, "Vælg leveret, delvist leveret eller ikke leveret.", "outcome")
    reason = (data.reason_code or "").strip()
    if data.outcome == DeliveryOutcome.NOT_DELIVERED and reason not in BY_KEY:
        return _refuse(data, "Vælg hvorfor besøget ikke blev leveret.", "reason_code")
    if data.outcome != DeliveryOutcome.NOT_DELIVERED and reason and reason not in BY_KEY:
        return _refuse(data, "Begrundelsen findes ikke.", "reason_code")
    services = list(VisitService.objects.filter(visit=visit))
    by_id = {str(s.pk): s for s in services}
    missing = dict(data.not_delivered or {})
    if data.outcome == DeliveryOutcome.PARTLY:
        if not missing:
            return _refuse(data, "Vælg hvilke indsatser der ikke blev leveret.", "not_delivered")
        if any(k not in by_id for k in missing):
            return _refuse(data, "En valgt indsats hører ikke til besøget.", "not_delivered")
        if any(v not in BY_KEY for v in missing.values()):
            return _refuse(data, "Vælg hvorfor indsatsen ikke blev leveret.", "not_delivered")
    if visit.status == VisitStatus.CANCELLED:
        return DeliveryAnswer(
            client_id=str(client_id),
            result=Answer.CONFLICT,
            reason="Besøget er aflyst, efter at kørelisten blev hentet: "
            + str(CancelReason(visit.cancel_reason).label if visit.cancel_reason else ""),
            visit_id=str(visit.pk),
        )
    status = {
        DeliveryOutcome.DELIVERED: VisitStatus.DELIVERED,
        DeliveryOutcome.PARTLY: VisitStatus.PARTLY,
        DeliveryOutcome.NOT_DELIVERED: VisitStatus.NOT_DELIVERED,
    }[DeliveryOutcome(data.outcome)]
    # Delivering is documenting the visit (not changing the citizen's master data): the
    # care relation decides, as for a journal note.
    decision = gate.citizen_read(
        actor=actor,
        citizen=visit.citizen,
        operation=Operation.CREATE,
        object_type="visit_delivery",
        log=False,
    )
    try:
        with citizen_write(
            actor=actor,
            citizen=visit.citizen,
            decision=decision,
            operation=Operation.CREATE,
            object_type="visit_delivery",
        ) as write:
            write.lock(visit, version=None)
            if visit.status != VisitStatus.PLANNED:
                raise _AlreadyDone()
            delivery = Delivery.objects.create(
                municipality=actor.municipality,
                client_id=client_id,
                visit=visit,
                citizen=visit.citizen,
                staff=actor.staff,
                unit=actor.unit,
                outcome=data.outcome,
                reason_code=reason,
                note=note,
                started_at=started,
                ended_at=ended,
                recorded_at=recorded,
                offline=data.offline,
            )
            DeliveryLine.objects.bulk_create(
                [
                    DeliveryLine(
                        municipality=actor.municipality,
                        delivery=delivery,
                        visit_service=s,
                        citizen=visit.citizen,
                        delivered=(
                            data.outcome == DeliveryOutcome.DELIVERED
                            or (data.outcome == DeliveryOutcome.PARTLY and str(s.pk) not in missing)
                        ),
                        reason_code=(
                            reason
                            if data.outcome == DeliveryOutcome.NOT_DELIVERED
                            else missing.get(str(s.pk), "")
                        ),
                    )
                    for s in services
                ]
            )
            write.created(
                delivery,
                logged={
                    "outcome": data.outcome,
                    "reason_code": reason,
                    "started_at": started,
                    "ended_at": ended,
                    "offline": data.offline,
                },
            )
            write.update(visit, version=None, values={"status": status})
    except _AlreadyDone:
        return _conflict_done(actor, client_id, visit)
    except IntegrityError:
        # A concurrent request stored the same client id (lost response, retried) or another
        # device delivered the visit in the same instant.
        seen = _existing(actor, client_id, data)
        if seen is not None:
            return seen
        return _conflict_done(actor, client_id, visit)
    return DeliveryAnswer(
        client_id=str(client_id),
        result=Answer.ACCEPTED,
        delivery_id=str(delivery.pk),
        visit_id=str(visit.pk),
    )


class _AlreadyDone(Exception):
    pass


def _conflict_done(actor: Actor, client_id: uuid.UUID, visit: Visit) -> DeliveryAnswer:
    other = Delivery.objects.filter(visit=visit).select_related("staff").first()
    if other is None:
        text = "Besøget er allerede registreret."
    else:
        when = presenters.time_text(other.started_at)
        text = (
            f"{_who(other.staff)} har allerede registreret besøget "
            f"({other.get_outcome_display().lower()} kl. {when}). Din registrering er ikke gemt."
        )
    return DeliveryAnswer(
        client_id=str(client_id), result=Answer.CONFLICT, reason=text, visit_id=str(visit.pk)
    )


def sync_batch(*, actor: Actor, items: Sequence[DeliveryInput]) -> list[DeliveryAnswer]:
    """An offline queue: each item on its own (its own transaction, its own answer), in order.
    Nothing is lost: every item gets an answer the device keeps showing until it is read."""
    if len(items) > BATCH_MAX:
        raise ValidationFailed(
            f"Højst {BATCH_MAX} registreringer ad gangen.", {"items": ["For mange."]}
        )
    answers = []
    for item in items:
        try:
            answers.append(delivery_record(actor=actor, data=item))
        except (Forbidden, NotFound) as error:
            answers.append(_refuse(item, str(error) or "Ingen adgang."))
    return answers
