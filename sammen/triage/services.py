"""Writes of early detection: a set of observations (scored at once), a correction, a change
form, the triage colour and its review, follow-up tasks. Every write goes through the write
kernel (`access.writes.citizen_write`): the policy once (the gate logs a refusal), one durable
transaction with the change-log and access-log rows, the SMS only after the commit.

A score or a change form may *raise* the colour by itself (who measured, why, when are kept
in the assessment); lowering it, or confirming it, is a review by someone who holds
`triage_assess`. A colour never expires: when its review is due it stays, marked overdue.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sammen.access import gate
from sammen.access.models import Operation
from sammen.access.writes import CitizenWrite, citizen_write, citizen_write_service
from sammen.citizens.models import Citizen, Responsibility
from sammen.core.actor import Actor
from sammen.core.errors import Forbidden, NotFound, ValidationFailed
from sammen.core.ids import parse_uuid
from sammen.organisation.models import Membership, Role, StaffMember
from sammen.organisation.permissions import Permission, has_permission
from sammen.triage import catalogue, notify, scoring
from sammen.triage.models import (
    ChangeReport,
    CitizenTriage,
    Colour,
    FollowUpTask,
    Kind,
    Notification,
    Observation,
    Oxygen,
    Reason,
    ReportSource,
    ScaleTwoDecision,
    ScoreRecord,
    Site,
    Status,
    TriageAssessment,
)
from sammen.triage.selectors import scale_two_documented
from sammen.triage.values import measured_at_clean, number_parse, set_clean, value_check

OBJECT_TYPE = "triage"
FUTURE_SLACK = dt.timedelta(minutes=10)
TEXT_MAX = 1000
SCORE_KINDS = (
    Kind.PULSE,
    Kind.RESPIRATION,
    Kind.TEMPERATURE,
    Kind.SYSTOLIC,
    Kind.SPO2,
    Kind.CONSCIOUSNESS,
)
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def _require(actor: Actor, permission: Permission, what: str) -> None:
    if not has_permission(actor, permission):
        role = actor.membership.get_role_display()
        raise Forbidden(f"Rollen {role} kan ikke {what}.")


def _open(actor: Actor, citizen_id: Any) -> gate.CitizenAccess:
    return gate.citizen_open(
        actor=actor,
        citizen_id=citizen_id,
        operation=Operation.CREATE,
        object_type=OBJECT_TYPE,
        log=False,
    )


# --- scoring on save ---------------------------------------------------------------------------


def _heads(citizen_id: Any) -> Any:
    """Valid observations nothing replaces (the current version of each)."""
    return Observation.objects.filter(
        citizen_id=citizen_id, status=Status.VALID, replaced_by__isnull=True
    )


def _readings_at(citizen_id: Any, at: dt.datetime) -> tuple[dict[str, scoring.Reading], int]:
    """The newest reading of each scored parameter measured up to `at` (one query), and the
    SpO2 scale of the newest SpO2."""
    since = at - scoring.rules_load().freshness - dt.timedelta(days=7)
    rows = (
        _heads(citizen_id)
        .filter(kind__in=SCORE_KINDS, measured_at__lte=at, measured_at__gte=since)
        .order_by("kind", "-measured_at", "-created_at")
    )
    readings: dict[str, scoring.Reading] = {}
    scale = 1
    for obs in rows:
        if obs.kind in readings:
            continue
        if obs.kind == Kind.CONSCIOUSNESS:
            readings[obs.kind] = scoring.Reading(obs.code, obs.measured_at)
            continue
        assert obs.value is not None
        readings[obs.kind] = scoring.Reading(obs.value, obs.measured_at, obs.site)
        if obs.kind == Kind.SPO2:
            scale = obs.spo2_scale or 1
            if obs.oxygen:
                readings[scoring.OXYGEN] = scoring.Reading(obs.oxygen, obs.measured_at)
    return readings, scale


@dataclass(frozen=True)
class SetSaved:
    citizen: Citizen
    set_id: uuid.UUID
    observations: list[Observation]
    tobs: scoring.ScoreResult
    news2: scoring.ScoreResult
    raised_to: str | None  # the colour the set raised the citizen to, if any


def _score_records(
    write: CitizenWrite,
    actor: Actor,
    citizen: Citizen,
    set_id: uuid.UUID,
    at: dt.datetime,
    kinds: set[str],
) -> tuple[scoring.ScoreResult, scoring.ScoreResult, list[ScoreRecord]]:
    readings, scale = _readings_at(citizen.pk, at)
    tobs = scoring.tobs_score(readings, at=at)
    try:
        news2 = scoring.news2_score(
            readings,
            at=at,
            spo2_scale=scale,
            scale_two_documented=scale == 2 and scale_two_documented(citizen.pk),
        )
    except scoring.ScaleTwoNotDocumented:  # the decision was withdrawn since: use scale 1
        news2 = scoring.news2_score(readings, at=at)
    records = []
    rules = scoring.rules_load()
    for result, params in ((tobs, rules.tobs_parameters), (news2, rules.news2_parameters)):
        if not kinds & set(params):
            continue
        record = ScoreRecord(
            municipality=actor.municipality,
            citizen=citizen,
            set_id=set_id,
            system=result.system,
            total=result.total,
            known=result.known,
            colour=result.colour or "",
            action=result.action,
            missing=[*result.missing, *result.stale],
            scored_at=at,
            rules_version=result.rules_version,
            author=actor.staff,
        )
        record.save()
        write.record(
            record,
            action="create",
            changes={"system": [None, result.system], "total": [None, result.total]},
        )
        records.append(record)
    return tobs, news2, records


def _review_due(colour: str, at: dt.datetime) -> dt.datetime | None:
    hours = catalogue.triage_rules().review_hours.get(colour)
    return at + dt.timedelta(hours=hours) if hours else None


def _nurses_responsible(citizen: Citizen, today: dt.date) -> list[StaffMember]:
    units = Responsibility.objects.filter(citizen=citizen, since__lte=today).filter(
        Q(until__isnull=True) | Q(until__gte=today)
    )
    ids = Membership.objects.filter(
        unit_id__in=units.values("unit_id"), role=Role.NURSE, staff__is_active=True
    ).values("staff_id")
    return list(StaffMember.objects.filter(pk__in=ids))


def _assess(
    write: CitizenWrite,
    *,
    actor: Actor,
    citizen: Citizen,
    colour: str,
    reason: str,
    text: str,
    at: dt.datetime,
    score: ScoreRecord | None = None,
    change_report: ChangeReport | None = None,
    version: int | None = None,
) -> TriageAssessment:
    assessment = TriageAssessment(
        municipality=actor.municipality,
        citizen=citizen,
        colour=colour,
        reason=reason,
        text=text[:TEXT_MAX],
        score=score,
        change_report=change_report,
        set_by=actor.staff,
        role=actor.role,
        set_at=at,
        review_due=_review_due(colour, at),
    )
    assessment.save()
    current = CitizenTriage.objects.filter(citizen=citizen).first()
    if current is None:
        current = CitizenTriage.objects.create(
            municipality=actor.municipality,
            citizen=citizen,
            assessment=assessment,
            colour=colour,
            review_due=assessment.review_due,
        )
        write.created(current, logged={"colour": colour, "reason": reason})
    else:
        write.update(
            current,
            version=version,
            values={
                "assessment": assessment,
                "colour": colour,
                "review_due": assessment.review_due,
            },
            logged=("colour", "review_due"),
        )
    if colour == Colour.RED:
        _notify_red(write, actor=actor, citizen=citizen, reason=text)
    return assessment


def _notify_red(write: CitizenWrite, *, actor: Actor, citizen: Citizen, reason: str) -> None:
    nurses = [n for n in _nurses_responsible(citizen, timezone.localdate()) if n != actor.staff]
    text = f"{citizen.full_name} er rød: {reason}"[:300]
    Notification.objects.bulk_create(
        [
            Notification(
                municipality=actor.municipality, citizen=citizen, recipient=nurse, text=text
            )
            for nurse in nurses
        ]
    )
    ids = [uuid.UUID(str(n.pk)) for n in nurses]

    def sms() -> None:
        for staff_id in ids:
            notify.sms_notifier().send(
                staff_id=staff_id, text="Sammen: en borger i dit team er rød. Se tavlen."
            )

    write.on_commit(sms)


def _raise_if_worse(
    write: CitizenWrite,
    *,
    actor: Actor,
    citizen: Citizen,
    suggested: str | None,
    reason: str,
    text: str,
    at: dt.datetime,
    score: ScoreRecord | None = None,
    change_report: ChangeReport | None = None,
) -> str | None:
    if not suggested or suggested == Colour.GREEN:
        return None
    current = CitizenTriage.objects.filter(citizen=citizen).first()
    if current and scoring.colour_rank(current.colour) >= scoring.colour_rank(suggested):
        return None
    _assess(
        write,
        actor=actor,
        citizen=citizen,
        colour=suggested,
        reason=reason,
        text=text,
        at=at,
        score=score,
        change_report=change_report,
    )
    return suggested


@citizen_write_service
def observations_record(
    *,
    actor: Actor,
    citizen_id: Any,
    values: Mapping[str, Any],
    site: str = "",
    oxygen: str = "",
    spo2_scale: int = 1,
    measured_at: dt.datetime | None = None,
    confirmed: bool = False,
) -> SetSaved:
    """Save a set of values measured together, score it (TOBS and NEWS2 from the newest values
    within the freshness window), and raise the citizen's colour when the score suggests a
    more severe one. Bad values: 422 with a message per field, nothing saved."""
    _require(actor, Permission.DOCUMENT, "registrere målinger")
    access = _open(actor, citizen_id)
    citizen: Citizen = access.citizen
    now = timezone.now()
    at = measured_at_clean(measured_at, now)
    clean = set_clean(
        citizen_id=citizen.pk,
        values=values,
        site=site,
        oxygen=oxygen,
        spo2_scale=spo2_scale,
        confirmed=confirmed,
    )
    kinds = catalogue.kinds()
    set_id = uuid.uuid4()
    with citizen_write(
        actor=actor,
        citizen=citizen,
        decision=access,
        operation=Operation.CREATE,
        object_type=OBJECT_TYPE,
    ) as write:
        rows: list[Observation] = []

        def row(kind: str, **extra: Any) -> Observation:
            spec = kinds[kind]
            obs_id = uuid.uuid4()
            return Observation(
                id=obs_id,
                municipality=actor.municipality,
                citizen=citizen,
                set_id=set_id,
                kind=kind,
                unit=spec.unit,
                codes=spec.codes,
                measured_at=at,
                author=actor.staff,
                role=actor.role,
                unit_org=actor.unit,
                chain_id=obs_id,
                **extra,
            )

        for kind, value in clean.numbers.items():
            extra: dict[str, Any] = {"value": value}
            if kind == Kind.TEMPERATURE:
                extra["site"] = clean.site or Site.RECTAL
            if kind == Kind.SPO2:
                extra["oxygen"] = clean.oxygen or Oxygen.AIR
                extra["spo2_scale"] = clean.spo2_scale
            rows.append(row(kind, **extra))
        if clean.consciousness:
            rows.append(row(Kind.CONSCIOUSNESS, code=clean.consciousness))
        for obs in rows:
            obs.save()
            write.record(
                obs, action="create", changes={"kind": [None, obs.kind], "set": [None, str(set_id)]}
            )
        saved = {obs.kind for obs in rows}
        tobs, news2, records = _score_records(write, actor, citizen, set_id, at, saved)
        suggested = scoring.colour_worst(tobs.colour, news2.colour)
        by_system = {r.system: r for r in records}
        worst = tobs if suggested == tobs.colour else news2
        raised = _raise_if_worse(
            write,
            actor=actor,
            citizen=citizen,
            suggested=suggested,
            reason=Reason.SCORE,
            text=scoring.score_label(worst),
            at=at,
            score=by_system.get(worst.system),
        )
    return SetSaved(citizen, set_id, rows, tobs, news2, raised)


@citizen_write_service
def observation_correct(
    *,
    actor: Actor,
    observation_id: Any,
    value: Any,
    reason: str,
    confirmed: bool = False,
) -> Observation:
    """A new version of one value with a reason; the set is scored again."""
    _require(actor, Permission.DOCUMENT, "rette målinger")
    try:
        pk = parse_uuid(observation_id)
    except NotFound:
        raise NotFound() from None
    previous = Observation.objects.for_municipality(actor.municipality).filter(pk=pk).first()
    if previous is None:
        raise NotFound()
    access = _open(actor, previous.citizen_id)
    why = (reason or "").strip()
    if not why:
        raise ValidationFailed("Skriv en begrundelse.", {"reason": ["Skriv en begrundelse."]})
    if Observation.objects.filter(replaces=previous).exists():
        raise ValidationFailed(
            "Målingen er allerede rettet.", {"value": ["Ret den nyeste version af målingen."]}
        )
    if previous.kind == Kind.CONSCIOUSNESS:
        code = str(value)
        if code not in scoring.rules_load().consciousness:
            raise ValidationFailed("Ugyldig værdi.", {"value": ["Vælg et bevidsthedsniveau."]})
        new_value, new_code = None, code
    else:
        try:
            new_value = number_parse(previous.kind, value)
            value_check(previous.kind, new_value, confirmed=confirmed)
        except ValidationFailed as error:
            raise ValidationFailed(
                error.message, {"value": error.field_errors.get(previous.kind, [])}
            ) from None
        new_code = ""
    citizen: Citizen = access.citizen
    with citizen_write(
        actor=actor, citizen=citizen, decision=access, object_type=OBJECT_TYPE
    ) as write:
        obs = Observation(
            municipality=actor.municipality,
            citizen=citizen,
            set_id=previous.set_id,
            kind=previous.kind,
            value=new_value,
            code=new_code,
            unit=previous.unit,
            codes=previous.codes,
            site=previous.site,
            oxygen=previous.oxygen,
            spo2_scale=previous.spo2_scale,
            measured_at=previous.measured_at,
            author=actor.staff,
            role=actor.role,
            unit_org=actor.unit,
            replaces=previous,
            reason=why[:TEXT_MAX],
            chain_id=previous.chain_id,
            version=previous.version + 1,
        )
        obs.save()
        write.record(
            obs,
            action="update",
            changes={
                "version": [previous.version, obs.version],
                "replaces": [None, str(previous.pk)],
            },
        )
        _score_records(write, actor, citizen, previous.set_id, previous.measured_at, {obs.kind})
    return obs


# --- scale 2 -----------------------------------------------------------------------------------


@citizen_write_service
def scale_two_record(
    *, actor: Actor, citizen_id: Any, active: bool, reason: str
) -> ScaleTwoDecision:
    """Document (or withdraw) hypercapnic respiratory failure with target 88–92 %: the
    clinical decision that allows NEWS2 SpO2 scale 2."""
    _require(actor, Permission.DOCUMENT_HEALTH, "dokumentere iltmål")
    access = _open(actor, citizen_id)
    why = (reason or "").strip()
    if not why:
        raise ValidationFailed("Skriv en begrundelse.", {"reason": ["Skriv en begrundelse."]})
    with citizen_write(
        actor=actor, citizen=access.citizen, decision=access, object_type=OBJECT_TYPE
    ) as write:
        decision = ScaleTwoDecision(
            municipality=actor.municipality,
            citizen=access.citizen,
            active=active,
            reason=why[:TEXT_MAX],
            decided_by=actor.staff,
            decided_at=timezone.now(),
        )
        decision.save()
        write.record(decision, action="create", changes={"active": [None, active]})
    return decision


# --- change form -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSaved:
    report: ChangeReport
    suggested: str
    raised_to: str | None


@citizen_write_service
def change_report_record(
    *,
    actor: Actor,
    citizen_id: Any,
    items: list[str],
    note: str = "",
    source: str = ReportSource.STAFF,
) -> ReportSaved:
    """An ændringsskema: ticked items of the current change form; the data's rules suggest a
    colour, and a more severe colour than the current one is set at once."""
    _require(actor, Permission.DOCUMENT, "udfylde ændringsskemaet")
    access = _open(actor, citizen_id)
    form = catalogue.change_form()
    unknown = [key for key in items if form.item(key) is None]
    errors: dict[str, list[str]] = {}
    if unknown:
        errors["items"] = ["Vælg ændringer fra skemaet."]
    if source not in ReportSource.values:
        errors["source"] = ["Vælg, hvem ændringen kommer fra."]
    if len(note) > TEXT_MAX:
        errors["note"] = [f"Højst {TEXT_MAX} tegn."]
    if not items and not note.strip():
        errors["items"] = ["Sæt kryds ved mindst én ændring, eller skriv en bemærkning."]
    if errors:
        raise ValidationFailed("Ændringsskemaet er ikke gemt.", errors)
    chosen = list(dict.fromkeys(items))
    suggested = catalogue.change_suggestion(form, chosen)
    now = timezone.now()
    with citizen_write(
        actor=actor,
        citizen=access.citizen,
        decision=access,
        operation=Operation.CREATE,
        object_type=OBJECT_TYPE,
    ) as write:
        report = ChangeReport(
            municipality=actor.municipality,
            citizen=access.citizen,
            template_key=form.key,
            template_version=form.version,
            items=chosen,
            note=note.strip(),
            source=source,
            suggested=suggested,
            reported_at=now,
            author=actor.staff,
            role=actor.role,
        )
        report.save()
        write.record(
            report,
            action="create",
            changes={"items": [None, len(chosen)], "suggested": [None, suggested]},
        )
        labels = [item.label for key in chosen if (item := form.item(key)) is not None]
        raised = _raise_if_worse(
            write,
            actor=actor,
            citizen=access.citizen,
            suggested=suggested,
            reason=Reason.RELATIVE if source == ReportSource.RELATIVE else Reason.CHANGE_FORM,
            text="; ".join(labels) or note.strip(),
            at=now,
            change_report=report,
        )
    return ReportSaved(report, suggested, raised)


# --- triage colour -----------------------------------------------------------------------------


@citizen_write_service
def triage_review(
    *, actor: Actor, citizen_id: Any, colour: str, text: str, version: int | None = None
) -> TriageAssessment:
    """Set or confirm the colour (a review): may lower it; a text saying why is required.
    `version`: the current colour's version the person saw (409 when someone else changed it)."""
    _require(actor, Permission.TRIAGE_ASSESS, "revurdere triagefarven")
    access = _open(actor, citizen_id)
    errors: dict[str, list[str]] = {}
    if colour not in Colour.values:
        errors["colour"] = ["Vælg grøn, gul eller rød."]
    why = (text or "").strip()
    if not why:
        errors["text"] = ["Skriv kort, hvorfor."]
    elif len(why) > TEXT_MAX:
        errors["text"] = [f"Højst {TEXT_MAX} tegn."]
    if errors:
        raise ValidationFailed("Farven er ikke gemt.", errors)
    with citizen_write(
        actor=actor, citizen=access.citizen, decision=access, object_type=OBJECT_TYPE
    ) as write:
        return _assess(
            write,
            actor=actor,
            citizen=access.citizen,
            colour=colour,
            reason=Reason.REVIEW,
            text=why,
            at=timezone.now(),
            version=version,
        )


# --- follow-up ---------------------------------------------------------------------------------


@citizen_write_service
def follow_up_create(
    *, actor: Actor, citizen_id: Any, title: str, owner_id: Any, due_hours: int
) -> FollowUpTask:
    """An action for a yellow or red citizen with an owner and a due time (24 h / 48 h)."""
    _require(actor, Permission.TRIAGE_ASSESS, "fordele opfølgning")
    access = _open(actor, citizen_id)
    errors: dict[str, list[str]] = {}
    what = (title or "").strip()
    if not what:
        errors["title"] = ["Skriv handlingen."]
    elif len(what) > 300:
        errors["title"] = ["Højst 300 tegn."]
    if due_hours not in catalogue.triage_rules().follow_up_hours:
        errors["due_hours"] = ["Vælg en frist."]
    owner = None
    try:
        owner_pk = parse_uuid(owner_id)
    except NotFound:
        owner_pk = None
    if owner_pk is not None:
        owner = StaffMember.objects.filter(
            municipality=actor.municipality, pk=owner_pk, is_active=True
        ).first()
    if owner is None:
        errors["owner"] = ["Vælg en ansvarlig medarbejder."]
    if errors or owner is None:
        raise ValidationFailed("Opfølgningen er ikke gemt.", errors)
    current = CitizenTriage.objects.filter(citizen=access.citizen).first()
    now = timezone.now()
    with citizen_write(
        actor=actor,
        citizen=access.citizen,
        decision=access,
        operation=Operation.CREATE,
        object_type=OBJECT_TYPE,
    ) as write:
        task = FollowUpTask.objects.create(
            municipality=actor.municipality,
            citizen=access.citizen,
            assessment_id=current.assessment_id if current else None,
            title=what,
            owner=owner,
            due_at=now + dt.timedelta(hours=due_hours),
            created_by=actor.staff,
        )
        write.created(task, logged={"title": what, "owner": str(owner), "due_at": task.due_at})
    return task


@citizen_write_service
def follow_up_close(
    *, actor: Actor, task_id: Any, note: str = "", version: int | None = None
) -> FollowUpTask:
    _require(actor, Permission.DOCUMENT, "lukke opfølgning")
    try:
        pk = parse_uuid(task_id)
    except NotFound:
        raise NotFound() from None
    task = FollowUpTask.objects.for_municipality(actor.municipality).filter(pk=pk).first()
    if task is None:
        raise NotFound()
    access = _open(actor, task.citizen_id)
    if task.done_at is not None:
        raise ValidationFailed("Opfølgningen er allerede lukket.", {"note": ["Allerede lukket."]})
    if len(note) > TEXT_MAX:
        raise ValidationFailed("For lang.", {"note": [f"Højst {TEXT_MAX} tegn."]})
    with citizen_write(
        actor=actor, citizen=access.citizen, decision=access, object_type=OBJECT_TYPE
    ) as write:
        write.update(
            task,
            version=version,
            values={"done_at": timezone.now(), "done_by": actor.staff, "done_note": note.strip()},
            logged=("done_at",),
        )
    return task


@citizen_write_service
def notification_mark_read(*, actor: Actor, notification_id: Any) -> Notification:
    """The recipient has seen the message (only their own; another's or a foreign id: 404)."""
    try:
        pk = parse_uuid(notification_id)
    except NotFound:
        raise NotFound() from None
    note = (
        Notification.objects.for_municipality(actor.municipality)
        .filter(pk=pk, recipient=actor.staff)
        .select_related("citizen")
        .first()
    )
    if note is None:
        raise gate.unknown_id_logged(actor=actor, object_id=pk, object_type=OBJECT_TYPE)
    access = gate.citizen_read(
        actor=actor, citizen=note.citizen, object_type=OBJECT_TYPE, log=False
    )
    with citizen_write(
        actor=actor, citizen=access.citizen, decision=access, object_type=OBJECT_TYPE
    ) as write:
        if note.read_at is None:
            read_at = timezone.now()
            note.read_at = read_at
            note.save(update_fields=["read_at"])
            write.record(note, action="update", changes={"read_at": [None, read_at.isoformat()]})
        else:
            write.unchanged()
    return note
