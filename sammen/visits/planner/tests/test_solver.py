"""The solver's plans pass the independent checker — for any request (hypothesis), for a team day,
and with every kind of bad input, which is listed with its reason while the rest is planned."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sammen.visits.planner.checker import check
from sammen.visits.planner.model import (
    Break,
    CitizenWeek,
    Lock,
    Plan,
    PlanRequest,
    Reason,
    Shift,
    StopKind,
    Visit,
    hm,
)
from sammen.visits.planner.solver import plan
from sammen.visits.planner.synthetic import OFFICE, team_day
from sammen.visits.planner.travel import Point, TravelMode


def quick(request: PlanRequest) -> Plan:
    return plan(request, seconds=0.6, patience=1500)


def near(dlat: float, dlon: float) -> Point:
    return Point(round(OFFICE.lat + dlat, 5), round(OFFICE.lon + dlon, 5))


points = st.builds(near, st.floats(-0.02, 0.02), st.floats(-0.03, 0.03))
skills = st.frozensets(st.sampled_from(["sygepleje", "medicin"]), max_size=2)


@st.composite
def shifts(draw: st.DrawFn, index: int) -> Shift:
    start = draw(st.integers(hm("06:30"), hm("08:00")))
    end = start + draw(st.integers(240, 480))
    home = draw(st.one_of(st.just(OFFICE), points))
    breaks: tuple[Break, ...] = ()
    if draw(st.booleans()):
        earliest = start + draw(st.integers(60, 150))
        breaks = (Break(earliest, earliest + draw(st.integers(0, 60)), 15, OFFICE),)
    return Shift(
        staff_id=f"m{index}",
        start=start,
        end=end,
        start_place=home,
        end_place=home,
        mode=draw(st.sampled_from(list(TravelMode))),
        skills=draw(skills),
        breaks=breaks,
        max_overtime=draw(st.sampled_from([0, 0, 30])),
    )


@st.composite
def requests(draw: st.DrawFn) -> PlanRequest:
    n_staff = draw(st.integers(0, 4))
    staff = tuple(draw(shifts(i)) for i in range(n_staff))
    ids = [s.staff_id for s in staff] or ["m0"]
    visits = []
    for i in range(draw(st.integers(0, 12))):
        start = draw(st.integers(hm("07:00"), hm("12:00")))
        duration = draw(st.integers(5, 45))
        visits.append(
            Visit(
                visit_id=f"v{i}",
                citizen_id=f"b{i % 5}",
                place=draw(st.one_of(points, points, points, st.none())),
                window_start=start,
                window_end=start + draw(st.integers(0, 200)),
                duration=duration,
                fixed_start=draw(st.one_of(st.none(), st.none(), st.just(start + 30))),
                skills=draw(skills),
                staff_count=draw(st.sampled_from([1, 1, 1, 2])),
                preferred_staff=tuple(draw(st.lists(st.sampled_from(ids), max_size=1))),
                recent_staff=tuple(draw(st.lists(st.sampled_from(ids), max_size=2))),
            )
        )
    locks: tuple[Lock, ...] = ()
    if visits and staff and draw(st.booleans()):
        v = visits[0]
        who = tuple(s.staff_id for s in staff if v.skills <= s.skills)[: v.staff_count]
        if len(who) == v.staff_count:
            locks = (Lock(v.visit_id, who),)
    weeks = tuple(
        CitizenWeek(f"b{c}", frozenset(draw(st.lists(st.sampled_from(ids), max_size=3))), 2)
        for c in range(5)
    )
    return PlanRequest(shifts=staff, visits=tuple(visits), locks=locks, weeks=weeks)


@settings(max_examples=30, deadline=None)
@given(requests())
def test_every_plan_passes_the_checker(request: PlanRequest) -> None:
    result = quick(request)
    verdict = check(request, result)
    assert verdict.violations == ()
    listed = {u.visit_id for u in result.unplaced}
    assert listed | set(result.assignments()) == {v.visit_id for v in request.visits}


def test_team_day_keeps_every_hard_rule() -> None:
    request = team_day(staff=8, visits=60, seed=3)
    result = plan(request, seconds=3)
    verdict = check(request, result)
    assert verdict.violations == ()
    assert verdict.report.placed >= 55  # a few may not fit; each is listed with why
    doubles = [v for v in request.visits if v.staff_count == 2]
    assert doubles
    for v in doubles:
        staff = result.assignments().get(v.visit_id)
        if staff:
            starts = {s.start for r in result.routes for s in r.stops if s.visit_id == v.visit_id}
            assert len(staff) == 2
            assert len(starts) == 1
    for route in result.routes:
        assert sum(1 for s in route.stops if s.kind is StopKind.BREAK) == 1


def test_bad_input_is_listed_with_why_and_the_rest_is_planned() -> None:
    home = near(0.01, 0.01)
    staff = (Shift("m0", hm("07:00"), hm("15:00"), OFFICE, OFFICE, skills=frozenset({"medicin"})),)

    def visit(vid: str, **kw: object) -> Visit:
        fields: dict[str, object] = {
            "visit_id": vid,
            "citizen_id": "b1",
            "place": home,
            "window_start": hm("08:00"),
            "window_end": hm("10:00"),
            "duration": 20,
        }
        fields.update(kw)
        return Visit(**fields)  # type: ignore[arg-type]

    request = PlanRequest(
        shifts=staff,
        visits=(
            visit("ok"),
            visit("short", window_end=hm("08:10")),
            visit("double", staff_count=2),
            visit("nowhere", place=None),
            visit("skill", skills=frozenset({"sygepleje"})),
            visit("locked", window_start=hm("09:00")),
        ),
        locks=(Lock("locked", ("m9",)),),
    )
    result = quick(request)
    reasons = {u.visit_id: u.reason for u in result.unplaced}
    assert reasons == {
        "short": Reason.WINDOW_TOO_SHORT,
        "double": Reason.TOO_FEW_STAFF,
        "nowhere": Reason.NO_PLACE,
        "skill": Reason.SKILL_MISSING,
        "locked": Reason.LOCKED_STAFF_ABSENT,
    }
    assert result.assignments() == {"ok": ("m0",)}
    assert all(u.text.endswith(".") or u.text.endswith(")") for u in result.unplaced)
    assert check(request, result).ok

    empty = PlanRequest(shifts=(), visits=(visit("ok"),))
    nobody = quick(empty)
    assert [(u.visit_id, u.reason) for u in nobody.unplaced] == [("ok", Reason.NO_STAFF)]


def test_a_visit_nobody_can_reach_in_time_is_listed_with_why() -> None:
    far = Point(56.0, 12.0803)  # ~40 km north: no one on a bike gets there by 07:30
    staff = (Shift("m0", hm("07:00"), hm("15:00"), OFFICE, OFFICE, mode=TravelMode.BIKE),)
    request = PlanRequest(
        shifts=staff,
        visits=(Visit("far", "b1", far, hm("07:00"), hm("07:40"), 10),),
    )
    result = quick(request)
    assert [u.reason for u in result.unplaced] == [Reason.NO_TIME]
    assert "nå frem" in result.unplaced[0].detail


def test_continuity_has_a_visible_cost_and_is_kept_when_it_is_cheap() -> None:
    a, b = near(0.005, 0.0), near(-0.005, 0.0)
    staff = tuple(Shift(f"m{i}", hm("07:00"), hm("15:00"), OFFICE, OFFICE) for i in range(2))
    visits = (
        Visit("v1", "b1", a, hm("08:00"), hm("09:00"), 30, preferred_staff=("m1",)),
        Visit("v2", "b2", b, hm("08:00"), hm("09:00"), 30, preferred_staff=("m0",)),
    )
    result = quick(PlanRequest(shifts=staff, visits=visits))
    assert result.assignments() == {"v1": ("m1",), "v2": ("m0",)}
    verdict = check(PlanRequest(shifts=staff, visits=visits), result)
    assert verdict.report.continuity_pct == 100.0
    assert verdict.report.continuity_cost == 0


def test_the_planner_package_imports_neither_django_nor_sammen() -> None:
    """The planner is a pure library: the visits module builds on it, not the other way."""
    package = Path(__file__).resolve().parents[1]
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("django", "sammen")), f"{path.name}: {name}"
