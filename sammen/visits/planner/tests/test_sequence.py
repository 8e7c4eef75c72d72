"""Orders of stops → times (what the planner page uses when a leader drags a visit)."""

from __future__ import annotations

from sammen.visits.planner.checker import Rule, check
from sammen.visits.planner.model import Reason
from sammen.visits.planner.sequence import move, sequences, timed
from sammen.visits.planner.solver import plan
from sammen.visits.planner.synthetic import team_day


def test_a_solved_plan_timed_again_is_the_same_plan() -> None:
    request = team_day(staff=6, visits=40, seed=2)
    solved = plan(request, seconds=2)
    again = timed(request, sequences(solved))
    assert again.assignments() == solved.assignments()
    # As early as travel, windows and the other staff member allow: never later than the
    # solver's times (which may wait at a double-staffed visit's pinned start).
    before = {(r.staff_id, s.visit_id): s.start for r in solved.routes for s in r.stops}
    for r in again.routes:
        for s in r.stops:
            assert s.start <= before[(r.staff_id, s.visit_id)]
    verdict = check(request, again)
    assert verdict.violations == ()
    assert {u.reason for u in again.unplaced} <= {Reason.NOT_PLANNED}


def test_dragging_a_nursing_visit_to_a_helper_is_judged_by_the_checker() -> None:
    request = team_day(staff=6, visits=40, seed=2)
    solved = plan(request, seconds=2)
    shifts = {s.staff_id: s for s in request.shifts}
    visits = {v.visit_id: v for v in request.visits}
    orders = sequences(solved)
    nurse, vid = next(
        (staff, item)
        for staff, items in orders.items()
        for item in items
        if isinstance(item, str) and "sygepleje" in visits[item].skills
    )
    helper = next(s for s in shifts if "sygepleje" not in shifts[s].skills)
    moved = timed(request, move(orders, vid, nurse, helper, 0))
    verdict = check(request, moved)
    assert Rule.SKILL in verdict.rules()
    assert moved.assignments()[vid] == (helper,)


def test_double_staffed_visits_start_together_when_timed() -> None:
    request = team_day(staff=8, visits=60, seed=3)
    solved = plan(request, seconds=3)
    again = timed(request, sequences(solved))
    for v in request.visits:
        if v.staff_count == 2 and v.visit_id in again.assignments():
            starts = {s.start for r in again.routes for s in r.stops if s.visit_id == v.visit_id}
            assert len(starts) == 1
