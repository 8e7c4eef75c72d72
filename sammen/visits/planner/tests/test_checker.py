"""The checker catches each kind of broken hard rule: a hand-made valid plan, then one break at a
time."""

from __future__ import annotations

import dataclasses

import pytest

from sammen.visits.planner.checker import Rule, check
from sammen.visits.planner.model import (
    Break,
    CitizenWeek,
    Lock,
    Plan,
    PlanRequest,
    Reason,
    Route,
    Shift,
    Stop,
    StopKind,
    Unplaced,
    Visit,
    hm,
)
from sammen.visits.planner.travel import Point

OFFICE = Point(55.6415, 12.0803)
A = Point(55.6500, 12.0803)  # ~1 km north
B = Point(55.6415, 12.0950)  # ~1 km east

SHIFTS = (
    Shift(
        "m0",
        hm("07:00"),
        hm("15:00"),
        OFFICE,
        OFFICE,
        skills=frozenset({"medicin"}),
        breaks=(Break(hm("11:00"), hm("12:00"), 15),),
    ),
    Shift(
        "m1",
        hm("07:00"),
        hm("15:00"),
        OFFICE,
        OFFICE,
        breaks=(Break(hm("11:00"), hm("12:00"), 15),),
    ),
)
VISITS = (
    Visit(
        "v1",
        "b1",
        A,
        hm("08:00"),
        hm("10:00"),
        20,
        skills=frozenset({"medicin"}),
        preferred_staff=("m0",),
    ),
    Visit("d1", "b2", B, hm("09:00"), hm("11:00"), 30, staff_count=2, preferred_staff=("m1",)),
    Visit("f1", "b1", A, hm("12:00"), hm("14:00"), 10, fixed_start=hm("13:00")),
)
REQUEST = PlanRequest(
    shifts=SHIFTS, visits=VISITS, weeks=(CitizenWeek("b1", frozenset({"m5", "m6"}), 2),)
)


def stop(visit_id: str | None, start: int, minutes: int, kind: StopKind = StopKind.VISIT) -> Stop:
    return Stop(
        kind, visit_id, start, start + minutes, start, 0, 0 if kind is StopKind.BREAK else None
    )


PLAN = Plan(
    routes=(
        Route(
            "m0",
            hm("07:00"),
            hm("13:30"),
            (
                stop("v1", hm("08:00"), 20),
                stop("d1", hm("09:30"), 30),
                stop(None, hm("11:00"), 15, StopKind.BREAK),
                stop("f1", hm("13:00"), 10),
            ),
            5,
        ),
        Route(
            "m1",
            hm("07:00"),
            hm("11:30"),
            (
                stop("d1", hm("09:30"), 30),
                stop(None, hm("11:00"), 15, StopKind.BREAK),
            ),
            0,
        ),
    ),
    unplaced=(),
)


def with_stops(plan: Plan, staff: int, stops: tuple[Stop, ...]) -> Plan:
    routes = list(plan.routes)
    routes[staff] = dataclasses.replace(routes[staff], stops=stops)
    return dataclasses.replace(plan, routes=tuple(routes))


def test_the_hand_made_plan_is_valid_and_reported() -> None:
    verdict = check(REQUEST, PLAN)
    assert verdict.violations == ()
    report = verdict.report
    assert report.placed == 3
    assert (report.continuity_kept, report.continuity_wished) == (2, 2)
    assert report.continuity_cost == 10  # m0 on d1 is neither preferred nor recent
    assert report.overtime == 0
    assert report.driving > 0
    assert report.waiting > 0
    # b1 had m5 and m6 this week (max 2): m0 makes three.
    assert report.citizens_over_weekly_max == ("b1",)


m0 = PLAN.routes[0].stops
m1 = PLAN.routes[1].stops

BROKEN = {
    Rule.UNKNOWN_STAFF: (
        REQUEST,
        dataclasses.replace(
            PLAN, routes=(*PLAN.routes, Route("m9", hm("07:00"), hm("07:00"), (), 0))
        ),
    ),
    Rule.UNKNOWN_VISIT: (REQUEST, with_stops(PLAN, 0, (*m0, stop("nope", hm("14:00"), 10)))),
    Rule.ACCOUNTED: (REQUEST, with_stops(PLAN, 0, m0[:3])),
    Rule.STAFF_COUNT: (REQUEST, with_stops(PLAN, 1, m1[1:])),
    Rule.TOGETHER: (REQUEST, with_stops(PLAN, 1, (stop("d1", hm("09:35"), 30), m1[1]))),
    Rule.SKILL: (
        REQUEST,
        with_stops(with_stops(PLAN, 0, m0[1:]), 1, (stop("v1", hm("08:00"), 20), *m1)),
    ),
    Rule.WINDOW: (REQUEST, with_stops(PLAN, 0, (stop("v1", hm("09:50"), 20), *m0[1:]))),
    Rule.FIXED_TIME: (REQUEST, with_stops(PLAN, 0, (*m0[:3], stop("f1", hm("13:05"), 10)))),
    Rule.DURATION: (REQUEST, with_stops(PLAN, 0, (stop("v1", hm("08:00"), 19), *m0[1:]))),
    Rule.TRAVEL: (REQUEST, with_stops(PLAN, 0, (stop("v1", hm("07:01"), 20), *m0[1:]))),
    Rule.SHIFT_START: (
        REQUEST,
        dataclasses.replace(
            PLAN, routes=(dataclasses.replace(PLAN.routes[0], leave=hm("06:50")), PLAN.routes[1])
        ),
    ),
    Rule.SHIFT_END: (
        dataclasses.replace(
            REQUEST, shifts=(dataclasses.replace(SHIFTS[0], end=hm("13:10")), SHIFTS[1])
        ),
        PLAN,
    ),
    Rule.BREAK: (REQUEST, with_stops(PLAN, 1, m1[:1])),
    Rule.LOCK: (dataclasses.replace(REQUEST, locks=(Lock("v1", ("m1",)),)), PLAN),
    Rule.NOT_BEFORE: (dataclasses.replace(REQUEST, not_before=hm("08:30")), PLAN),
}


def test_every_rule_has_a_broken_example() -> None:
    assert set(BROKEN) == set(Rule)


@pytest.mark.parametrize("rule", list(BROKEN))
def test_the_checker_catches(rule: Rule) -> None:
    request, plan = BROKEN[rule]
    verdict = check(request, plan)
    assert not verdict.ok
    assert rule in verdict.rules()


def test_a_visit_listed_as_unplaced_and_planned_is_caught() -> None:
    plan = dataclasses.replace(PLAN, unplaced=(Unplaced("v1", Reason.NO_TIME),))
    assert Rule.ACCOUNTED in check(REQUEST, plan).rules()
    plan = dataclasses.replace(PLAN, unplaced=(Unplaced("zz", Reason.NO_TIME),))
    assert Rule.UNKNOWN_VISIT in check(REQUEST, plan).rules()


def test_overtime_within_the_allowance_is_reported_not_broken() -> None:
    request = dataclasses.replace(
        REQUEST,
        shifts=(dataclasses.replace(SHIFTS[0], end=hm("13:20"), max_overtime=30), SHIFTS[1]),
    )
    verdict = check(request, PLAN)
    assert verdict.ok
    assert verdict.report.overtime > 0
