"""Pure rules of the visit plan: which days and times a granted service is visited.

No database here: `occurrences` turns one service's frequency, weekdays and period into
(day, slot, time of day) for a horizon. The services module groups occurrences of one citizen at
the same time into one visit and reconciles them with what is already planned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

DEFAULT_TIMES: dict[int, tuple[str, ...]] = {
    1: ("08:00",),
    2: ("08:00", "19:00"),
    3: ("08:00", "12:00", "19:00"),
    4: ("08:00", "12:00", "17:00", "21:00"),
    5: ("07:30", "10:30", "13:00", "17:00", "21:00"),
}
DAY_START, DAY_END = 7 * 60, 22 * 60


def default_times(n: int) -> tuple[str, ...]:
    """Times of day for n visits in one day (morning, noon, evening …) without a schedule."""
    if n in DEFAULT_TIMES:
        return DEFAULT_TIMES[n]
    step = (DAY_END - DAY_START) // max(1, n - 1)
    return tuple(
        f"{(DAY_START + i * step) // 60:02d}:{(DAY_START + i * step) % 60:02d}" for i in range(n)
    )


def parse_time(text: str) -> dt.time | None:
    try:
        hours, minutes = text.split(":")
        return dt.time(int(hours), int(minutes))
    except (ValueError, AttributeError):
        return None


def week_pattern(times: int, weekdays: Sequence[int]) -> dict[int, int]:
    """{ISO weekday: visits that day} for `times` visits a week on `weekdays` (empty: spread
    over the week, e.g. 2 a week → Monday and Thursday)."""
    days = sorted(set(weekdays)) or sorted(
        {1 + (i * 7) // min(times, 7) for i in range(min(times, 7))}
    )
    pattern = dict.fromkeys(days, 0)
    if len(days) > times:
        days = days[:times]
        pattern = dict.fromkeys(days, 0)
    for i in range(times):
        pattern[days[i % len(days)]] += 1
    return pattern


@dataclass(frozen=True)
class Rule:
    """What the plan needs of a granted service."""

    times: int
    per: str  # "day" | "week"
    weekdays: tuple[int, ...]
    granted_from: dt.date
    granted_to: dt.date | None
    times_of_day: tuple[str, ...] = ()


@dataclass(frozen=True)
class Occurrence:
    day: dt.date
    slot: int
    at: dt.time


def occurrences(rule: Rule, start: dt.date, days: int) -> Iterator[Occurrence]:
    """The service's visits from `start` for `days` days, within its granted period."""
    if rule.per == "day":
        weekly = dict.fromkeys(sorted(set(rule.weekdays)) or range(1, 8), rule.times)
    else:
        weekly = week_pattern(rule.times, rule.weekdays)
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        if day < rule.granted_from or (rule.granted_to is not None and day > rule.granted_to):
            continue
        n = weekly.get(day.isoweekday(), 0)
        if not n:
            continue
        clock = rule.times_of_day if len(rule.times_of_day) >= n else default_times(n)
        for slot in range(n):
            at = parse_time(clock[slot]) or dt.time(8, 0)
            yield Occurrence(day=day, slot=slot, at=at)
