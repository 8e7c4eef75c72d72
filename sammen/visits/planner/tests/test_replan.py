"""A staff member calls in sick: the rest of the day is planned again, moving few visits."""

from __future__ import annotations

from sammen.visits.planner.checker import check
from sammen.visits.planner.model import hm
from sammen.visits.planner.replan import replan
from sammen.visits.planner.solver import plan
from sammen.visits.planner.synthetic import team_day


def test_sick_at_half_past_seven_moves_few_visits_and_keeps_the_started() -> None:
    request = team_day(staff=8, visits=60, seed=5)
    before = plan(request, seconds=3)
    assert check(request, before).ok
    sick = "m04"
    at = hm("07:30")
    sick_visits = {s.visit_id for r in before.routes if r.staff_id == sick for s in r.stops}
    assert sick_visits

    after = replan(request, before, sick=sick, at=at, seconds=3)

    verdict = check(after.request, after.plan)
    assert verdict.violations == ()
    # What started before 07:30 is where it was.
    old = {(r.staff_id, s.visit_id, s.start) for r in before.routes for s in r.stops}
    new = {(r.staff_id, s.visit_id, s.start) for r in after.plan.routes for s in r.stops}
    assert {x for x in old if x[2] < at} <= new
    # The sick staff member does nothing from 07:30.
    assert not [
        s for r in after.plan.routes if r.staff_id == sick for s in r.stops if s.start >= at
    ]
    # Every visit is placed or listed with why.
    listed = {u.visit_id for u in after.plan.unplaced}
    assert listed | set(after.plan.assignments()) == {v.visit_id for v in request.visits}
    assert all(u.text for u in after.plan.unplaced)
    # Few moves: the sick staff member's visits, and at most a handful of others.
    others_moved = set(after.plan.moved) - sick_visits
    assert len(others_moved) <= 5
    previous = before.assignments()
    assert all(set(previous[v]) != set(after.plan.assignments()[v]) for v in after.plan.moved)


def test_sick_at_ten_keeps_the_morning() -> None:
    request = team_day(staff=6, visits=40, seed=7)
    before = plan(request, seconds=2)
    sick = next(
        r.staff_id
        for r in before.routes
        if any(s.start < hm("10:00") for s in r.stops)
        and any(s.start >= hm("10:00") for s in r.stops)
    )
    after = replan(request, before, sick=sick, at=hm("10:00"), seconds=2)
    assert check(after.request, after.plan).violations == ()
    morning = {
        (r.staff_id, s.visit_id, s.start)
        for r in before.routes
        for s in r.stops
        if s.start < hm("10:00")
    }
    assert morning <= {
        (r.staff_id, s.visit_id, s.start) for r in after.plan.routes for s in r.stops
    }
    sick_shift = next(s for s in after.request.shifts if s.staff_id == sick)
    assert sick_shift.end <= hm("11:00")
