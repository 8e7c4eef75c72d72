"""The planner's input and output: frozen, typed, no Django.

Times are whole minutes after 00:00 (local time) of the plan's day — 07:30 is 450; a night shift
may run past 1440. Durations are whole minutes. Travel times are rounded up to whole minutes
(`travel_minutes`), by the solver and the checker alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from .travel import Point, TravelMode

Minute = int


def hm(text: str) -> Minute:
    """ "07:30" → 450."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def clock(minute: Minute) -> str:
    """450 → "07:30"."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def travel_minutes(seconds: float) -> Minute:
    """Travel seconds → whole minutes, rounded up (a plan never assumes a faster trip)."""
    return math.ceil(seconds / 60 - 1e-9)


@dataclass(frozen=True)
class Break:
    """A break the shift must hold: starting between `earliest` and `latest`, `minutes` long, at
    `place` (None: the shift's start place — the team's office, or home)."""

    earliest: Minute
    latest: Minute
    minutes: int
    place: Point | None = None


@dataclass(frozen=True)
class Shift:
    """One staff member's working time today."""

    staff_id: str
    start: Minute
    end: Minute
    start_place: Point
    end_place: Point
    mode: TravelMode = TravelMode.CAR
    skills: frozenset[str] = frozenset()
    breaks: tuple[Break, ...] = ()
    max_overtime: int = 0  # minutes the shift may run past `end` (at a cost); 0: a hard end

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("A shift ends after it starts.")
        for brk in self.breaks:
            if not (
                self.start <= brk.earliest <= brk.latest and brk.latest + brk.minutes <= self.end
            ):
                raise ValueError("A break lies within its shift.")


@dataclass(frozen=True)
class Visit:
    """One planned visit to a citizen.

    The visit must lie within its time window: start at or after `window_start`, end by
    `window_end`; `fixed_start` pins its start (medication). `staff_count` 2: double-staffed,
    two staff start it together.
    Every staff member on it must have all `skills`. `preferred_staff` (e.g. the contact person)
    and `recent_staff` (who came lately) are the continuity wish: a soft rule.
    """

    visit_id: str
    citizen_id: str
    place: Point | None
    window_start: Minute
    window_end: Minute
    duration: int
    fixed_start: Minute | None = None
    skills: frozenset[str] = frozenset()
    staff_count: int = 1
    preferred_staff: tuple[str, ...] = ()
    recent_staff: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.duration <= 0 or self.staff_count not in (1, 2):
            raise ValueError("A visit lasts at least a minute and needs one or two staff.")

    @property
    def starts(self) -> tuple[Minute, Minute]:
        """Earliest and latest start."""
        if self.fixed_start is not None:
            return self.fixed_start, self.fixed_start
        return self.window_start, self.window_end - self.duration


@dataclass(frozen=True)
class Lock:
    """A visit the planner must leave with these staff (and at `start`, when given): locked by
    the leader, or already started."""

    visit_id: str
    staff_ids: tuple[str, ...]
    start: Minute | None = None


@dataclass(frozen=True)
class CitizenWeek:
    """The citizen's week so far: staff who have already come, and the most the municipality
    wants in a week (soft)."""

    citizen_id: str
    staff_this_week: frozenset[str] = frozenset()
    max_staff: int = 6


@dataclass(frozen=True)
class Costs:
    """What the solver weighs, in minutes of driving. Visible to the leader: breaking continuity
    costs as much as `continuity` minutes on the road."""

    continuity: int = 10  # a visit by neither a preferred nor a recent staff member
    recent_only: int = 3  # by a recent, not a preferred, staff member
    weekly_max: int = 30  # a staff member new to the citizen when the week's maximum is reached
    overtime_per_minute: int = 5
    moved: int = 45  # re-plan: a visit moved to another staff member than in the plan before


@dataclass(frozen=True)
class PlanRequest:
    shifts: tuple[Shift, ...]
    visits: tuple[Visit, ...]
    locks: tuple[Lock, ...] = ()
    weeks: tuple[CitizenWeek, ...] = ()
    costs: Costs = field(default_factory=Costs)
    not_before: Minute | None = None  # re-plan: nothing new starts before this minute


class StopKind(StrEnum):
    VISIT = "visit"
    BREAK = "break"


@dataclass(frozen=True)
class Stop:
    """One stop on a route: arrive, (wait,) start, end. `travel` is the minutes from the
    previous place; `break_index` is the shift's break for a break stop."""

    kind: StopKind
    visit_id: str | None
    start: Minute
    end: Minute
    arrival: Minute
    travel: int
    break_index: int | None = None

    @property
    def wait(self) -> int:
        return self.start - self.arrival


@dataclass(frozen=True)
class Route:
    staff_id: str
    leave: Minute  # leaves the start place
    back: Minute  # arrives at the end place
    stops: tuple[Stop, ...]
    travel_home: int  # minutes from the last stop to the end place


class Reason(StrEnum):
    """Why a visit is not in the plan (Danish text for the leader in `REASON_TEXT`)."""

    NO_STAFF = "no_staff"
    NO_PLACE = "no_place"
    WINDOW_TOO_SHORT = "window_too_short"
    SKILL_MISSING = "skill_missing"
    TOO_FEW_STAFF = "too_few_staff"
    LOCKED_STAFF_ABSENT = "locked_staff_absent"
    TOO_LATE = "too_late"
    NO_TIME = "no_time"
    NOT_PLANNED = "not_planned"


REASON_TEXT: dict[Reason, str] = {
    Reason.NO_STAFF: "Ingen medarbejdere på vagt.",
    Reason.NO_PLACE: "Borgeren har ingen koordinater.",
    Reason.WINDOW_TOO_SHORT: "Tidsvinduet er kortere end besøgets varighed.",
    Reason.SKILL_MISSING: "Ingen medarbejder på vagt har de nødvendige kompetencer.",
    Reason.TOO_FEW_STAFF: "Besøget kræver to medarbejdere, men færre end to med kompetencerne "
    "er på vagt.",
    Reason.LOCKED_STAFF_ABSENT: "Besøget er låst til en medarbejder, der ikke er på vagt.",
    Reason.TOO_LATE: "Tidsvinduet er allerede overskredet.",
    Reason.NO_TIME: "Ingen medarbejder kan nå besøget inden for tidsvinduet og vagten.",
    Reason.NOT_PLANNED: "Besøget er ikke lagt på nogen medarbejder.",
}


@dataclass(frozen=True)
class Unplaced:
    visit_id: str
    reason: Reason
    detail: str = ""

    @property
    def text(self) -> str:
        return REASON_TEXT[self.reason] + (f" {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class Plan:
    routes: tuple[Route, ...]
    unplaced: tuple[Unplaced, ...]
    seconds: float = 0.0  # solver wall time
    moved: tuple[str, ...] = ()  # re-plan: visits now with other staff than before

    def assignments(self) -> dict[str, tuple[str, ...]]:
        """visit id → staff ids (sorted)."""
        staff: dict[str, list[str]] = {}
        for route in self.routes:
            for stop in route.stops:
                if stop.visit_id is not None:
                    staff.setdefault(stop.visit_id, []).append(route.staff_id)
        return {v: tuple(sorted(s)) for v, s in staff.items()}
