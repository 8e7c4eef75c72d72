"""The care chain made through the services, for tests and benchmarks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from sammen.care_plans import services
from sammen.care_plans.models import Case, Decision, Request
from sammen.core.actor import Actor
from sammen.organisation.models import Area

FROM_CITIZEN = "A1"
PERSONLIG_HYGIEJNE = "17312894-b23f-43d9-9723-b725ac25d872"  # H1.1, in the catalogue (25 min)
RENGOERING = "43608562-e356-4990-8b96-e35128bbdc4f"  # H1.8
SOCIALPAED = "72272d03-1774-4a14-b598-5f19b5eac83f"  # FFB Støtte til personlig hygiejne
FFB_EGENOMSORG = "da3f488f-1742-4d00-b247-a7d47500b36b"  # FFB theme
FFB_LET = "8328ce4a-6238-4f73-bf1a-74aadb68eff8"  # FFB Let nedsat funktionsevne
E_CONTINUES, E_ENDS, E_REVISIT = "E1", "E3", "E4"


def request_make(actor: Actor, citizen: Any, *, area: str = Area.ELDERLY_HEALTH) -> Request:
    return services.request_create(
        actor=actor,
        citizen_id=citizen.pk,
        data=services.RequestInput(
            area=area,
            source_code=FROM_CITIZEN,
            subject="Har svært ved at klare badet",
            text="Datteren ringede.",
            attachments=(("Udskrivningsbrev", "Hoftefraktur."),),
        ),
    )


def case_make(actor: Actor, citizen: Any, **case: Any) -> Case:
    request = request_make(actor, citizen)
    return services.case_save(
        actor=actor,
        request_id=request.pk,
        data=services.CaseInput(
            citizen_view="Vil gerne klare mig selv",
            overall_assessment="Behov for hjælp til bad.",
            **case,
        ),
    )


def service_input(unit: Any, **extra: Any) -> services.ServiceInput:
    values: dict[str, Any] = {
        "code": PERSONLIG_HYGIEJNE,
        "legal_basis": "aeldre-helhedspleje",
        "granted_from": timezone.localdate(),
        "granted_to": timezone.localdate() + dt.timedelta(days=180),
        "times": 2,
        "per": "week",
        "weekdays": (1, 4),
        "provider_unit_id": unit.pk if unit is not None else None,
        "instructions": "Jeg vil gerne i bad om morgenen.",
    }
    values.update(extra)
    return services.ServiceInput(**values)


def decision_make(
    actor: Actor, case: Case, unit: Any, *more: services.ServiceInput, **extra: Any
) -> Decision:
    return services.decision_make(
        actor=actor,
        case_id=case.pk,
        case_version=case.version,
        data=services.DecisionInput(
            reasoning="Borgeren kan ikke selv klare personlig hygiejne.",
            services=(service_input(unit, **extra), *more),
            goals=(
                services.GoalInput(kind="citizen", text="Klare badet selv igen", services=(0,)),
            ),
        ),
    )
