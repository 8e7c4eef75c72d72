"""The demo stream writes realistic, valid, deterministic FSIII histories with bulk inserts."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

import pytest
from django.db import transaction

from conftest import World
from sammen.core.demo_streams import DemoContext, streams_all
from sammen.journal import demo
from sammen.journal.fields import data_validate
from sammen.journal.models import Entry, EntryKind, EntryStatus
from sammen.journal.selectors import template_value_sets
from sammen.journal.tests.factories import citizen_create
from sammen.organisation.models import Area, Role
from sammen.organisation.tests import factories as f

TODAY = dt.date(2026, 6, 1)


def _context(world: World, seed: int = 7) -> DemoContext:
    f.staff_create(world.home_care_team, Role.SOSU_ASSISTANT, username="assistent")
    f.staff_create(world.home_care_team, Role.ASSESSOR, username="visitator")
    social = f.unit_create(world.greve, "Bostøtte", area=Area.DISABILITY_PSYCHIATRY)
    citizens = [citizen_create(world.home_care_team) for _ in range(6)]
    citizens.append(citizen_create(social, area=Area.DISABILITY_PSYCHIATRY))
    return DemoContext(
        municipality=world.greve,
        rng=random.Random(seed),
        faker=None,
        today=TODAY,
        years=3,
        citizens=citizens,
    )


def test_the_stream_is_registered_after_the_citizens() -> None:
    stream = next(s for s in streams_all() if s.name == "journal")
    assert stream.order == 20
    assert stream.generate is demo.journal_demo_stream


def test_demo_histories_are_valid_realistic_and_deterministic(
    world: World, content: object
) -> None:
    ctx = _context(world)
    snapshots = []
    for _ in range(2):
        ctx.rng = random.Random(7)
        with transaction.atomic():
            written = demo.journal_demo_stream(ctx)
            rows = list(Entry.objects.select_related("template").order_by("id"))
            snapshots.append([(str(e.id), e.subject_code, e.data, e.role) for e in rows])
            transaction.set_rollback(True)
    assert snapshots[0] == snapshots[1]  # same seed, same rows
    assert written == len(snapshots[0]) > 100
    with transaction.atomic():
        demo.journal_demo_stream(ctx)
        entries = list(Entry.objects.select_related("template"))
        sets = template_value_sets({e.template for e in entries})
        for e in entries:  # every row would pass the template's validation
            data_validate(
                e.template.definition,
                e.data,
                value_sets=sets,
                today=TODAY,
                keep_codes=frozenset({e.subject_code}),
            )
            assert e.refers_to.date() <= TODAY
        notes_by_role = Counter(e.role for e in entries if e.kind == EntryKind.NOTE)
        assert notes_by_role[Role.SOSU_HELPER] + notes_by_role[Role.SOSU_ASSISTANT] > 0
        health_authors = {e.role for e in entries if e.template.key == "fsiii-helbredstilstand"}
        assert health_authors <= {Role.NURSE}
        assert any(e.template.key == "ffb-tilstand" for e in entries)
        transaction.set_rollback(True)


@pytest.mark.parametrize("kind", ["stable", "declining", "rehab"])
def test_trajectories(world: World, content: object, kind: str) -> None:
    ctx = _context(world)
    writer = demo.writer_for(world.greve, random.Random(3))
    names = demo.choices_by_name(["fsiii-funktionsevnetilstande", "fsiii-helbredstilstande"])
    citizen = ctx.citizens[0]
    demo.citizen_history(
        writer,
        demo._authors(world.greve),
        citizen_id=citizen.pk,
        start=TODAY - dt.timedelta(days=3 * 365),
        today=TODAY,
        items=names["fsiii-funktionsevnetilstande"],
        health=names["fsiii-helbredstilstande"],
        general={},
        kind=kind,
    )
    writer.flush()
    states = [
        e
        for e in Entry.objects.filter(
            citizen=citizen, template__key="fsiii-funktionsevnetilstand", status=EntryStatus.VALID
        ).order_by("refers_to")
        if e.replaces_id is None
    ]
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for e in states:
        by_day[e.refers_to.date()].append(e.data["nuvaerende_niveau"])
    means = [sum(levels) / len(levels) for _, levels in sorted(by_day.items())]
    first, last, peak = means[0], means[-1], max(means)
    if kind == "stable":
        assert abs(last - first) <= 1
    elif kind == "declining":
        assert last > first
    else:
        assert peak > first  # worse after the event
        assert last < peak  # better after rehabilitation
        assert Counter(e.role for e in states)[Role.THERAPIST] > 0
