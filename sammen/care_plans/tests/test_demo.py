"""The demo stream: visitation histories for most citizens, valid against the rules the
services enforce, deterministic per seed."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from conftest import World
from sammen.care_plans.catalogues import law_catalogue
from sammen.care_plans.demo import care_plans_demo_stream
from sammen.care_plans.models import Decision, FollowUp, Request, Service, ServiceStatus
from sammen.core.demo_streams import DemoContext
from sammen.journal.loader import content_load
from sammen.journal.tests.factories import citizen_create
from sammen.organisation.models import Area, Role
from sammen.organisation.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


def _context(world: World, seed: int) -> DemoContext:
    assessor = f.staff_create(world.home_care_team, Role.ASSESSOR, username=f"vis{seed}")
    social = f.unit_create(world.greve, f"Bostøtte {seed}", area=Area.DISABILITY_PSYCHIATRY)
    citizens = [citizen_create(world.home_care_team) for _ in range(12)]
    citizens.append(citizen_create(social, area=Area.DISABILITY_PSYCHIATRY))
    return DemoContext(
        municipality=world.greve,
        rng=random.Random(seed),
        faker=None,
        today=TODAY,
        years=3,
        citizens=citizens,
        staff_by_role={Role.ASSESSOR: [assessor]},
    )


def _shape() -> list[tuple[object, ...]]:
    return sorted(
        (s.area, s.code, s.legal_basis, s.times, s.per, s.minutes, s.status)
        for s in Service.objects.all()
    )


def test_most_citizens_get_a_plan_with_services_from_the_catalogue(world: World) -> None:
    content_load()
    ctx = _context(world, 3)
    written = care_plans_demo_stream(ctx)
    assert written > 0
    with_services = {s.citizen_id for s in Service.objects.filter(status=ServiceStatus.GRANTED)}
    assert len(with_services) >= len(ctx.citizens) * 0.6
    law = law_catalogue()
    for s in Service.objects.all():
        basis = law.bases[s.legal_basis]
        assert s.area in basis.areas
        assert s.granted_to is None or s.granted_to >= s.granted_from
        assert s.times > 0
        assert s.minutes > 0
        assert s.provider_unit_id or s.private_provider or s.status == ServiceStatus.REFUSED
    assert Service.objects.filter(area=Area.DISABILITY_PSYCHIATRY, legal_basis="sel-85").exists()
    assert Decision.objects.count() == Request.objects.exclude(status="new").count()
    assert FollowUp.objects.filter(done_at__isnull=False).exclude(result_code="").exists()


class _Undo(Exception):
    pass


def test_same_seed_same_histories(world: World) -> None:
    from django.db import transaction

    content_load()
    ctx = _context(world, 5)
    shapes = []
    for _ in range(2):
        try:
            with transaction.atomic():
                ctx.rng = random.Random(5)
                care_plans_demo_stream(ctx)
                shapes.append(_shape())
                raise _Undo
        except _Undo:
            pass
    assert shapes[0]
    assert shapes[0] == shapes[1]
