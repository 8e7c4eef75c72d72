"""What each insight view shows. Reads across modules, never writes them (the drill-down's
access-log rows are written by the access kernel's `record_many`, as for every list).

- `team_view`: a leader's own unit and the units below it, one row per unit.
- `municipality_view`: the whole municipality, the areas side by side (no names).
- `council_view` / `council_area`: the same protected tables as the director's, shown as this
  year vs last year, with the explanation beside each figure.
- `drilldown`: the named citizens behind one shown cell of a leader's table, only those the
  leader may see (`visible_to`), logged (`record_many`) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from sammen.access.lists import record_many
from sammen.access.models import Purpose
from sammen.citizens.models import Citizen
from sammen.core.actor import Actor
from sammen.core.errors import NotFound
from sammen.insight.definitions import Definition, definition_in_force, definitions_all
from sammen.insight.figures import (
    MONTHS_SHOWN,
    FigureResult,
    Period,
    Scope,
    facts_cte,
    figure_compute,
    two_years,
)
from sammen.insight.queries import db_id
from sammen.organisation.models import Area, OrgUnit


def _today() -> tuple[dt.date, dt.datetime]:
    now = timezone.now()
    return timezone.localdate(now), now


def definitions_current(on: dt.date) -> list[Definition]:
    found = [definition_in_force(fid, on) for fid in sorted(definitions_all())]
    return sorted((d for d in found if d is not None), key=lambda d: (d.order, d.id))


def unit_subtree(actor: Actor) -> list[OrgUnit]:
    units = list(OrgUnit.objects.for_municipality(actor.municipality).order_by("name"))
    children: dict[Any, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    found, stack = [], [actor.unit]
    while stack:
        unit = stack.pop()
        found.append(unit)
        stack.extend(reversed(children.get(unit.pk, [])))
    return found


@dataclass
class InsightPage:
    figures: list[FigureResult]
    periods: list[Period]  # the months shown (the last twelve)
    computed_at: dt.datetime


def _areas() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in Area.choices]


def municipality_view(*, actor: Actor) -> InsightPage:
    today, now = _today()
    periods = two_years(today, now)
    scope = Scope(actor.municipality)
    figures = [
        figure_compute(d, scope, periods, by="area", rows=_areas())
        for d in definitions_current(today)
    ]
    return InsightPage(figures, periods[-MONTHS_SHOWN:], now)


def team_view(*, actor: Actor) -> InsightPage:
    today, now = _today()
    periods = two_years(today, now)
    units = unit_subtree(actor)
    scope = Scope(actor.municipality, tuple(u.pk for u in units))
    rows = [(u.pk.hex, u.name) for u in units]
    figures = [
        figure_compute(d, scope, periods, by="unit", rows=rows) for d in definitions_current(today)
    ]
    return InsightPage(figures, periods[-MONTHS_SHOWN:], now)


def council_view(*, actor: Actor) -> InsightPage:
    return municipality_view(actor=actor)


def council_area(*, actor: Actor, area: str) -> tuple[str, InsightPage]:
    if area not in Area.values:
        raise NotFound("Området findes ikke.")
    return str(Area(area).label), municipality_view(actor=actor)


@dataclass
class Drilldown:
    definition: Definition
    unit: OrgUnit
    period: Period
    counted: int  # the number in the cell (shown, at or over the threshold)
    citizens: list[Citizen]  # those of them the leader may see; logged


@transaction.atomic
def drilldown(*, actor: Actor, figure_id: str, unit_id: Any, period_key: str) -> Drilldown:
    """The named list behind one cell of the leader's table. Only a cell that is shown (at or
    over the threshold), only in the leader's units, only for a figure that allows it."""
    today, now = _today()
    definition = definition_in_force(figure_id, today)
    if definition is None or definition.drilldown == "none":
        raise NotFound("Nøgletallet findes ikke eller har ingen liste.")
    units = {u.pk.hex: u for u in unit_subtree(actor)}
    unit = units.get(str(unit_id).replace("-", ""))
    if unit is None:
        raise NotFound("Enheden findes ikke.")
    periods = two_years(today, now)
    period = next((p for p in periods if p.key == period_key), None)
    if period is None:
        raise NotFound("Perioden findes ikke.")
    scope = Scope(actor.municipality, tuple(u.pk for u in units.values()))
    result = figure_compute(definition, scope, periods, by="unit", rows=[(unit.pk.hex, unit.name)])
    cell = result.rows[0].cells[[p.key for p in periods].index(period_key)]
    if not cell.shown or cell.count is None:
        raise NotFound("Tallet er for lille til at vise en liste.")
    counted = cell.count if definition.drilldown == "hit" else (cell.base or 0) - cell.count
    if counted < definition.threshold:
        raise NotFound("Tallet er for lille til at vise en liste.")
    cte, params = facts_cte(definition, scope, periods)
    # The same facts, ungrouped: the citizens behind the cell (for "miss": those not counted).
    hit = 1 if definition.drilldown == "hit" else 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"{cte}SELECT f.citizen_id FROM f WHERE f.unit_id = %s AND f.pkey = %s"  # noqa: S608 - constant SQL, values as parameters
            " AND f.citizen_id IS NOT NULL GROUP BY f.citizen_id HAVING MAX(f.hit) = %s",
            [*params, db_id(unit.pk), period_key, hit],
        )
        ids = [row[0] for row in cursor.fetchall()]
    shown = list(
        Citizen.objects.visible_to(actor, purpose=Purpose.CARE_RELATION)
        .filter(pk__in=ids)
        .order_by("last_name", "first_name")
    )
    record_many(actor=actor, rows=shown, object_type="insight")
    return Drilldown(definition, unit, period, counted, shown)
