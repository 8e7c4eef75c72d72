"""A synthetic home-care team day (deterministic by seed), for tests and bench/team_day.py.

Roskilde-like: an office in the middle, citizens within a few kilometres; nurses, SOSU-
assistants and SOSU-helpers with their skills; cars, bikes and one on foot; a 30-minute break
at the office; morning, midday and afternoon windows; medication at fixed times; lifts that
need two staff; a contact person and recent staff per citizen; a week already under way.
"""

from __future__ import annotations

import random

from .model import Break, CitizenWeek, PlanRequest, Shift, Visit, hm
from .travel import Point, TravelMode

OFFICE = Point(55.6415, 12.0803)
ROLES = {
    "sygeplejerske": frozenset({"sygepleje", "medicin", "personlig_pleje"}),
    "sosu_assistent": frozenset({"medicin", "personlig_pleje"}),
    "sosu_hjaelper": frozenset({"personlig_pleje"}),
}
# (window start, window end) of the day's parts
PARTS = [(hm("07:00"), hm("10:00")), (hm("10:00"), hm("13:30")), (hm("12:30"), hm("15:00"))]


def _near(rng: random.Random, km: float) -> Point:
    return Point(
        round(OFFICE.lat + rng.uniform(-km, km) / 111.0, 5),
        round(OFFICE.lon + rng.uniform(-km, km) / 63.0, 5),
    )


def team_day(
    staff: int = 20, visits: int = 200, seed: int = 1, doubles: float = 0.05, km: float = 4.0
) -> PlanRequest:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    shifts = []
    for i in range(staff):
        role = (
            "sygeplejerske" if i % 5 == 0 else "sosu_assistent" if i % 3 == 0 else "sosu_hjaelper"
        )
        mode = TravelMode.WALK if i == 1 else TravelMode.BIKE if i % 5 == 2 else TravelMode.CAR
        home = _near(rng, km * 1.5) if i % 4 == 3 else OFFICE
        start, end = (hm("07:00"), hm("15:00")) if i % 6 else (hm("07:30"), hm("14:30"))
        shifts.append(
            Shift(
                staff_id=f"m{i:02d}",
                start=start,
                end=end,
                start_place=home,
                end_place=home,
                mode=mode,
                skills=ROLES[role],
                breaks=(Break(hm("11:00"), hm("12:30"), 30, OFFICE),),
            )
        )
    staff_ids = [s.staff_id for s in shifts]
    citizens = max(1, int(visits * 0.6))
    places = [_near(rng, km) for _ in range(citizens)]
    out = []
    weeks = []
    for c in range(citizens):
        weeks.append(CitizenWeek(f"b{c:03d}", frozenset(rng.sample(staff_ids, 3)), max_staff=6))
    for n in range(visits):
        c = n % citizens
        part = rng.choices(PARTS, weights=[0.45, 0.3, 0.25])[0]
        skills: frozenset[str] = frozenset({"personlig_pleje"})
        r = rng.random()
        if r < 0.12:
            skills = frozenset({"sygepleje"})
        elif r < 0.35:
            skills = frozenset({"medicin"})
        duration = rng.choice([10, 15, 15, 20, 20, 25, 30, 45]) if "medicin" not in skills else 10
        fixed = None
        if "medicin" in skills and rng.random() < 0.3:
            fixed = rng.choice(range(part[0] + 30, part[1] - duration, 15))
        double = rng.random() < doubles and skills == {"personlig_pleje"}
        qualified = [s.staff_id for s in shifts if skills <= s.skills]
        preferred = (rng.choice(qualified),) if qualified else ()
        out.append(
            Visit(
                visit_id=f"v{n:03d}",
                citizen_id=f"b{c:03d}",
                place=places[c],
                window_start=part[0],
                window_end=part[1],
                duration=duration,
                fixed_start=fixed,
                skills=skills,
                staff_count=2 if double else 1,
                preferred_staff=preferred,
                recent_staff=tuple(rng.sample(qualified, min(2, len(qualified)))),
            )
        )
    return PlanRequest(shifts=tuple(shifts), visits=tuple(out), weeks=tuple(weeks))
