"""The triage demo stream: deterministic, greens with some yellows and reds today, valid scores,
and the board shows them whatever day the demo starts."""

from __future__ import annotations

import datetime as dt
import random

import time_machine
from django.db import transaction

from conftest import World
from sammen.citizens.tests.factories import citizen_create
from sammen.core.demo_streams import DemoContext, streams_all
from sammen.triage import demo, selectors
from sammen.triage.models import CitizenTriage, FollowUpTask, Observation, ScoreRecord

TODAY = dt.date(2026, 6, 1)


def _context(world: World, seed: int = 7, n: int = 30) -> DemoContext:
    citizens = [citizen_create(world.greve) for _ in range(n)]
    return DemoContext(
        municipality=world.greve,
        rng=random.Random(seed),
        faker=None,
        today=TODAY,
        years=1,
        citizens=citizens,
    )


def test_the_stream_is_registered() -> None:
    stream = next(s for s in streams_all() if s.name == "triage")
    assert stream.generate is demo.triage_demo_stream


def test_demo_is_deterministic_and_has_greens_yellows_and_two_reds(world: World) -> None:
    ctx = _context(world)
    snapshots = []
    for _ in range(2):
        ctx.rng = random.Random(7)
        with transaction.atomic():
            written = demo.triage_demo_stream(ctx)
            snapshots.append(
                sorted((str(o.id), o.kind, str(o.value), o.code) for o in Observation.objects.all())
            )
            colours = list(CitizenTriage.objects.values_list("colour", flat=True))
            assert written > 0
            assert colours.count("red") == 2
            assert colours.count("green") > colours.count("yellow") >= 1
            red_scores = ScoreRecord.objects.filter(
                citizen_id__in=CitizenTriage.objects.filter(colour="red").values("citizen_id"),
                scored_at__date__gte=TODAY - dt.timedelta(days=1),
            )
            assert all((r.total or 0) >= 3 for r in red_scores)
            assert FollowUpTask.objects.count() == colours.count("red") + colours.count("yellow")
            with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False):
                board = selectors.board(actor=world.actor(world.nurse))
            assert [r.triage.colour for r in board.rows][:2] == ["red", "red"]
            assert all(r.tobs_trend for r in board.rows)
            transaction.set_rollback(True)
    assert snapshots[0] == snapshots[1]
