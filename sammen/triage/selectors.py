"""Reads of early detection. One citizen's page through the gate (`CitizenAccess`, logged with
object_type "triage"); the board (tavlemøde) as a list across citizens with `visible_to` and
one `record_many` for everyone shown, in the list's transaction. The board costs a fixed
number of queries whatever the number of citizens (tests/test_query_budgets.py)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sammen.access import gate
from sammen.access.lists import record_many
from sammen.access.models import Purpose
from sammen.core.actor import Actor
from sammen.core.ids import parse_uuid
from sammen.organisation.models import Membership, StaffMember
from sammen.triage import catalogue, scoring
from sammen.triage.models import (
    ChangeReport,
    CitizenTriage,
    Colour,
    FollowUpTask,
    Kind,
    Notification,
    Observation,
    ScaleTwoDecision,
    ScoreRecord,
    Status,
    TriageAssessment,
)

OBJECT_TYPE = "triage"
TREND_POINTS = 10
BOARD_MAX = 300


def scale_two_documented(citizen_id: Any) -> bool:
    """Is hypercapnic respiratory failure (SpO2 target 88–92 %) documented and not withdrawn?
    Called under a `CitizenAccess` the caller already holds."""
    newest = ScaleTwoDecision.objects.filter(citizen_id=citizen_id).order_by("-decided_at").first()
    return bool(newest and newest.active)


def _observations(access: gate.CitizenAccess) -> Any:
    return Observation.objects.filter(citizen_id=access.citizen_id)


@dataclass(frozen=True)
class ObservationRow:
    obs: Observation
    label: str
    shown: str  # value with unit, or the consciousness label
    corrected: bool


@dataclass(frozen=True)
class SetView:
    set_id: uuid.UUID
    measured_at: dt.datetime
    author: str
    rows: list[ObservationRow]
    scores: list[ScoreRecord]


def value_shown(obs: Observation) -> str:
    if obs.kind == Kind.CONSCIOUSNESS:
        level = scoring.rules_load().consciousness.get(obs.code)
        return level.label if level else obs.code
    value = obs.value if obs.value is not None else Decimal(0)
    text = f"{value.normalize():f}".replace(".", ",")
    extra = ""
    if obs.kind == Kind.TEMPERATURE and obs.site:
        extra = f" ({obs.get_site_display().lower()})"
    if obs.kind == Kind.SPO2:
        extra = f" ({obs.get_oxygen_display().lower()}, skala {obs.spo2_scale or 1})"
    return f"{text} {obs.unit}{extra}".replace(" /min", "/min").strip()


@dataclass
class TriagePage:
    citizen: Any
    access: gate.CitizenAccess
    current: CitizenTriage | None
    assessments: list[TriageAssessment]
    sets: list[SetView]
    latest: dict[str, ScoreRecord]
    tasks: list[FollowUpTask]
    reports: list[ChangeReport]
    scale_two: bool
    review_overdue: bool
    staff: list[StaffMember] = field(default_factory=list)


def triage_page(*, actor: Actor, citizen_id: Any, sets: int = 5) -> TriagePage:
    access = gate.citizen_open(actor=actor, citizen_id=citizen_id, object_type=OBJECT_TYPE)
    # The gate decided and logged before anything of the citizen is read (outside any
    # transaction, so a refusal's log row stays).
    cid = access.citizen_id
    current = (
        CitizenTriage.objects.filter(citizen_id=cid).select_related("assessment__set_by").first()
    )
    assessments = list(
        TriageAssessment.objects.filter(citizen_id=cid).select_related("set_by")[:10]
    )
    recent_sets = list(
        _observations(access)
        .order_by("-measured_at")
        .values_list("set_id", flat=True)
        .distinct()[: sets * 10]
    )
    set_ids = list(dict.fromkeys(recent_sets))[:sets]
    obs = list(
        _observations(access)
        .filter(set_id__in=set_ids, status=Status.VALID, replaced_by__isnull=True)
        .select_related("author")
    )
    corrected = set(
        Observation.objects.filter(
            citizen_id=cid, set_id__in=set_ids, replaces__isnull=False
        ).values_list("chain_id", flat=True)
    )
    scores = list(
        ScoreRecord.objects.filter(citizen_id=cid, set_id__in=set_ids).order_by("created_at")
    )
    newest_score: dict[tuple[uuid.UUID, str], ScoreRecord] = {}
    for s in scores:
        newest_score[(s.set_id, s.system)] = s
    kinds = catalogue.kinds()
    by_set: dict[uuid.UUID, list[Observation]] = defaultdict(list)
    for o in obs:
        by_set[o.set_id].append(o)
    order = list(Kind.values)
    views = []
    for sid in set_ids:
        rows = sorted(by_set.get(sid, []), key=lambda o: order.index(o.kind))
        if not rows:
            continue
        views.append(
            SetView(
                set_id=sid,
                measured_at=rows[0].measured_at,
                author=rows[0].author.full_name,
                rows=[
                    ObservationRow(o, kinds[o.kind].label, value_shown(o), o.chain_id in corrected)
                    for o in rows
                ],
                scores=[
                    newest_score[(sid, system)]
                    for system in (scoring.TOBS, scoring.NEWS2)
                    if (sid, system) in newest_score
                ],
            )
        )
    latest: dict[str, ScoreRecord] = {}
    for system in (scoring.TOBS, scoring.NEWS2):
        record = (
            ScoreRecord.objects.filter(citizen_id=cid, system=system)
            .order_by("-scored_at", "-created_at")
            .first()
        )
        if record is not None:
            latest[system] = record
    tasks = list(
        FollowUpTask.objects.filter(citizen_id=cid, done_at__isnull=True).select_related("owner")
    )
    reports = list(ChangeReport.objects.filter(citizen_id=cid).select_related("author")[:5])
    now = timezone.now()
    staff = team_staff(actor=actor)
    return TriagePage(
        citizen=access.citizen,
        access=access,
        current=current,
        assessments=assessments,
        sets=views,
        latest=latest,
        tasks=tasks,
        reports=reports,
        scale_two=scale_two_documented(cid),
        review_overdue=bool(current and current.review_due and current.review_due < now),
        staff=staff,
    )


def team_staff(*, actor: Actor) -> list[StaffMember]:
    """The active staff of the actor's unit (owners for follow-up tasks)."""
    return list(
        StaffMember.objects.filter(
            pk__in=Membership.objects.filter(unit=actor.unit).values("staff_id"), is_active=True
        )
    )


def follow_up_get(*, actor: Actor, task_id: Any) -> FollowUpTask:
    """A follow-up task, its citizen decided and logged by the gate (404 for a foreign or
    missing id alike)."""
    pk = parse_uuid(task_id)
    task = (
        FollowUpTask.objects.for_municipality(actor.municipality)
        .select_related("citizen")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise gate.unknown_id_logged(actor=actor, object_id=pk, object_type=OBJECT_TYPE)
    gate.citizen_read(actor=actor, citizen=task.citizen, object_type=OBJECT_TYPE)
    return task


def observation_for_correction(*, actor: Actor, observation_id: Any) -> Observation:
    pk = parse_uuid(observation_id)
    obs = (
        Observation.objects.for_municipality(actor.municipality)
        .select_related("citizen")
        .filter(pk=pk)
        .first()
    )
    if obs is None:
        raise gate.unknown_id_logged(actor=actor, object_id=pk, object_type=OBJECT_TYPE)
    gate.citizen_read(actor=actor, citizen=obs.citizen, object_type=OBJECT_TYPE)
    return obs


# --- the board ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskView:
    task: FollowUpTask
    overdue: bool


@dataclass
class BoardRow:
    triage: CitizenTriage
    citizen: Any
    review_overdue: bool
    tobs_trend: list[int] = field(default_factory=list)
    weight_trend: list[Decimal] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    tasks: list[TaskView] = field(default_factory=list)

    @property
    def sparkline(self) -> str:
        return _sparkline([Decimal(v) for v in self.tobs_trend], low=Decimal(0))

    @property
    def weight_sparkline(self) -> str:
        return _sparkline(self.weight_trend)


_BARS = "▁▂▃▄▅▆▇█"


def _sparkline(values: list[Decimal], low: Decimal | None = None) -> str:
    if not values:
        return ""
    lo = min(values) if low is None else low
    hi = max(values)
    span = hi - lo
    if span == 0:
        return _BARS[0] * len(values)
    return "".join(_BARS[int((v - lo) / span * (len(_BARS) - 1))] for v in values)


@dataclass
class Board:
    unit: Any
    rows: list[BoardRow]
    now: dt.datetime
    counts: dict[str, int]
    notes: list[Notification] = field(default_factory=list)  # the actor's unread messages


def weight_loss_flag(weights: list[tuple[dt.datetime, Decimal]], now: dt.datetime) -> str | None:
    """Unintended weight loss (rule in data): the newest weight is `percent` % or more below
    the highest within `days`."""
    rules = catalogue.triage_rules()
    recent = [(t, w) for t, w in weights if t >= now - dt.timedelta(days=rules.weight_loss_days)]
    if len(recent) < 2:
        return None
    newest = max(recent, key=lambda p: p[0])[1]
    highest = max(w for _, w in recent)
    if highest and (highest - newest) / highest * 100 >= rules.weight_loss_percent:
        return rules.weight_loss_text % {
            "percent": rules.weight_loss_percent,
            "days": rules.weight_loss_days,
        }
    return None


def rising_flag(totals: list[int]) -> str | None:
    """The last `count` TOBS totals rise strictly (rule in data)."""
    n = catalogue.triage_rules().rising_count
    last = totals[-n:]
    if len(last) == n and all(a < b for a, b in itertools.pairwise(last)):
        return catalogue.triage_rules().rising_text % {"count": n}
    return None


@transaction.atomic
def board(*, actor: Actor, colours: tuple[str, ...] = (Colour.RED, Colour.YELLOW)) -> Board:
    """The morning board of the actor's team: every yellow and red citizen the actor may see on
    a list, red first, with why, trend, flags and open follow-up. One access-log INSERT for
    everyone shown."""
    now = timezone.now()
    states = list(
        CitizenTriage.objects.visible_to(actor, purpose=Purpose.CARE_RELATION)
        .filter(colour__in=colours)
        .select_related("citizen", "assessment__set_by")
        .order_by("citizen__last_name", "citizen__first_name")[:BOARD_MAX]
    )
    states.sort(key=lambda s: -scoring.colour_rank(s.colour))
    notes = list(
        Notification.objects.visible_to(actor, purpose=Purpose.CARE_RELATION)
        .filter(recipient=actor.staff, read_at__isnull=True)
        .select_related("citizen")[:20]
    )
    # One access-log INSERT for every citizen on the board and in the messages.
    record_many(actor=actor, rows=[*states, *notes], object_type=OBJECT_TYPE)
    ids = [s.citizen_id for s in states]
    rows = {
        s.citizen_id: BoardRow(
            triage=s,
            citizen=s.citizen,
            review_overdue=bool(s.review_due and s.review_due < now),
        )
        for s in states
    }
    since = now - dt.timedelta(days=catalogue.triage_rules().weight_loss_days)
    if ids:
        scores = (
            ScoreRecord.objects.filter(
                citizen_id__in=ids, system=scoring.TOBS, total__isnull=False, scored_at__gte=since
            )
            .order_by("citizen_id", "scored_at")
            .values_list("citizen_id", "total")
        )
        for cid, total in scores:
            rows[cid].tobs_trend.append(int(total or 0))
        weights: dict[Any, list[tuple[dt.datetime, Decimal]]] = defaultdict(list)
        for cid, at, value in (
            Observation.objects.filter(
                citizen_id__in=ids,
                kind=Kind.WEIGHT,
                status=Status.VALID,
                replaced_by__isnull=True,
                measured_at__gte=since,
            )
            .order_by("measured_at")
            .values_list("citizen_id", "measured_at", "value")
        ):
            if value is not None:
                weights[cid].append((at, value))
        for task in (
            FollowUpTask.objects.filter(citizen_id__in=ids, done_at__isnull=True)
            .select_related("owner")
            .order_by("due_at")
        ):
            rows[task.citizen_id].tasks.append(TaskView(task, task.due_at < now))
        for cid, row in rows.items():
            row.tobs_trend = row.tobs_trend[-TREND_POINTS:]
            row.weight_trend = [w for _, w in weights.get(cid, [])][-TREND_POINTS:]
            for flag in (weight_loss_flag(weights.get(cid, []), now), rising_flag(row.tobs_trend)):
                if flag:
                    row.flags.append(flag)
    counts = {c: sum(1 for s in states if s.colour == c) for c in colours}
    return Board(unit=actor.unit, rows=list(rows.values()), now=now, counts=counts, notes=notes)


def triage_section_load(actor: Actor, access: Any) -> dict[str, Any]:
    """The triage section on the citizen page: the colour and why (one query). Given the page's
    `CitizenAccess` (decided and logged by the citizen page); otherwise it asks the gate."""
    if not (isinstance(access, gate.CitizenAccess) and access.logged and access.actor == actor):
        access = gate.citizen_read(actor=actor, citizen=access, object_type=OBJECT_TYPE)
    current = (
        CitizenTriage.objects.filter(citizen_id=access.citizen_id)
        .select_related("assessment__set_by")
        .first()
    )
    now = timezone.now()
    return {
        "current": current,
        "review_overdue": bool(current and current.review_due and current.review_due < now),
    }
