"""Reads of the care chain. One citizen's data through the gate (`access.gate`), lists across
citizens with `visible_to` + one `record_many` in the list's transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sammen.access import gate, policy
from sammen.access.lists import record_many
from sammen.access.log import access_log_record
from sammen.access.models import Operation, Purpose
from sammen.care_plans.catalogues import LegalBasis, law_catalogue
from sammen.care_plans.models import (
    Case,
    Decision,
    FollowUp,
    Goal,
    Request,
    RequestStatus,
    Service,
    ServiceStatus,
)
from sammen.core.actor import Actor
from sammen.core.errors import NotFound
from sammen.core.ids import parse_uuid
from sammen.journal.models import Entry
from sammen.journal.selectors import current_entries
from sammen.organisation.models import Area, OrgUnit, UnitKind
from sammen.organisation.permissions import Permission, has_permission
from sammen.terminology.selectors import Choice, value_sets_get

VS_SOURCE = "fsiii-henvendelse-fra"
VS_INDSATSER = "fsiii-indsatser"
VS_FFB_YDELSER = "ffb-ydelser"
VS_FFB_THEMES = "ffb-temaer"
VS_FFB_LEVEL = "ffb-funktionsevneniveau"
VS_PERFORMANCE = "fsiii-udfoerelse"
VS_MEANING = "fsiii-betydning"
VS_RESULT = "fsiii-resultat-af-opfoelgning"
VS_EXPECTED = "fsiii-forventet-tilstand"
VS_CONDITIONS = "fsiii-tilstande"
VS_FFB_CONDITIONS = "ffb-tilstande"
ALL_SETS = [
    VS_SOURCE,
    VS_INDSATSER,
    VS_FFB_YDELSER,
    VS_FFB_THEMES,
    VS_FFB_LEVEL,
    VS_PERFORMANCE,
    VS_MEANING,
    VS_RESULT,
    VS_EXPECTED,
    VS_CONDITIONS,
    VS_FFB_CONDITIONS,
]
LIST_LIMIT = 200
DUE_SOON_DAYS = 14
ENDING_DAYS = 30
NEW_DAYS = 14


class Names:
    """Codes to text through the loaded value sets, fetched once per read (outside a request
    every `value_sets_get` checks the reference stamp: one query)."""

    def __init__(self) -> None:
        self.sets = value_sets_get(keys=ALL_SETS)

    def __call__(self, code: str, *keys: str) -> str:
        if not code:
            return ""
        for key in keys or ALL_SETS:
            vs = self.sets.get(key)
            choice = vs.find(code) if vs else None
            if choice is not None:
                return choice.label if key in (VS_SOURCE, VS_RESULT) else choice.display
        return code


def display(code: str, *keys: str) -> str:
    """A code's text through the loaded value sets (the code itself if unknown)."""
    return Names()(code, *keys)


def choices(key: str) -> list[Choice]:
    vs = value_sets_get(keys=[key]).get(key)
    return vs.active_choices() if vs else []


# --- access point 7: the provider unit's care relation ------------------------------------------


def provider_citizens(actor: Actor) -> QuerySet[Any]:
    """Citizens with a service granted to the actor's unit, within the service's period: the
    policy's care-relation provider hook."""
    today = timezone.localdate()
    return (
        Service.objects.filter(
            municipality=actor.municipality,
            provider_unit_id=actor.unit.pk,
            status=ServiceStatus.GRANTED,
            granted_from__lte=today,
        )
        .filter(Q(granted_to__isnull=True) | Q(granted_to__gte=today))
        .values("citizen_id")
    )


# --- one row through the gate -------------------------------------------------------------------


def _find(model: Any, actor: Actor, object_id: Any, object_type: str) -> Any:
    try:
        pk = parse_uuid(object_id)
    except NotFound:
        raise gate.unknown_id_logged(
            actor=actor, object_id=object_id, object_type=object_type
        ) from None
    row = (
        model.objects.for_municipality(actor.municipality)
        .select_related("citizen")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise gate.unknown_id_logged(actor=actor, object_id=pk, object_type=object_type)
    return row


def _for_update(model: Any, actor: Actor, object_id: Any, object_type: str) -> Any:
    row = _find(model, actor, object_id, object_type)
    decision = gate.citizen_read(
        actor=actor,
        citizen=row.citizen,
        operation=Operation.UPDATE,
        object_type=object_type,
        area=row.area,
        action="update",
        log=False,
    )
    return row, decision


def request_for_update(*, actor: Actor, request_id: Any) -> tuple[Request, policy.Decision]:
    return _for_update(Request, actor, request_id, "care_request")  # type: ignore[no-any-return]


def case_for_update(*, actor: Actor, case_id: Any) -> tuple[Case, policy.Decision]:
    row, decision = _for_update(Case, actor, case_id, "care_case")
    return row, decision


def decision_for_update(*, actor: Actor, decision_id: Any) -> tuple[Decision, policy.Decision]:
    return _for_update(Decision, actor, decision_id, "care_decision")  # type: ignore[no-any-return]


def follow_up_for_update(*, actor: Actor, follow_up_id: Any) -> tuple[FollowUp, policy.Decision]:
    row, decision = _for_update(FollowUp, actor, follow_up_id, "care_follow_up")
    return row, decision


def _read(model: Any, actor: Actor, object_id: Any, object_type: str) -> Any:
    row = _find(model, actor, object_id, object_type)
    gate.citizen_read(actor=actor, citizen=row.citizen, object_type=object_type, area=row.area)
    return row


@transaction.atomic
def request_get(*, actor: Actor, request_id: Any) -> Request:
    row: Request = _read(Request, actor, request_id, "care_request")
    return row


@dataclass(frozen=True)
class ConditionView:
    code: str
    name: str
    summary: str
    since: dt.datetime | None


def _conditions(
    actor: Actor, citizen_id: uuid.UUID, codes: Iterable[str] | None, areas: Iterable[str]
) -> list[ConditionView]:
    """The journal's current state of the given FSIII/FFB items (all current items when
    `codes` is None) — read from the journal now, never copied. Only the given areas, which
    the caller has already been allowed (and logged)."""
    rows = Entry.objects.for_municipality(actor.municipality).filter(
        citizen_id=citizen_id, template__area__municipal_area__in=sorted(set(areas))
    )
    if codes is not None:
        if not codes:
            return []
        rows = rows.filter(subject_code__in=list(codes))
    out = []
    names = Names()
    for e in current_entries(rows).order_by("subject_code")[:100]:
        level = e.data.get("nuvaerende_niveau", "")
        note = e.data.get("faglig_vurdering") or ""
        parts = [f"niveau {level}" if level != "" else "", str(note)]
        out.append(
            ConditionView(
                code=e.subject_code,
                name=names(e.subject_code, VS_CONDITIONS, VS_FFB_CONDITIONS),
                summary=", ".join(p for p in parts if p),
                since=e.refers_to,
            )
        )
    return out


@dataclass(frozen=True)
class CasePage:
    case: Case | None
    request: Request
    attachments: list[Any]
    conditions: list[ConditionView]  # every current item of the area in the journal
    selected: list[str]
    ffb_themes: list[tuple[str, str]]


@transaction.atomic
def case_page(*, actor: Actor, request_id: Any) -> CasePage:
    """The assessment of a request: the case (if opened) and the journal's current
    tilstande of the request's area, shown by reference."""
    request: Request = _read(Request, actor, request_id, "care_case")
    case = Case.objects.filter(request=request).first()
    return CasePage(
        case=case,
        request=request,
        attachments=list(request.attachments.all()),
        conditions=_conditions(actor, request.citizen_id, None, [request.area]),
        selected=list(case.condition_codes) if case else [],
        ffb_themes=[
            (display(t, VS_FFB_THEMES), display(lv, VS_FFB_LEVEL))
            for t, lv in (case.ffb_themes.items() if case else [])
        ],
    )


@transaction.atomic
def decision_get(*, actor: Actor, decision_id: Any, operation: str = Operation.VIEW) -> Decision:
    row = _find(Decision, actor, decision_id, "care_decision")
    gate.citizen_read(
        actor=actor,
        citizen=row.citizen,
        object_type="care_decision",
        area=row.area,
        operation=operation,
    )
    return row  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ServiceView:
    service: Service
    name: str
    basis: LegalBasis | None
    provider: str
    frequency: str
    next_follow_up: dt.date | None
    overdue: bool


WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]


def frequency_text(service: Service) -> str:
    per = "om dagen" if service.per == "day" else "om ugen"
    text = f"{service.times} {'gang' if service.times == 1 else 'gange'} {per}"
    if service.weekdays:
        text += " (" + ", ".join(WEEKDAYS[d - 1] for d in service.weekdays) + ")"
    return text


def _service_views(
    services: list[Service], follow_ups: list[FollowUp], names: Names | None = None
) -> list[ServiceView]:
    today = timezone.localdate()
    next_of: dict[Any, dt.date] = {}
    for fu in follow_ups:
        if fu.done_at is None and (
            fu.service_id not in next_of or fu.due_on < next_of[fu.service_id]
        ):
            next_of[fu.service_id] = fu.due_on
    law = law_catalogue()
    names = names or Names()
    return [
        ServiceView(
            service=s,
            name=names(s.code, VS_INDSATSER, VS_FFB_YDELSER),
            basis=law.bases.get(s.legal_basis),
            provider=s.provider_unit.name if s.provider_unit else s.private_provider,
            frequency=frequency_text(s),
            next_follow_up=next_of.get(s.pk),
            overdue=bool(next_of.get(s.pk) and next_of[s.pk] < today),
        )
        for s in services
    ]


@dataclass(frozen=True)
class GoalView:
    goal: Goal
    condition: str
    expected: str
    services: list[ServiceView]


@dataclass(frozen=True)
class PlanPart:
    area: str
    area_label: str
    goals: list[GoalView]
    services: list[ServiceView]  # every current service of the area
    conditions: list[ConditionView]
    follow_ups: list[FollowUp]


@dataclass(frozen=True)
class CarePlan:
    citizen: Any
    parts: list[PlanPart]
    hidden_areas: list[str]
    access: gate.CitizenAccess | None = field(default=None, compare=False)


def _plan(actor: Actor, access: gate.CitizenAccess, *, log_consent: bool) -> CarePlan:
    citizen = access.citizen
    # One query for the services of every area; another area's rows are dropped below unless
    # the policy allows that area (consent), before anything is shown.
    every = list(
        Service.objects.filter(citizen_id=citizen.pk)
        .exclude(status=ServiceStatus.REFUSED)
        .select_related("provider_unit")
        .order_by("area", "status", "granted_from")
    )
    areas_with_data = {s.area for s in every}
    decisions = policy.decide_areas(
        actor=actor, citizen=citizen, areas=areas_with_data | {actor.unit.area}, given=access
    )
    allowed = sorted(a for a in areas_with_data if decisions[a].allowed)
    hidden = sorted(a for a in areas_with_data if not decisions[a].allowed)
    if log_consent:
        for area in allowed:
            if decisions[area].purpose == Purpose.CONSENT:
                access_log_record(
                    actor=actor,
                    citizen_ids=[citizen.pk],
                    operation=Operation.VIEW,
                    purpose=Purpose.CONSENT,
                    object_type="care_plan",
                    criterion=f"område:{area}",
                )
    services = [s for s in every if s.area in allowed]
    follow_ups = list(
        FollowUp.objects.filter(citizen_id=citizen.pk, area__in=allowed).order_by("due_on")
    )
    goals = list(
        Goal.objects.filter(citizen_id=citizen.pk, area__in=allowed).prefetch_related("services")
    )
    conditions = (
        _conditions(
            actor,
            citizen.pk,
            {g.condition_code for g in goals if g.condition_code}
            | {
                c
                for case in Case.objects.filter(
                    citizen_id=citizen.pk, area__in=allowed
                ).values_list("condition_codes", flat=True)
                for c in case
            },
            allowed,
        )
        if allowed
        else []
    )
    names = Names()
    views = {v.service.pk: v for v in _service_views(services, follow_ups, names)}
    labels = dict(Area.choices)
    parts = []
    for area in allowed:
        area_goals = [
            GoalView(
                goal=g,
                condition=names(g.condition_code, VS_CONDITIONS, VS_FFB_CONDITIONS),
                expected=names(g.expected_code, VS_EXPECTED),
                services=[views[s.pk] for s in g.services.all() if s.pk in views],
            )
            for g in goals
            if g.area == area
        ]
        parts.append(
            PlanPart(
                area=area,
                area_label=str(labels.get(area, area)),
                goals=area_goals,
                services=[v for v in views.values() if v.service.area == area],
                conditions=conditions if area == actor.unit.area else [],
                follow_ups=[f for f in follow_ups if f.area == area and f.done_at is None],
            )
        )
    return CarePlan(
        citizen=citizen,
        parts=parts,
        hidden_areas=[str(labels.get(a, a)) for a in hidden],
        access=access,
    )


@transaction.atomic
def care_plan(*, actor: Actor, citizen_id: Any) -> CarePlan:
    """One plan per citizen across areas; each area's part only under the access policy."""
    access = gate.citizen_open(actor=actor, citizen_id=citizen_id, object_type="care_plan")
    return _plan(actor, access, log_consent=True)


def care_plan_section_load(actor: Actor, access: Any) -> dict[str, Any]:
    """The citizen page's plain-language summary of the current services. The page has
    decided and logged the citizen; one query for the services, and one more only when some
    belong to another area (consent), which is then logged with that purpose."""
    if not (isinstance(access, gate.CitizenAccess) and access.logged and access.actor == actor):
        access = gate.citizen_read(actor=actor, citizen=access, object_type="care_plan")
    today = timezone.localdate()
    current = list(
        Service.objects.filter(
            citizen_id=access.citizen_id, status=ServiceStatus.GRANTED, granted_from__lte=today
        )
        .filter(Q(granted_to__isnull=True) | Q(granted_to__gte=today))
        .select_related("provider_unit")
        .order_by("granted_from")[:50]
    )
    other = {s.area for s in current} - {actor.unit.area}
    hidden: set[str] = set()
    if other:
        decisions = policy.decide_areas(
            actor=actor, citizen=access.citizen, areas=other, given=access
        )
        hidden = {a for a in other if not decisions[a].allowed}
        for area in sorted(other - hidden):
            if decisions[area].purpose == Purpose.CONSENT:
                access_log_record(
                    actor=actor,
                    citizen_ids=[access.citizen_id],
                    operation=Operation.VIEW,
                    purpose=Purpose.CONSENT,
                    object_type="care_plan",
                    criterion=f"område:{area}",
                )
    shown = [s for s in current if s.area not in hidden]
    labels = dict(Area.choices)
    return {
        "plan_lines": [plain_line(v) for v in _service_views(shown, [])],
        "plan_hidden": [str(labels.get(a, a)) for a in sorted(hidden)],
        "plan_citizen_id": access.citizen_id,
    }


def plain_line(v: ServiceView) -> str:
    """'Du får hjælp til …' in plain Danish, for the citizen and relatives."""
    who = f" fra {v.provider}" if v.provider else ""
    until = f" til og med {v.service.granted_to:%d.%m.%Y}" if v.service.granted_to else ""
    two = " Der kommer to medarbejdere." if v.service.double_staffing else ""
    return (
        f"{v.name}: {v.frequency}, ca. {v.service.minutes} minutter hver gang{who}, "
        f"fra {v.service.granted_from:%d.%m.%Y}{until}.{two}"
    )


# --- worklists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Worklist:
    requests: list[Request]
    follow_ups: list[FollowUp]
    unsent: list[Decision]
    today: dt.date


@transaction.atomic
def visitation_worklist(*, actor: Actor) -> Worklist:
    """New requests, due and overdue follow-ups, decisions still to send — across citizens,
    as the policy allows, one access-log statement for everyone shown."""
    today = timezone.localdate()
    if not has_permission(actor, Permission.VISITATION):
        return Worklist([], [], [], today)
    requests = list(
        Request.objects.visible_to(actor)
        .filter(status=RequestStatus.NEW)
        .select_related("citizen")
        .order_by("received_at")[:LIST_LIMIT]
    )
    follow_ups = list(
        FollowUp.objects.visible_to(actor)
        .filter(done_at__isnull=True, due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
        .select_related("citizen", "service")
        .order_by("due_on")[:LIST_LIMIT]
    )
    unsent = list(
        Decision.objects.visible_to(actor)
        .filter(sent_at__isnull=True)
        .select_related("citizen")
        .order_by("decided_at")[:LIST_LIMIT]
    )
    record_many(actor=actor, rows=[*requests, *follow_ups, *unsent], object_type="care_worklist")
    return Worklist(requests, follow_ups, unsent, today)


@dataclass(frozen=True)
class TeamList:
    new: list[ServiceView]
    ending: list[ServiceView]
    overdue: list[FollowUp]
    today: dt.date


@transaction.atomic
def team_services(*, actor: Actor) -> TeamList:
    """A team leader's services: new (starting within the last/next two weeks) and ending
    (within 30 days) for the teams under the leader, and their overdue follow-ups."""
    today = timezone.localdate()
    if not has_permission(actor, Permission.TEAM_SERVICES):
        return TeamList([], [], [], today)
    units = policy._unit_subtree_ids(actor)
    base = (
        Service.objects.visible_to(actor)
        .filter(provider_unit_id__in=units, status=ServiceStatus.GRANTED)
        .select_related("citizen", "provider_unit")
    )
    new = list(
        base.filter(
            granted_from__gte=today - dt.timedelta(days=NEW_DAYS),
            granted_from__lte=today + dt.timedelta(days=NEW_DAYS),
        ).order_by("granted_from")[:LIST_LIMIT]
    )
    ending = list(
        base.filter(
            granted_to__gte=today, granted_to__lte=today + dt.timedelta(days=ENDING_DAYS)
        ).order_by("granted_to")[:LIST_LIMIT]
    )
    overdue = list(
        FollowUp.objects.visible_to(actor)
        .filter(service__provider_unit_id__in=units, done_at__isnull=True, due_on__lt=today)
        .select_related("citizen", "service")
        .order_by("due_on")[:LIST_LIMIT]
    )
    record_many(actor=actor, rows=[*new, *ending, *overdue], object_type="care_team_list")
    return TeamList(_service_views(new, []), _service_views(ending, []), overdue, today)


@transaction.atomic
def follow_up_get(*, actor: Actor, follow_up_id: Any) -> FollowUp:
    row: FollowUp = _read(FollowUp, actor, follow_up_id, "care_follow_up")
    return row


@transaction.atomic
def citizen_heading(*, actor: Actor, citizen_id: Any, object_type: str = "care_request") -> Any:
    """The citizen a form is about (name and address for the heading), through the gate."""
    return gate.citizen_open(actor=actor, citizen_id=citizen_id, object_type=object_type).citizen


def provider_units(*, actor: Actor) -> list[Any]:
    """The municipality's active units a service can be granted to (reference data)."""
    return list(
        OrgUnit.objects.for_municipality(actor.municipality)
        .filter(is_active=True, kind=UnitKind.TEAM)
        .order_by("name")
    )


def decision_services(*, decision: Decision) -> list[ServiceView]:
    """The services of a decision already read through the gate (`decision_get`)."""
    rows = list(decision.services.select_related("provider_unit").order_by("created_at"))
    return _service_views(rows, [])
