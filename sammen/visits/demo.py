"""The visits' demo: three months of visit history with realistic delivery rates and reasons,
the plan for the next 14 days, and full day lists today for the demo logins — whatever day the
demo is started (`demo_load` calls `visits_demo_today` every time it runs).

History: every granted service of a municipal team that ran in the last 90 days gets its
visits (the same plan rules as `visit_plan_generate`), delivered by a member of the team: about
91 % delivered, 4 % partly, 5 % not delivered (not home, declined, admitted, staff shortage …).
Deterministic from `ctx.rng`; bulk inserts only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sammen.care_plans.models import Service, ServiceStatus
from sammen.organisation.models import Membership, Municipality, Role
from sammen.visits import plan
from sammen.visits.models import (
    Delivery,
    DeliveryLine,
    DeliveryOutcome,
    PracticalInfo,
    Visit,
    VisitService,
    VisitStatus,
)
from sammen.visits.services import WINDOW_MINUTES, _title, visit_plan_generate

HISTORY_DAYS = 90
CARE_ROLES = (Role.SOSU_HELPER, Role.SOSU_ASSISTANT, Role.NURSE)
NOT_DELIVERED = [
    ("not_home", 30),
    ("declined", 25),
    ("cancelled_by_citizen", 15),
    ("admitted", 10),
    ("staff_shortage", 15),
    ("other", 5),
]
DAY_LIST_TARGET = 9
PRACTICAL = [
    "Nøgleboks ved hoveddøren, kode hos teamet.",
    "Ring på to gange; borgeren hører dårligt.",
    "Hund i hjemmet – venlig. Parkering i gården.",
    "Dørtelefon virker ikke; nøgle i nøgleboks ved garagen.",
    "Sko af i entréen. Kat må ikke komme ud.",
]
DEMO_LOGINS = ("sosu-hjaelper", "sosu-assistent", "sygeplejerske")


def _reason(rng: Any) -> str:
    keys, weights = zip(*NOT_DELIVERED, strict=True)
    return str(rng.choices(keys, weights=weights)[0])


def _team_staff(municipality: Municipality) -> dict[Any, list[Any]]:
    staff: dict[Any, list[Any]] = defaultdict(list)
    for unit_id, staff_id in Membership.objects.filter(
        municipality=municipality, role__in=CARE_ROLES
    ).values_list("unit_id", "staff_id"):
        staff[unit_id].append(staff_id)
    return staff


def visits_demo_stream(ctx: Any) -> int:
    """Registered with the demo generator (sammen.core.demo_streams, order 40)."""
    rng = ctx.rng
    m = ctx.municipality
    today = ctx.today
    start = today - dt.timedelta(days=HISTORY_DAYS)
    tz = timezone.get_current_timezone()
    staff = _team_staff(m)
    services = list(
        Service.objects.filter(municipality=m, provider_unit__isnull=False, granted_from__lt=today)
        .exclude(status=ServiceStatus.REFUSED)
        .filter(Q(granted_to__isnull=True) | Q(granted_to__gte=start))
        .order_by("citizen_id", "granted_from", "pk")
    )
    written = 0
    visits: list[Visit] = []
    parts: list[VisitService] = []
    deliveries: list[Delivery] = []
    lines: list[DeliveryLine] = []
    titles: dict[str, str] = {}
    for s in services:
        unit_id = s.provider_unit_id
        team = staff.get(unit_id) or []
        if unit_id is None or not team:
            continue
        if s.code not in titles:
            titles[s.code] = _title(s.code)
        rule = plan.Rule(
            times=s.times,
            per=s.per,
            weekdays=tuple(s.weekdays or ()),
            granted_from=s.granted_from,
            granted_to=s.granted_to,
        )
        for occ in plan.occurrences(rule, start, HISTORY_DAYS):
            begins = dt.datetime.combine(occ.day, occ.at, tzinfo=tz)
            window = dt.timedelta(minutes=WINDOW_MINUTES)
            who = rng.choice(team)
            roll = rng.random()
            outcome = (
                DeliveryOutcome.DELIVERED
                if roll < 0.91
                else DeliveryOutcome.PARTLY
                if roll < 0.95
                else DeliveryOutcome.NOT_DELIVERED
            )
            v = Visit(
                id=uuid.uuid4(),
                municipality=m,
                citizen_id=s.citizen_id,
                unit_id=unit_id,
                day=occ.day,
                window_start=begins - window,
                window_end=begins + window,
                minutes=s.minutes,
                double_staffing=s.double_staffing,
                assigned_to_id=who,
                status={
                    DeliveryOutcome.DELIVERED: VisitStatus.DELIVERED,
                    DeliveryOutcome.PARTLY: VisitStatus.PARTLY,
                    DeliveryOutcome.NOT_DELIVERED: VisitStatus.NOT_DELIVERED,
                }[outcome],
            )
            vs = VisitService(
                id=uuid.uuid4(),
                municipality=m,
                visit=v,
                citizen_id=s.citizen_id,
                service_id=s.pk,
                day=occ.day,
                slot=occ.slot,
                code=s.code,
                title=titles[s.code],
                minutes=s.minutes,
                instructions=s.instructions,
            )
            began = begins + dt.timedelta(minutes=rng.randint(-25, 25))
            reason = "" if outcome == DeliveryOutcome.DELIVERED else _reason(rng)
            d = Delivery(
                id=uuid.uuid4(),
                municipality=m,
                client_id=uuid.uuid4(),
                visit=v,
                citizen_id=s.citizen_id,
                staff_id=who,
                unit_id=unit_id,
                outcome=outcome,
                reason_code=reason,
                note=""
                if rng.random() < 0.85
                else rng.choice(
                    [
                        "Godt humør i dag.",
                        "Spiste kun lidt morgenmad.",
                        "Huden er fin.",
                        "Ønsker bad i morgen i stedet.",
                        "Datteren var på besøg.",
                    ]
                ),
                started_at=began,
                ended_at=began + dt.timedelta(minutes=max(5, s.minutes + rng.randint(-5, 10))),
                recorded_at=began,
                offline=rng.random() < 0.04,
            )
            visits.append(v)
            parts.append(vs)
            deliveries.append(d)
            lines.append(
                DeliveryLine(
                    municipality=m,
                    delivery=d,
                    visit_service=vs,
                    citizen_id=s.citizen_id,
                    delivered=outcome == DeliveryOutcome.DELIVERED,
                    reason_code=reason,
                )
            )
            if len(visits) >= 5000:
                written += _flush(visits, parts, deliveries, lines)
        ctx.progress("visits", 0, 0)
    written += _flush(visits, parts, deliveries, lines)
    # Practical information beside the address for most citizens in home care.
    have = set(PracticalInfo.objects.filter(municipality=m).values_list("citizen_id", flat=True))
    infos = [
        PracticalInfo(municipality=m, citizen_id=cid, text=rng.choice(PRACTICAL))
        for cid in sorted({s.citizen_id for s in services} - have, key=str)
        if rng.random() < 0.7
    ]
    PracticalInfo.objects.bulk_create(infos, batch_size=1000)
    written += len(infos)
    result = visit_plan_generate(municipality=m, start=today)
    return written + result.created


def _flush(
    visits: list[Visit],
    parts: list[VisitService],
    deliveries: list[Delivery],
    lines: list[DeliveryLine],
) -> int:
    n = len(visits) + len(parts) + len(deliveries) + len(lines)
    Visit.objects.bulk_create(visits, batch_size=1000, ignore_conflicts=False)
    VisitService.objects.bulk_create(parts, batch_size=1000, ignore_conflicts=True)
    Delivery.objects.bulk_create(deliveries, batch_size=1000)
    DeliveryLine.objects.bulk_create(lines, batch_size=1000)
    visits.clear()
    parts.clear()
    deliveries.clear()
    lines.clear()
    return n


def visits_demo_today(municipality: Municipality) -> int:
    """Today's plan from the granted services (rolling 14 days), and each demo login with a
    care role gets a full day list today: unassigned visits of today, their own team's first,
    in time order. Returns the number of visits assigned."""
    visit_plan_generate(municipality=municipality)
    today = timezone.localdate()
    assigned = 0
    logins = list(
        Membership.objects.filter(
            municipality=municipality,
            role__in=CARE_ROLES,
            staff__user__username__in=list(DEMO_LOGINS),
        ).select_related("staff", "unit")
    )
    seen: set[Any] = set()
    for membership in logins:
        if membership.staff_id in seen:
            continue
        seen.add(membership.staff_id)
        have = Visit.objects.filter(
            municipality=municipality, day=today, assigned_to=membership.staff
        ).count()
        need = DAY_LIST_TARGET - have
        if need <= 0:
            continue
        free = Visit.objects.filter(
            municipality=municipality,
            day=today,
            status=VisitStatus.PLANNED,
            assigned_to__isnull=True,
            citizen__status="active",
        )
        ids = list(
            free.filter(unit=membership.unit)
            .order_by("window_start")
            .values_list("pk", flat=True)[:need]
        )
        if len(ids) < need:
            ids += list(
                free.exclude(pk__in=ids)
                .order_by("window_start")
                .values_list("pk", flat=True)[: need - len(ids)]
            )
        assigned += Visit.objects.filter(pk__in=ids).update(assigned_to=membership.staff)
    return assigned
