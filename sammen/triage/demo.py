"""The triage demo stream: vital-sign histories and colours so the board has realistic greens,
some yellows and a red or two today, whatever day the demo starts.

Per citizen in elderly care (deterministic from `ctx.rng`, times relative to `ctx.today`):
most are green (a measurement every two to three weeks, TOBS 0, stable weight); about one in
ten is yellow (a change form in the last days, TOBS 1–2, some with weight loss of 5 % or more
over three months, an open follow-up — some overdue); two are red since last night (TOBS 3 or
more, a follow-up due today). Scores are computed with the same pure functions as the app.
Bulk inserts only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sammen.citizens.models import Responsibility
from sammen.core.demo_streams import DemoContext
from sammen.organisation.models import Area, Membership, Role
from sammen.triage import catalogue, scoring
from sammen.triage.models import (
    ChangeReport,
    CitizenTriage,
    FollowUpTask,
    Kind,
    Observation,
    Reason,
    ScoreRecord,
    TriageAssessment,
)

HABITUEL = "fc025609-8d3c-4d36-aa44-19fe839d548f"
AGITERET = "4d5eeb61-a9b4-40cc-af45-4e8e2caa6db0"
HISTORY_DAYS = 90
BATCH = 5000


class _Rows:
    def __init__(self) -> None:
        self.obs: list[Observation] = []
        self.scores: list[ScoreRecord] = []
        self.reports: list[ChangeReport] = []
        self.assessments: list[TriageAssessment] = []
        self.states: list[CitizenTriage] = []
        self.tasks: list[FollowUpTask] = []

    def flush(self) -> int:
        n = 0
        groups: tuple[tuple[Any, list[Any]], ...] = (
            (Observation, self.obs),
            (ScoreRecord, self.scores),
            (ChangeReport, self.reports),
            (TriageAssessment, self.assessments),
            (CitizenTriage, self.states),
            (FollowUpTask, self.tasks),
        )
        for model, rows in groups:
            model.objects.bulk_create(rows, batch_size=BATCH)
            n += len(rows)
        return n


def _uuid(ctx: DemoContext) -> uuid.UUID:
    return uuid.UUID(int=ctx.rng.getrandbits(128), version=4)


def _at(ctx: DemoContext, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def _vitals(ctx: DemoContext, severity: int) -> dict[str, Any]:
    r = ctx.rng
    if severity == 0:
        return {
            Kind.PULSE: r.randint(60, 86),
            Kind.RESPIRATION: r.randint(13, 19),
            Kind.TEMPERATURE: Decimal(r.randint(362, 376)) / 10,
            Kind.SYSTOLIC: r.randint(112, 160),
            Kind.CONSCIOUSNESS: HABITUEL,
        }
    if severity == 1:
        return {
            Kind.PULSE: r.randint(90, 104),
            Kind.RESPIRATION: r.randint(14, 20),
            Kind.TEMPERATURE: Decimal(r.randint(372, 385)) / 10,
            Kind.SYSTOLIC: r.randint(105, 150),
            Kind.CONSCIOUSNESS: HABITUEL,
        }
    return {
        Kind.PULSE: r.randint(112, 126),
        Kind.RESPIRATION: r.randint(21, 24),
        Kind.TEMPERATURE: Decimal(r.randint(384, 394)) / 10,
        Kind.SYSTOLIC: r.randint(92, 118),
        Kind.CONSCIOUSNESS: r.choice([HABITUEL, AGITERET]),
    }


def triage_demo_stream(ctx: DemoContext) -> int:
    """Registered with the demo generator (sammen.core.demo_streams, order 40)."""
    staff: dict[str, list[tuple[Any, Any]]] = {}
    for staff_id, unit_id, role in Membership.objects.filter(
        municipality=ctx.municipality, staff__is_active=True
    ).values_list("staff_id", "unit_id", "role"):
        staff.setdefault(role, []).append((staff_id, unit_id))
    helpers = staff.get(Role.SOSU_HELPER, []) + staff.get(Role.SOSU_ASSISTANT, [])
    nurses = staff.get(Role.NURSE, [])
    if not helpers or not nurses:
        return 0
    elderly = set(
        Responsibility.objects.filter(
            municipality=ctx.municipality, area=Area.ELDERLY_HEALTH, until__isnull=True
        ).values_list("citizen_id", flat=True)
    )
    citizens = [c for c in ctx.citizens if c.pk in elderly]
    if not citizens:
        return 0
    reds = set(ctx.rng.sample(range(len(citizens)), k=min(2, len(citizens))))
    kinds = catalogue.kinds()
    rules = scoring.rules_load()
    form = catalogue.change_form()
    rows = _Rows()
    today = ctx.today

    def measure(citizen: Any, at: dt.datetime, severity: int, weight: Decimal | None) -> Any:
        author_id, unit_id = ctx.rng.choice(helpers)
        set_id = _uuid(ctx)
        readings: dict[str, scoring.Reading] = {}
        values = _vitals(ctx, severity)
        for kind, value in values.items():
            obs_id = _uuid(ctx)
            is_code = kind == Kind.CONSCIOUSNESS
            rows.obs.append(
                Observation(
                    id=obs_id,
                    municipality=ctx.municipality,
                    citizen_id=citizen.pk,
                    set_id=set_id,
                    kind=kind,
                    value=None if is_code else Decimal(value),
                    code=value if is_code else "",
                    unit=kinds[kind].unit,
                    codes=kinds[kind].codes,
                    site="rectal" if kind == Kind.TEMPERATURE else "",
                    measured_at=at,
                    author_id=author_id,
                    role=Role.SOSU_HELPER,
                    unit_org_id=unit_id,
                    chain_id=obs_id,
                )
            )
            readings[kind] = scoring.Reading(value if is_code else Decimal(value), at, "rectal")
        if weight is not None:
            obs_id = _uuid(ctx)
            rows.obs.append(
                Observation(
                    id=obs_id,
                    municipality=ctx.municipality,
                    citizen_id=citizen.pk,
                    set_id=set_id,
                    kind=Kind.WEIGHT,
                    value=weight,
                    unit="kg",
                    codes=kinds[Kind.WEIGHT].codes,
                    measured_at=at,
                    author_id=author_id,
                    role=Role.SOSU_HELPER,
                    unit_org_id=unit_id,
                    chain_id=obs_id,
                )
            )
        result = scoring.tobs_score(readings, at=at, rules=rules)
        record = ScoreRecord(
            id=_uuid(ctx),
            municipality=ctx.municipality,
            citizen_id=citizen.pk,
            set_id=set_id,
            system=scoring.TOBS,
            total=result.total,
            known=result.known,
            colour=result.colour or "",
            action=result.action,
            missing=[],
            scored_at=at,
            rules_version=result.rules_version,
            author_id=author_id,
        )
        rows.scores.append(record)
        return record, author_id

    def assess(
        citizen: Any,
        colour: str,
        reason: str,
        text: str,
        at: dt.datetime,
        by: Any,
        role: str,
        score: Any = None,
        report: Any = None,
    ) -> TriageAssessment:
        hours = catalogue.triage_rules().review_hours.get(colour)
        a = TriageAssessment(
            id=_uuid(ctx),
            municipality=ctx.municipality,
            citizen_id=citizen.pk,
            colour=colour,
            reason=reason,
            text=text,
            score=score,
            change_report=report,
            set_by_id=by,
            role=role,
            set_at=at,
            review_due=at + dt.timedelta(hours=hours) if hours else None,
        )
        rows.assessments.append(a)
        return a

    for index, citizen in enumerate(citizens):
        roll = ctx.rng.random()
        colour = "red" if index in reds else ("yellow" if roll < 0.1 else "green")
        weight0 = Decimal(ctx.rng.randint(480, 860)) / 10
        losing = colour != "green" and ctx.rng.random() < 0.5
        day = today - dt.timedelta(days=HISTORY_DAYS)
        step = 0
        while day < today - dt.timedelta(days=3):
            loss = Decimal("0.02") * step if losing else Decimal(0)
            weight = (weight0 * (1 - loss)).quantize(Decimal("0.1"))
            measure(citizen, _at(ctx, day, ctx.rng.randint(8, 14)), 0, weight)
            day += dt.timedelta(days=ctx.rng.randint(14, 21))
            step += 1
        green_by = ctx.rng.choice(nurses)[0]
        first = assess(
            citizen,
            "green",
            Reason.REVIEW,
            "Vanlig tilstand.",
            _at(ctx, today - dt.timedelta(days=HISTORY_DAYS), 9),
            green_by,
            Role.NURSE,
        )
        current = first
        if colour == "yellow":
            when = _at(ctx, today - dt.timedelta(days=ctx.rng.randint(1, 3)), 10)
            items = ctx.rng.sample(
                [
                    "spise-drikke/drikker-mindre",
                    "hverdagsaktiviteter/mindre-aktiv",
                    "psykisk-socialt/trist",
                ],
                k=1,
            )
            author_id = ctx.rng.choice(helpers)[0]
            report = ChangeReport(
                id=_uuid(ctx),
                municipality=ctx.municipality,
                citizen_id=citizen.pk,
                template_key=form.key,
                template_version=form.version,
                items=items,
                suggested="yellow",
                reported_at=when,
                author_id=author_id,
                role=Role.SOSU_HELPER,
            )
            rows.reports.append(report)
            score, _by = measure(citizen, when + dt.timedelta(minutes=10), 1, None)
            labels = "; ".join(i.label for k in items if (i := form.item(k)))
            current = assess(
                citizen,
                "yellow",
                Reason.CHANGE_FORM,
                labels,
                when,
                author_id,
                Role.SOSU_HELPER,
                report=report,
            )
        elif colour == "red":
            when = (
                _at(ctx, today, 0, 30)
                if index == min(reds)
                else _at(ctx, today - dt.timedelta(days=1), 21)
            )
            score, by = measure(citizen, when, 2, None)
            total = score.total if score.total is not None else score.known
            current = assess(
                citizen,
                "red",
                Reason.SCORE,
                f"TOBS {total}",
                when,
                by,
                Role.SOSU_HELPER,
                score=score,
            )
        rows.states.append(
            CitizenTriage(
                id=_uuid(ctx),
                municipality=ctx.municipality,
                citizen_id=citizen.pk,
                assessment=current,
                colour=current.colour,
                review_due=current.review_due,
            )
        )
        if colour != "green":
            owner = ctx.rng.choice(nurses if colour == "red" else helpers)[0]
            hours = 24 if colour == "red" else ctx.rng.choice([24, 48])
            overdue = colour == "yellow" and ctx.rng.random() < 0.3
            start = current.set_at - (dt.timedelta(days=2) if overdue else dt.timedelta(0))
            rows.tasks.append(
                FollowUpTask(
                    id=_uuid(ctx),
                    municipality=ctx.municipality,
                    citizen_id=citizen.pk,
                    assessment=current,
                    title=ctx.rng.choice(
                        [
                            "Ring til egen læge",
                            "Gentag TOBS 3 gange i døgnet",
                            "Tilbyd væske hver time",
                            "Tjek urin og blodsukker",
                        ]
                    )
                    if colour == "red"
                    else ctx.rng.choice(
                        ["Daglig opfølgning: væske og mad", "Vej borgeren", "Tal med datteren"]
                    ),
                    owner_id=owner,
                    due_at=start + dt.timedelta(hours=hours),
                    created_by_id=ctx.rng.choice(nurses)[0],
                )
            )
        ctx.progress("triage", index + 1, len(citizens))
    return rows.flush()
