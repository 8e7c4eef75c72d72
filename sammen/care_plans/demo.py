"""The care chain's demo stream: visitation histories for every generated citizen.

Each citizen in care gets one to three rounds of request → assessment → decision over the
demo's years: services from the municipality's service catalogue (FFB ydelser under SEL § 85
for the adult social area) with legal basis, frequency and norm, granted to the citizen's
responsible team (now and then a private provider), a goal linked to them, and follow-ups with
E codes. Some requests are refused, some follow-ups end in re-visitation, a few recent
decisions are not yet sent, a few follow-ups are overdue, and a few requests are new.
Deterministic from `ctx.rng`; bulk inserts only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from sammen.care_plans.catalogues import law_catalogue, service_catalogue
from sammen.care_plans.models import (
    Case,
    CaseStatus,
    Decision,
    DecisionOutcome,
    FollowUp,
    Goal,
    GoalKind,
    Request,
    RequestStatus,
    Service,
    ServiceStatus,
)
from sammen.care_plans.selectors import (
    VS_FFB_YDELSER,
    VS_RESULT,
    VS_SOURCE,
)
from sammen.citizens.models import CitizenStatus, Responsibility
from sammen.organisation.models import Area, Role
from sammen.terminology.selectors import value_sets_get

BATCH = 5000
SUBJECTS = [
    "Har svært ved at klare personlig hygiejne",
    "Udskrevet efter hoftefraktur",
    "Pårørende bekymret: spiser for lidt",
    "Kan ikke længere gøre rent",
    "Behov for hjælp til medicin",
    "Faldet flere gange i hjemmet",
]
SOCIAL_SUBJECTS = [
    "Ønsker støtte til at klare hverdagen i egen bolig",
    "Henvendelse fra psykiatrien om udskrivning",
]
GOALS = [
    "Klare badet selv igen",
    "Kunne gå til bageren med rollator",
    "Blive boende i eget hjem",
    "Spise tre måltider om dagen",
    "Have overskud til at se børnebørnene",
]
PRIVATE = ["Omsorgsgruppen ApS", "Hjemmehjælp Syd A/S"]


class _Rows:
    def __init__(self) -> None:
        self.rows: dict[type, list[Any]] = {}
        self.links: list[Any] = []
        self.written = 0

    def add(self, obj: Any) -> Any:
        self.rows.setdefault(type(obj), []).append(obj)
        return obj

    def flush(self, force: bool = False) -> None:
        if not force and sum(len(v) for v in self.rows.values()) < BATCH:
            return
        for model in (Request, Case, Decision, Service, Goal, FollowUp):
            rows = self.rows.pop(model, [])
            model.objects.bulk_create(rows, batch_size=1000)
            self.written += len(rows)
        Goal.services.through.objects.bulk_create(self.links, batch_size=1000)
        self.written += len(self.links)
        self.links = []


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def care_plans_demo_stream(ctx: Any) -> int:
    """Registered with the demo generator (sammen.core.demo_streams, order 30)."""
    rng = ctx.rng
    sets = value_sets_get(keys=[VS_SOURCE, VS_RESULT, VS_FFB_YDELSER])
    sources = [c.code for c in sets[VS_SOURCE].active_choices()] if VS_SOURCE in sets else [""]
    results = {c.legacy_code: c.code for c in sets[VS_RESULT].choices} if VS_RESULT in sets else {}
    ffb = [c.code for c in sets[VS_FFB_YDELSER].active_choices()] if VS_FFB_YDELSER in sets else []
    catalogue = service_catalogue(ctx.municipality.code)
    law = law_catalogue()
    home = sorted(catalogue.services.values(), key=lambda s: s.code)
    assessors: list[Any] = ctx.staff_by_role.get(Role.ASSESSOR) or next(
        iter(ctx.staff_by_role.values()), []
    )
    if not assessors or not home:
        return 0
    responsible: dict[Any, tuple[str, Any, dt.date]] = {}
    for citizen_id, area, unit_id, since in (
        Responsibility.objects.filter(municipality=ctx.municipality, until__isnull=True)
        .order_by("since")
        .values_list("citizen_id", "area", "unit_id", "since")
    ):
        responsible[citizen_id] = (area, unit_id, since)
    earliest = ctx.today - dt.timedelta(days=365 * ctx.years)
    out = _Rows()
    total = len(ctx.citizens)
    m = ctx.municipality
    for done, citizen in enumerate(ctx.citizens, 1):
        if citizen.pk not in responsible:
            if rng.random() < 0.3:  # waiting for a first assessment
                out.add(
                    Request(
                        municipality=m,
                        citizen_id=citizen.pk,
                        area=Area.ELDERLY_HEALTH,
                        source_code=rng.choice(sources),
                        subject=rng.choice(SUBJECTS),
                        received_at=_at(ctx.today - dt.timedelta(days=rng.randint(0, 6)), 9),
                        received_by=rng.choice(assessors),
                        status=RequestStatus.NEW,
                    )
                )
            continue
        area, unit_id, since = responsible[citizen.pk]
        social = area == Area.DISABILITY_PSYCHIATRY
        if area not in (Area.ELDERLY_HEALTH, Area.DISABILITY_PSYCHIATRY):
            continue
        start = max(since, earliest)
        span = max(1, (ctx.today - start).days)
        rounds = 1 if span < 200 else rng.choice([1, 2, 2, 3])
        days = sorted(rng.sample(range(span), k=min(rounds, span)))
        ended = citizen.status != CitizenStatus.ACTIVE
        for n, offset in enumerate(days):
            received = start + dt.timedelta(days=offset)
            last = n == len(days) - 1
            by = rng.choice(assessors)
            req = out.add(
                Request(
                    id=uuid.uuid4(),
                    municipality=m,
                    citizen_id=citizen.pk,
                    area=area,
                    source_code=rng.choice(sources),
                    subject=rng.choice(SOCIAL_SUBJECTS if social else SUBJECTS),
                    received_at=_at(received, 10),
                    received_by=by,
                    status=RequestStatus.DECIDED,
                )
            )
            case = out.add(
                Case(
                    id=uuid.uuid4(),
                    municipality=m,
                    citizen_id=citizen.pk,
                    request_id=req.pk,
                    area=area,
                    assessor=by,
                    status=CaseStatus.DECIDED,
                    citizen_view="Vil gerne klare så meget som muligt selv.",
                    overall_assessment="Behov for hjælp i en periode; følges op.",
                )
            )
            wait = rng.randint(1, 21)
            decided_on = min(received + dt.timedelta(days=wait), ctx.today)
            refused = rng.random() < 0.07
            decision = out.add(
                Decision(
                    id=uuid.uuid4(),
                    municipality=m,
                    citizen_id=citizen.pk,
                    case_id=case.pk,
                    area=area,
                    outcome=DecisionOutcome.REFUSED if refused else DecisionOutcome.GRANTED,
                    reasoning="Afgørelsen bygger på udredningen og kvalitetsstandarden.",
                    decided_at=_at(decided_on, 14),
                    decided_by=by,
                    waiting_days=wait,
                    sent_at=None if last and rng.random() < 0.05 else _at(decided_on, 15),
                    law_catalogue_version=law.version,
                )
            )
            next_start = start + dt.timedelta(days=days[n + 1]) if not last else None
            picks = (
                [(c, "sel-85", 60) for c in rng.sample(ffb, k=min(len(ffb), rng.randint(1, 2)))]
                if social
                else [
                    (s.code, s.legal_basis, s.minutes)
                    for s in rng.sample(home, k=rng.randint(1, 3))
                ]
            )
            granted: list[Service] = []
            for code, basis, minutes in picks:
                private = not social and rng.random() < 0.1
                until = next_start or (citizen.status_date if ended else None)
                service = out.add(
                    Service(
                        id=uuid.uuid4(),
                        municipality=m,
                        citizen_id=citizen.pk,
                        decision_id=decision.pk,
                        area=area,
                        code=code,
                        code_system="urn:oid:1.2.208.176.2.22"
                        if social
                        else "urn:oid:1.2.208.176.2.21",
                        legal_basis=basis,
                        granted_from=decided_on,
                        granted_to=max(until, decided_on) if until else None,
                        times=rng.choice([1, 1, 2, 3, 7]),
                        per=rng.choice(["week", "week", "day"]),
                        weekdays=sorted(rng.sample(range(1, 8), k=rng.randint(0, 3))),
                        minutes=minutes or 15,
                        provider_unit_id=None if private else unit_id,
                        private_provider=rng.choice(PRIVATE) if private else "",
                        double_staffing=rng.random() < 0.03,
                        instructions="Borgeren ønsker at gøre så meget som muligt selv.",
                        status=ServiceStatus.REFUSED
                        if refused
                        else (
                            ServiceStatus.ENDED
                            if until and until <= ctx.today
                            else ServiceStatus.GRANTED
                        ),
                        refusal_reason="Borgeren kan klare opgaven med hjælpemidler."
                        if refused
                        else "",
                    )
                )
                if not refused:
                    granted.append(service)
            if granted:
                goal = out.add(
                    Goal(
                        id=uuid.uuid4(),
                        municipality=m,
                        citizen_id=citizen.pk,
                        case_id=case.pk,
                        area=area,
                        kind=GoalKind.CITIZEN,
                        text=rng.choice(GOALS),
                    )
                )
                out.links.extend(
                    Goal.services.through(goal_id=goal.pk, service_id=s.pk) for s in granted
                )
            for service in granted:
                due = decided_on + dt.timedelta(days=90)
                stop = service.granted_to or ctx.today + dt.timedelta(days=60)
                while due <= stop:
                    if due > ctx.today or (last and rng.random() < 0.02):
                        out.add(
                            FollowUp(
                                municipality=m,
                                citizen_id=citizen.pk,
                                service_id=service.pk,
                                area=area,
                                due_on=due,
                            )
                        )
                        break
                    code = "E4" if (not last and due + dt.timedelta(days=90) > stop) else "E1"
                    out.add(
                        FollowUp(
                            municipality=m,
                            citizen_id=citizen.pk,
                            service_id=service.pk,
                            area=area,
                            due_on=due,
                            done_at=_at(due, 11),
                            done_by=by,
                            result_code=results.get(code, ""),
                            note="Fulgt op med borgeren.",
                        )
                    )
                    due += dt.timedelta(days=90)
        out.flush()
        if done % 200 == 0 or done == total:
            ctx.progress("Visitation", done, total)
    out.flush(force=True)
    return out.written
