"""Visits for tests and benchmarks, made through the services."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from sammen.core.actor import Actor
from sammen.organisation.models import StaffMember
from sammen.visits import services
from sammen.visits.models import Visit


def assign_all(actor: Actor, staff: StaffMember, visits: list[Visit]) -> None:
    for v in visits:
        services.visit_assign(actor=actor, visit_id=v.pk, staff_id=staff.pk, version=v.version)


def deliver(actor: Actor, visit: Visit, **extra: Any) -> services.DeliveryAnswer:
    values: dict[str, Any] = {
        "client_id": uuid.uuid4(),
        "visit_id": visit.pk,
        "started_at": timezone.now(),
    }
    values.update(extra)
    return services.delivery_record(actor=actor, data=services.DeliveryInput(**values))
