"""Writes of the care chain, each through the write kernel (`access.writes.citizen_write`).

request_create → case_save → decision_make (services, goals, first follow-ups) →
decision_mark_sent → follow_up_record (continue / change / end / re-visitation).
Bad input raises `ValidationFailed` with Danish messages per field and saves nothing; a case
decided by someone else since it was opened raises `Conflict` (409) with what changed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from sammen.access import gate
from sammen.access.models import Operation
from sammen.access.writes import citizen_write, citizen_write_service
from sammen.care_plans.catalogues import law_catalogue, service_catalogue
from sammen.care_plans.models import (
    Case,
    CaseStatus,
    Decision,
    DecisionOutcome,
    FollowUp,
    FrequencyUnit,
    Goal,
    GoalKind,
    Request,
    RequestAttachment,
    RequestStatus,
    Service,
    ServiceStatus,
)
from sammen.care_plans.selectors import (
    VS_FFB_LEVEL,
    VS_FFB_THEMES,
    VS_FFB_YDELSER,
    VS_INDSATSER,
    VS_MEANING,
    VS_PERFORMANCE,
    VS_RESULT,
    VS_SOURCE,
    case_for_update,
    decision_for_update,
    follow_up_for_update,
    request_for_update,
)
from sammen.citizens.models import CitizenStatus
from sammen.core.actor import Actor
from sammen.core.errors import Conflict, Forbidden, ValidationFailed
from sammen.organisation.models import Area, OrgUnit
from sammen.organisation.permissions import Permission, has_permission
from sammen.terminology.selectors import value_sets_get

SUBJECT_MAX = 300
TEXT_MAX = 20_000
FOLLOW_UP_DAYS = 90
# E codes (FSIII "Resultat af opfølgning") by legacy key.
E_CONTINUES, E_CHANGES, E_ENDS, E_REVISIT = "E1", "E2", "E3", "E4"


def visitation_require(*, actor: Actor) -> None:
    if not has_permission(actor, Permission.VISITATION):
        raise Forbidden("Din rolle kan ikke visitere.")


def _fail(errors: Mapping[str, Sequence[str]]) -> ValidationFailed:
    first = next(iter(errors.values()))[0]
    return ValidationFailed(first, errors)


def _text(
    errors: dict[str, list[str]],
    name: str,
    value: str,
    *,
    required: bool,
    limit: int = TEXT_MAX,
    label: str = "feltet",
) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.setdefault(name, []).append(f"Udfyld {label}.")
    if len(text) > limit:
        errors.setdefault(name, []).append(f"Højst {limit} tegn.")
    return text


def _code(
    errors: dict[str, list[str]], name: str, value: str, key: str, *, required: bool, label: str
) -> str:
    code = (value or "").strip()
    if not code:
        if required:
            errors.setdefault(name, []).append(f"Vælg {label}.")
        return ""
    vs = value_sets_get(keys=[key]).get(key)
    choice = vs.find(code) if vs else None
    if choice is None:
        errors.setdefault(name, []).append(f"Koden findes ikke blandt {label}.")
        return ""
    if not choice.active:
        errors.setdefault(name, []).append("Koden er udgået og kan ikke bruges længere.")
    return choice.code


# --- Request ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RequestInput:
    area: str
    source_code: str
    subject: str
    text: str = ""
    received_at: dt.datetime | None = None
    attachments: tuple[tuple[str, str], ...] = ()


@citizen_write_service
def request_create(*, actor: Actor, citizen_id: Any, data: RequestInput) -> Request:
    """A new request (henvendelse); it lands on the visitators' worklist of its area. The
    citizen is looked up first (a foreign id is 404 like a missing one, whatever the body);
    the request's area is decided by the write itself."""
    access = gate.citizen_open(
        actor=actor,
        citizen_id=citizen_id,
        operation=Operation.CREATE,
        object_type="care_request",
        log=False,
    )
    visitation_require(actor=actor)
    errors: dict[str, list[str]] = {}
    if data.area not in Area.values:
        errors["area"] = ["Vælg et område."]
    source = _code(
        errors,
        "source_code",
        data.source_code,
        VS_SOURCE,
        required=True,
        label="hvem henvendelsen kommer fra",
    )
    subject = _text(
        errors,
        "subject",
        data.subject,
        required=True,
        limit=SUBJECT_MAX,
        label="hvad henvendelsen handler om",
    )
    text = _text(errors, "text", data.text, required=False)
    now = timezone.now()
    received = data.received_at or now
    if received > now + dt.timedelta(minutes=5):
        errors["received_at"] = ["Modtagelsestidspunktet kan ikke ligge i fremtiden."]
    attachments = []
    for i, (title, body) in enumerate(data.attachments):
        t = _text(
            errors,
            f"attachments-{i}-title",
            title,
            required=True,
            limit=200,
            label="bilagets titel",
        )
        b = _text(errors, f"attachments-{i}-text", body, required=True, label="bilagets tekst")
        attachments.append((t, b))
    if errors:
        raise _fail(errors)
    with citizen_write(
        actor=actor,
        citizen=access.citizen,
        decision=access,
        operation=Operation.CREATE,
        object_type="care_request",
    ) as write:
        request = Request.objects.create(
            municipality=actor.municipality,
            citizen=access.citizen,
            area=data.area,
            source_code=source,
            subject=subject,
            text=text,
            received_at=received,
            received_by=actor.staff,
        )
        for title, body in attachments:
            RequestAttachment.objects.create(
                municipality=actor.municipality,
                request=request,
                citizen=access.citizen,
                title=title,
                text=body,
            )
        write.created(
            request,
            logged={
                "area": data.area,
                "source_code": source,
                "subject": subject,
                "attachments": len(attachments),
            },
        )
    return request


# --- Assessment ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CaseInput:
    condition_codes: tuple[str, ...] = ()
    citizen_view: str = ""
    citizen_performance: str = ""
    citizen_meaning: str = ""
    overall_assessment: str = ""
    ffb_themes: Mapping[str, str] = field(default_factory=dict)


def _case_values(area: str, data: CaseInput) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    tilstande = value_sets_get(keys=["fsiii-tilstande", "ffb-tilstande"])
    conditions: list[str] = []
    for code in data.condition_codes:
        found = next((vs.find(code) for vs in tilstande.values() if vs.find(code)), None)
        if found is None:
            errors.setdefault("condition_codes", []).append("En valgt tilstand findes ikke.")
        elif found.code not in conditions:
            conditions.append(found.code)
    values: dict[str, Any] = {
        "condition_codes": conditions,
        "citizen_view": _text(errors, "citizen_view", data.citizen_view, required=False),
        "citizen_performance": _code(
            errors,
            "citizen_performance",
            data.citizen_performance,
            VS_PERFORMANCE,
            required=False,
            label="udførelse (C)",
        ),
        "citizen_meaning": _code(
            errors,
            "citizen_meaning",
            data.citizen_meaning,
            VS_MEANING,
            required=False,
            label="betydning (D)",
        ),
        "overall_assessment": _text(
            errors, "overall_assessment", data.overall_assessment, required=False
        ),
    }
    themes: dict[str, str] = {}
    if data.ffb_themes and area != Area.DISABILITY_PSYCHIATRY:
        errors["ffb_themes"] = [
            "FFB-temaer bruges kun på voksen-socialområdet (handicap og psykiatri)."
        ]
    else:
        for theme, level in data.ffb_themes.items():
            t = _code(errors, "ffb_themes", theme, VS_FFB_THEMES, required=True, label="FFB-tema")
            # An FFB level only: an FSIII severity has similar words but another meaning.
            lv = _code(
                errors,
                "ffb_themes",
                level,
                VS_FFB_LEVEL,
                required=True,
                label="FFB-funktionsevneniveau",
            )
            if t and lv:
                themes[t] = lv
    values["ffb_themes"] = themes
    if errors:
        raise _fail(errors)
    return values


@citizen_write_service
def case_save(
    *, actor: Actor, request_id: Any, data: CaseInput, version: int | None = None
) -> Case:
    """Open the assessment of a request (first save) or update it (`version` for 409)."""
    visitation_require(actor=actor)
    request, decision = request_for_update(actor=actor, request_id=request_id)
    values = _case_values(request.area, data)
    existing = Case.objects.filter(request=request).first()
    with citizen_write(
        actor=actor,
        citizen=request.citizen,
        decision=decision,
        operation=Operation.UPDATE if existing else Operation.CREATE,
        object_type="care_case",
    ) as write:
        if existing is None:
            case = Case.objects.create(
                municipality=actor.municipality,
                citizen=request.citizen,
                request=request,
                area=request.area,
                assessor=actor.staff,
                **values,
            )
            write.created(case, logged={k: v for k, v in values.items() if "code" in k})
            write.update(request, version=None, values={"status": RequestStatus.ASSESSING})
            return case
        if existing.status != CaseStatus.OPEN:
            raise ValidationFailed("Udredningen er afgjort og kan ikke ændres.")
        write.update(
            existing,
            version=version,
            values=values,
            logged=["condition_codes", "citizen_performance", "citizen_meaning", "ffb_themes"],
        )
        if not write.recorded:
            write.unchanged()
        return existing


# --- Decision -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ServiceInput:
    code: str
    legal_basis: str
    granted_from: dt.date | None
    granted_to: dt.date | None = None
    times: int | None = 1
    per: str = FrequencyUnit.WEEK
    weekdays: tuple[int, ...] = ()
    minutes: int | None = None
    requested_times: int | None = None
    provider_unit_id: Any = None
    private_provider: str = ""
    double_staffing: bool = False
    instructions: str = ""
    refused: bool = False
    refusal_reason: str = ""


@dataclass(frozen=True, kw_only=True)
class GoalInput:
    kind: str
    text: str
    condition_code: str = ""
    expected_code: str = ""
    services: tuple[int, ...] = ()  # indexes into DecisionInput.services


@dataclass(frozen=True, kw_only=True)
class DecisionInput:
    reasoning: str
    services: tuple[ServiceInput, ...]
    goals: tuple[GoalInput, ...] = ()
    follow_up_on: dt.date | None = None


def _service_values(
    actor: Actor, area: str, i: int, s: ServiceInput, errors: dict[str, list[str]]
) -> dict[str, Any]:
    p = f"services-{i}-"
    key = VS_FFB_YDELSER if area == Area.DISABILITY_PSYCHIATRY else VS_INDSATSER
    other = VS_INDSATSER if key == VS_FFB_YDELSER else VS_FFB_YDELSER
    sets = value_sets_get(keys=[key, other])
    code = (s.code or "").strip()
    choice = sets[key].find(code) if key in sets and code else None
    if not code:
        errors.setdefault(p + "code", []).append("Vælg en indsats.")
    elif choice is None:
        wrong = other in sets and sets[other].find(code) is not None
        errors.setdefault(p + "code", []).append(
            "Indsatsen hører til et andet kodesystem end områdets. Vælg en indsats fra "
            + ("FFB (voksen-socialområdet)." if key == VS_FFB_YDELSER else "FSIII.")
            if wrong
            else "Indsatsen findes ikke i kodesystemet."
        )
    elif not choice.active:
        errors.setdefault(p + "code", []).append(
            "Indsatsen er udgået af kodesystemet og kan ikke bevilges længere."
        )
    law = law_catalogue()
    basis = law.bases.get((s.legal_basis or "").strip())
    if basis is None:
        errors.setdefault(p + "legal_basis", []).append("Vælg lovgrundlaget for indsatsen.")
    elif area not in basis.areas:
        errors.setdefault(p + "legal_basis", []).append(
            "Lovgrundlaget gælder ikke for dette område."
        )
    elif s.granted_from and not basis.valid_on(s.granted_from):
        errors.setdefault(p + "legal_basis", []).append(
            "Lovgrundlaget gælder ikke på startdatoen. Vælg det gældende lovgrundlag."
        )
    if s.granted_from is None:
        errors.setdefault(p + "granted_from", []).append("Skriv hvornår indsatsen begynder.")
    elif s.granted_to is not None and s.granted_to < s.granted_from:
        errors.setdefault(p + "granted_to", []).append("Slutdatoen ligger før startdatoen.")
    if s.per not in FrequencyUnit.values:
        errors.setdefault(p + "per", []).append("Vælg om hyppigheden er pr. dag eller pr. uge.")
    if s.times is None or s.times <= 0:
        errors.setdefault(p + "times", []).append("Hyppigheden skal være mindst 1 gang.")
    elif s.times > 50:
        errors.setdefault(p + "times", []).append("Højst 50 gange.")
    weekdays = sorted(set(s.weekdays))
    if any(d not in range(1, 8) for d in weekdays):
        errors.setdefault(p + "weekdays", []).append("Ugedage er 1 (mandag) til 7 (søndag).")
    if s.per == FrequencyUnit.WEEK and weekdays and s.times and s.times > len(weekdays) * 10:
        errors.setdefault(p + "weekdays", []).append("For mange gange i forhold til ugedagene.")
    minutes = s.minutes
    if minutes is None and choice is not None:
        norm = service_catalogue(actor.municipality.code).services.get(choice.code)
        minutes = norm.minutes if norm else None
    if not s.refused and (minutes is None or minutes <= 0):
        errors.setdefault(p + "minutes", []).append(
            "Indsatsen har ingen normtid i kvalitetsstandarden. Skriv normtiden i minutter."
        )
    unit = None
    if s.provider_unit_id:
        unit = (
            OrgUnit.objects.for_municipality(actor.municipality)
            .filter(pk=s.provider_unit_id)
            .first()
            if _is_uuid(s.provider_unit_id)
            else None
        )
        if unit is None:
            errors.setdefault(p + "provider_unit_id", []).append(
                "Leverandøren findes ikke i kommunen."
            )
    private = (s.private_provider or "").strip()
    if not s.refused and unit is None and not private and p + "provider_unit_id" not in errors:
        errors.setdefault(p + "provider_unit_id", []).append(
            "Vælg en kommunal leverandør eller skriv den private leverandør (frit valg)."
        )
    if unit is not None and private:
        errors.setdefault(p + "private_provider", []).append(
            "Vælg enten en kommunal eller en privat leverandør."
        )
    refusal = (s.refusal_reason or "").strip()
    if s.refused and not refusal:
        errors.setdefault(p + "refusal_reason", []).append("Skriv begrundelsen for afslaget.")
    if s.requested_times is not None and s.times and s.requested_times < s.times:
        errors.setdefault(p + "requested_times", []).append(
            "Der kan ikke bevilges mere, end der er søgt om."
        )
    return {
        "area": area,
        "code": choice.code if choice else code,
        "code_system": sets[key].system if key in sets else "",
        "legal_basis": basis.key if basis else "",
        "granted_from": s.granted_from,
        "granted_to": s.granted_to,
        "times": s.times or 0,
        "per": s.per,
        "weekdays": weekdays,
        "minutes": minutes or 0,
        "requested_times": s.requested_times,
        "provider_unit": unit,
        "private_provider": private,
        "double_staffing": bool(s.double_staffing),
        "instructions": (s.instructions or "").strip(),
        "status": ServiceStatus.REFUSED if s.refused else ServiceStatus.GRANTED,
        "refusal_reason": refusal,
    }


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _outcome(services: list[dict[str, Any]]) -> str:
    granted = [s for s in services if s["status"] == ServiceStatus.GRANTED]
    if not granted:
        return DecisionOutcome.REFUSED
    partly = any(
        s["requested_times"] is not None and s["requested_times"] > s["times"] for s in granted
    )
    return (
        DecisionOutcome.PARTIAL
        if partly or len(granted) < len(services)
        else (DecisionOutcome.GRANTED)
    )


@citizen_write_service
def decision_make(
    *, actor: Actor, case_id: Any, case_version: int | None, data: DecisionInput
) -> Decision:
    """Decide a case: one service per line (granted, partly granted or refused), goals linked
    to the services, and a first follow-up per granted service. A case decided or changed by
    someone else since `case_version` answers 409 with what changed."""
    visitation_require(actor=actor)
    case, decision = case_for_update(actor=actor, case_id=case_id)
    errors: dict[str, list[str]] = {}
    if case.citizen.status == CitizenStatus.DECEASED:
        errors["citizen"] = ["Borgeren er død. Der kan ikke træffes afgørelse om indsatser."]
    reasoning = _text(
        errors, "reasoning", data.reasoning, required=True, label="begrundelsen for afgørelsen"
    )
    if not data.services:
        errors["services"] = ["Tilføj mindst én indsats (bevilget eller afslået)."]
    services = [
        _service_values(actor, case.area, i, s, errors) for i, s in enumerate(data.services)
    ]
    goals = []
    for i, g in enumerate(data.goals):
        p = f"goals-{i}-"
        if g.kind not in GoalKind.values:
            errors.setdefault(p + "kind", []).append(
                "Vælg om det er borgerens mål eller et tilstandsmål."
            )
        text = _text(errors, p + "text", g.text, required=True, label="målet")
        expected = _code(
            errors,
            p + "expected_code",
            g.expected_code,
            "fsiii-forventet-tilstand",
            required=g.kind == GoalKind.CONDITION,
            label="forventet tilstand",
        )
        if any(n not in range(len(services)) for n in g.services):
            errors.setdefault(p + "services", []).append("Målet peger på en ukendt indsats.")
        goals.append((g, text, expected))
    today = timezone.localdate()
    follow_up_on = data.follow_up_on or today + dt.timedelta(days=FOLLOW_UP_DAYS)
    if follow_up_on < today:
        errors["follow_up_on"] = ["Opfølgningen kan ikke ligge i fortiden."]
    if errors:
        raise _fail(errors)
    outcome = _outcome(services)
    now = timezone.now()
    with citizen_write(
        actor=actor,
        citizen=case.citizen,
        decision=decision,
        operation=Operation.CREATE,
        object_type="care_decision",
    ) as write:
        # Lock the case first: the second of two visitators deciding it gets 409.
        write.lock(case, version=case_version)
        if case.status != CaseStatus.OPEN:
            raise Conflict(
                "Udredningen er allerede afgjort af en anden.", current_version=case.version
            )
        made = Decision.objects.create(
            municipality=actor.municipality,
            citizen=case.citizen,
            case=case,
            area=case.area,
            outcome=outcome,
            reasoning=reasoning,
            decided_at=now,
            decided_by=actor.staff,
            waiting_days=max(0, (now - case.request.received_at).days),
            law_catalogue_version=law_catalogue().version,
        )
        write.created(made, logged={"outcome": outcome, "services": len(services)})
        rows = []
        for values in services:
            row = Service.objects.create(
                municipality=actor.municipality, citizen=case.citizen, decision=made, **values
            )
            write.created(
                row,
                logged={
                    "code": row.code,
                    "legal_basis": row.legal_basis,
                    "status": row.status,
                    "granted_from": row.granted_from,
                    "granted_to": row.granted_to,
                    "times": row.times,
                    "per": row.per,
                    "minutes": row.minutes,
                    "provider_unit": str(row.provider_unit_id or row.private_provider),
                },
            )
            rows.append(row)
            if row.status == ServiceStatus.GRANTED:
                due = min(follow_up_on, row.granted_to) if row.granted_to else follow_up_on
                fu = FollowUp.objects.create(
                    municipality=actor.municipality,
                    citizen=case.citizen,
                    service=row,
                    area=case.area,
                    due_on=due,
                )
                write.created(fu, logged={"due_on": due})
        for g, text, expected in goals:
            goal = Goal.objects.create(
                municipality=actor.municipality,
                citizen=case.citizen,
                case=case,
                area=case.area,
                kind=g.kind,
                text=text,
                condition_code=g.condition_code,
                expected_code=expected,
            )
            goal.services.set([rows[n] for n in g.services])
            write.created(goal, logged={"kind": g.kind, "services": len(g.services)})
        write.update(case, version=None, values={"status": CaseStatus.DECIDED})
        write.update(case.request, version=None, values={"status": RequestStatus.DECIDED})
    return made


@citizen_write_service
def decision_mark_sent(*, actor: Actor, decision_id: Any, version: int | None) -> Decision:
    """The letter has gone to the citizen (off the 'to send' list)."""
    visitation_require(actor=actor)
    made, decision = decision_for_update(actor=actor, decision_id=decision_id)
    with citizen_write(
        actor=actor, citizen=made.citizen, decision=decision, object_type="care_decision"
    ) as write:
        if made.sent_at is not None:
            write.lock(made, version=version)
            write.unchanged()
        else:
            write.update(made, version=version, values={"sent_at": timezone.now()})
    return made


# --- Follow-up ----------------------------------------------------------------------------------


@citizen_write_service
def follow_up_record(
    *,
    actor: Actor,
    follow_up_id: Any,
    version: int | None,
    result_code: str,
    note: str,
    next_due: dt.date | None = None,
) -> FollowUp:
    """Record a follow-up with its E code: E1/E2 continue (next follow-up on `next_due`),
    E3 ends the service today, E4 ends it and opens a new request (re-visitation)."""
    visitation_require(actor=actor)
    follow_up, decision = follow_up_for_update(actor=actor, follow_up_id=follow_up_id)
    errors: dict[str, list[str]] = {}
    code = _code(
        errors,
        "result_code",
        result_code,
        VS_RESULT,
        required=True,
        label="resultatet af opfølgningen",
    )
    text = _text(errors, "note", note, required=False)
    vs = value_sets_get(keys=[VS_RESULT]).get(VS_RESULT)
    key = vs.find(code).legacy_code if vs and code and vs.find(code) else ""  # type: ignore[union-attr]
    today = timezone.localdate()
    if key in (E_CONTINUES, E_CHANGES):
        if next_due is None:
            errors["next_due"] = ["Skriv datoen for næste opfølgning."]
        elif next_due <= today:
            errors["next_due"] = ["Næste opfølgning skal ligge efter i dag."]
    if follow_up.done_at is not None:
        errors["result_code"] = ["Opfølgningen er allerede registreret."]
    if errors:
        raise _fail(errors)
    service = follow_up.service
    with citizen_write(
        actor=actor, citizen=follow_up.citizen, decision=decision, object_type="care_follow_up"
    ) as write:
        write.update(
            follow_up,
            version=version,
            values={
                "done_at": timezone.now(),
                "done_by": actor.staff,
                "result_code": code,
                "note": text,
            },
            logged=["result_code", "note"],
        )
        if key in (E_CONTINUES, E_CHANGES) and next_due is not None:
            nxt = FollowUp.objects.create(
                municipality=actor.municipality,
                citizen=follow_up.citizen,
                service=service,
                area=follow_up.area,
                due_on=next_due,
            )
            write.created(nxt, logged={"due_on": next_due})
        if key in (E_ENDS, E_REVISIT) and service.status == ServiceStatus.GRANTED:
            # Ending a service ends its future visits once visits exist (issue 10, point 5).
            end = max(service.granted_from, today)
            write.update(
                service, version=None, values={"status": ServiceStatus.ENDED, "granted_to": end}
            )
        if key == E_REVISIT:
            source = value_sets_get(keys=[VS_SOURCE])[VS_SOURCE].find("A15")
            again = Request.objects.create(
                municipality=actor.municipality,
                citizen=follow_up.citizen,
                area=follow_up.area,
                source_code=source.code if source else "",
                subject="Revisitation efter opfølgning",
                text=text,
                received_at=timezone.now(),
                received_by=actor.staff,
            )
            write.created(again, logged={"subject": again.subject})
    return follow_up
