"""The hook through which modules add their own data to the synthetic municipality.

The generator (`manage.py demo_municipality`) first builds the organisation, staff and citizens,
then calls every registered stream in `order`, each with the same `DemoContext`. A module
registers its stream in its AppConfig.ready():

    from sammen.core.demo_streams import stream_register
    stream_register("journal", order=20, generate=journal_demo_stream)

A stream must be deterministic for the context's seed (use `ctx.rng` and `ctx.faker`, never
the global random module or the clock: `ctx.today` is "now"), must write with bulk inserts, and
returns the number of rows it wrote (for the progress report).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    municipality: Any  # organisation.Municipality
    rng: random.Random
    faker: Any  # faker.Faker("da_DK"), seeded
    today: dt.date
    years: int
    citizens: list[Any] = field(default_factory=list)  # citizens.Citizen
    staff_by_role: dict[str, list[Any]] = field(default_factory=dict)  # role -> StaffMember
    units_by_area: dict[str, list[Any]] = field(default_factory=dict)  # area -> team OrgUnits
    progress: Callable[[str, int, int], None] = lambda _label, _done, _total: None


@dataclass(frozen=True)
class DemoStream:
    name: str
    order: int
    generate: Callable[[DemoContext], int]


_STREAMS: dict[str, DemoStream] = {}


def stream_register(name: str, *, order: int, generate: Callable[[DemoContext], int]) -> None:
    _STREAMS[name] = DemoStream(name, order, generate)


def streams_all() -> list[DemoStream]:
    return sorted(_STREAMS.values(), key=lambda s: (s.order, s.name))
