"""Fictitious citizens with a care relation, and entries written through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from sammen.citizens.models import Citizen, Consent, ConsentBasis, ConsentScope, Responsibility
from sammen.citizens.tests.factories import fictitious_cpr
from sammen.core.actor import Actor
from sammen.journal import services
from sammen.journal.models import Entry
from sammen.organisation.models import Area, OrgUnit

_seq = itertools.count(1)

# FSIII codes used in the tests (current catalogue unless said otherwise).
PERSONLIG_PLEJE = "feb38b55-c2d7-4d57-99c2-93622eaa0025"  # J1, current
LAVE_MAD = "75bfc8db-a220-4801-a8c7-5e968e94d44b"  # J2.2, current
MOBILITET = "d8aa5f09-cd9c-4996-a853-1c95ee98f25c"  # J3, current
VASKE_SIG = "4d46bd94-9518-431c-82e8-ebb91bca307a"  # J1.1, legacy (pre-simplification)
EGENOMSORG = "43c2b7f0-5e55-4627-8fcf-bdaf5a9d84ac"  # area J1
PRAKTISKE_OPGAVER = "1c850a09-aa49-4fae-9354-f932f13e030b"  # area J2
TRYKSAAR = "bb0ea5fa-3462-40de-9047-a16fc4815a47"  # I4.4, current
ERNAERING = "bc65b137-9f5a-4889-82c2-c6764e5507f0"  # I3, current
MESTRING = "3769072e-79aa-466a-9385-baaba53b5b41"  # F1
FORSVINDER = "81c827de-ef31-4410-aa57-0d1d1bc6c264"
UDFOERER_SELV = "0c87bff2-3b24-4a6e-a9df-193f268ae7b8"  # C1


def citizen_create(unit: OrgUnit, *, area: str = Area.ELDERLY_HEALTH, **extra: Any) -> Citizen:
    """A fictitious citizen (not born 1 January, CPR failing modulus 11: no real person can
    have it) for whom `unit` is responsible."""
    n = next(_seq)
    born = dt.date(1945, 3, (n % 28) + 1)
    digits = fictitious_cpr(born)
    citizen = Citizen.objects.create(
        municipality=unit.municipality,
        cpr=digits,
        cpr_birth_part=digits[:6],
        birth_date=born,
        sex="female" if int(digits[-1]) % 2 == 0 else "male",
        first_name=extra.pop("first_name", "Testa"),
        last_name=extra.pop("last_name", f"Borger{n}"),
        **extra,
    )
    Responsibility.objects.create(
        municipality=unit.municipality,
        citizen=citizen,
        area=area,
        unit=unit,
        since=dt.date(2020, 1, 1),
    )
    return citizen


def consent_give(world: Any, citizen: Citizen, area: str) -> Consent:
    """The citizen's consent that `area` may see their data (needed across areas)."""
    return Consent.objects.create(
        municipality=citizen.municipality,
        citizen=citizen,
        area=area,
        scope=ConsentScope.ALL,
        basis=ConsentBasis.CONSENT,
        given_on=dt.date(2020, 1, 1),
        recorded_by=world.nurse,
    )


def at(days_ago: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago)


def funktionsevne(
    actor: Actor, citizen: Citizen, code: str, level: int, *, days_ago: float = 0, **data: Any
) -> Entry:
    return services.entry_create(
        actor=actor,
        citizen_id=citizen.pk,
        template_key="fsiii-funktionsevnetilstand",
        template_version=None,
        data={"tilstand": code, "nuvaerende_niveau": level, **data},
        refers_to=at(days_ago),
    )


def helbred(
    actor: Actor, citizen: Citizen, code: str, problem: str = "aktuelt", *, days_ago: float = 0
) -> Entry:
    return services.entry_create(
        actor=actor,
        citizen_id=citizen.pk,
        template_key="fsiii-helbredstilstand",
        template_version=None,
        data={"tilstand": code, "problem": problem, "faglig_vurdering": "Vurderet ved besøg."},
        refers_to=at(days_ago),
    )


def note(actor: Actor, citizen: Citizen, code: str, text: str, *, days_ago: float = 0) -> Entry:
    return services.entry_create(
        actor=actor,
        citizen_id=citizen.pk,
        template_key="fsiii-fagligt-notat",
        template_version=None,
        data={"tilstand": code, "notat": text},
        refers_to=at(days_ago),
    )
