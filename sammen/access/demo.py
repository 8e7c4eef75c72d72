"""The demo's access history: staff reading the citizens they care for, a few break-the-glass
events (one at night), and one suspicious pattern (one person opening many citizens in an
hour), so the citizen's own log and the leaders' review queue show something real."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import Any

from sammen.access.log import access_log_import
from sammen.access.models import AccessGrant, GrantReason, Operation, Purpose, ReviewItem, Severity
from sammen.access.services import access_review_scan
from sammen.citizens.models import Responsibility
from sammen.core.demo_streams import DemoContext
from sammen.organisation.models import Membership, Role
from sammen.organisation.permissions import Permission, roles_with

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
HISTORY_DAYS = 700  # the citizen-facing log keeps two years


def _moment(ctx: DemoContext, days_ago: int, hour_from: int = 7, hour_to: int = 22) -> dt.datetime:
    day = ctx.today - dt.timedelta(days=days_ago)
    return dt.datetime(
        day.year,
        day.month,
        day.day,
        ctx.rng.randint(hour_from, hour_to - 1),
        ctx.rng.randint(0, 59),
        ctx.rng.randint(0, 59),
        tzinfo=CPH,
    )


def access_demo_stream(ctx: DemoContext) -> int:

    if not ctx.citizens:
        return 0
    municipality = ctx.municipality
    citizen_ids = [c.pk for c in ctx.citizens]
    responsible: dict[Any, Any] = dict(
        Responsibility.objects.filter(citizen_id__in=citizen_ids, until__isnull=True)
        .order_by("citizen_id", "area")
        .values_list("citizen_id", "unit_id")
    )
    members: dict[Any, list[Membership]] = defaultdict(list)
    for m in Membership.objects.filter(
        municipality=municipality, role__in=roles_with(Permission.CITIZEN_READ)
    ).select_related("unit", "staff"):
        members[m.unit_id].append(m)
    if not members:
        return 0
    all_members = sorted((m for ms in members.values() for m in ms), key=lambda m: str(m.pk))
    days = min(HISTORY_DAYS, max(30, ctx.years * 365))
    events: list[dict[str, Any]] = []

    def read(m: Membership, citizen_id: Any, at: dt.datetime, **extra: Any) -> None:
        events.append(
            {
                "at": at,
                "staff_id": m.staff_id,
                "role": m.role,
                "unit_id": m.unit_id,
                "unit_name": m.unit.name,
                "citizen_id": citizen_id,
                "operation": Operation.VIEW,
                "purpose": Purpose.CARE_RELATION,
            }
            | extra
        )

    for i, citizen_id in enumerate(citizen_ids):
        carers = members.get(responsible.get(citizen_id), [])
        if not carers:
            continue
        for _ in range(ctx.rng.randint(3, 10)):
            # From yesterday back: a demo history never holds a look-up later than now.
            read(ctx.rng.choice(carers), citizen_id, _moment(ctx, ctx.rng.randint(1, days)))
        ctx.progress("adgangslog", i + 1, len(citizen_ids))

    # Break-the-glass: a few, one of them at night.
    grants: list[tuple[AccessGrant, dt.datetime]] = []
    for n in range(max(3, len(citizen_ids) // 300)):
        citizen = ctx.rng.choice(ctx.citizens)
        outsiders = [m for m in all_members if m.unit_id != responsible.get(citizen.pk)]
        m = ctx.rng.choice(outsiders)
        at = (
            _moment(ctx, ctx.rng.randint(1, 120), 0, 5)
            if n == 0
            else _moment(ctx, ctx.rng.randint(1, 120))
        )
        reason = ctx.rng.choice([GrantReason.ACUTE, GrantReason.COVER, GrantReason.HOSPITAL])
        grant = AccessGrant(
            municipality=municipality,
            staff_id=m.staff_id,
            role=m.role,
            unit_id=m.unit_id,
            citizen=citizen,
            reason=reason,
            reason_text={
                GrantReason.ACUTE: "Borgeren ringede akut, og eget team var ikke på vagt.",
                GrantReason.COVER: "Dækker for en syg kollega på ruten i dag.",
                GrantReason.HOSPITAL: "Sygehuset ringede om udskrivelse i morgen.",
            }[reason],
            expires_at=at + dt.timedelta(hours=4),
        )
        grants.append((grant, at))
    AccessGrant.objects.bulk_create([g for g, _at in grants])
    for grant, at in grants:
        AccessGrant.objects.filter(pk=grant.pk).update(created_at=at)
        unit = next(m.unit for m in all_members if m.unit_id == grant.unit_id)
        base = {"grant_id": grant.pk, "purpose": Purpose.BREAK_THE_GLASS}
        events.append(
            {
                "at": at,
                "staff_id": grant.staff_id,
                "role": grant.role,
                "unit_id": unit.pk,
                "unit_name": unit.name,
                "citizen_id": grant.citizen_id,
                "operation": Operation.GRANT,
                "severity": Severity.HIGH,
                "object_type": "grant",
            }
            | base
        )
        events.append(
            {
                "at": at + dt.timedelta(minutes=2),
                "staff_id": grant.staff_id,
                "role": grant.role,
                "unit_id": unit.pk,
                "unit_name": unit.name,
                "citizen_id": grant.citizen_id,
                "operation": Operation.VIEW,
            }
            | base
        )
    ReviewItem.objects.bulk_create(
        [
            ReviewItem(
                municipality=municipality,
                kind="break_the_glass",
                staff_id=g.staff_id,
                citizen_id=g.citizen_id,
                grant=g,
                occurred_at=at,
                details=f"{GrantReason(g.reason).label}: {g.reason_text}"[:300],
                dedupe_key=f"btg:{g.pk}",
            )
            for g, at in grants
        ]
    )

    # One suspicious pattern: a helper opens many citizens in one evening hour.
    helpers = [m for m in all_members if m.role == Role.SOSU_HELPER] or all_members
    snooper = helpers[len(helpers) // 2]
    evening = _moment(ctx, 9, 19, 20).replace(minute=0)
    sample = ctx.rng.sample(citizen_ids, min(len(citizen_ids), 55))
    for k, citizen_id in enumerate(sample):
        read(snooper, citizen_id, evening + dt.timedelta(seconds=50 * k))

    written = access_log_import(municipality_id=municipality.pk, events=events)
    access_review_scan(
        municipality_id=municipality.pk,
        since=dt.datetime.combine(ctx.today - dt.timedelta(days=days + 1), dt.time(), CPH),
        until=dt.datetime.combine(ctx.today + dt.timedelta(days=1), dt.time(), CPH),
    )
    return written
