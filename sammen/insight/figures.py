"""Compute a figure for a scope and a run of months, in SQL, and protect it.

One SQL statement per figure and view: the period spine as a WITH clause, the figure's fact
rows (its query function), and the grouped counts per row (area or unit), per category and in
total, UNION ALL'ed. The number of queries and the Python work depend on the number of areas,
units and months shown — never on the number of citizens.

The result is protected before anything leaves this module (`suppression.protect`): the cells
of every breakdown shown, their month totals and (for events) their year sums are one problem,
so two breakdowns of the same figure cannot be played against each other.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sammen.insight.definitions import Definition, definition_changes
from sammen.insight.queries import (
    REGISTRY,
    QualityCounts,
    QueryContext,
    db_date,
    db_datetime,
    db_id,
)
from sammen.insight.suppression import Equation, protect

MONTHS_SHOWN = 12


@dataclass(frozen=True)
class Period:
    key: str  # "2026-03"
    year: int
    start: dt.datetime  # aware, inclusive
    end: dt.datetime  # aware, exclusive (now, for the running month)
    as_of: dt.date  # the day a snapshot is taken (month's last day, or today)

    @property
    def label(self) -> str:
        return date_format(dt.date(self.year, int(self.key[5:]), 1), "M Y")


def months(today: dt.date, now: dt.datetime, *, count: int) -> list[Period]:
    """The `count` months up to and including today's, oldest first."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    found: list[Period] = []
    year, month = today.year, today.month
    for _i in range(count):
        start = dt.datetime(year, month, 1, tzinfo=tz)
        ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
        end = dt.datetime(ny, nm, 1, tzinfo=tz)
        last_day = end.date() - dt.timedelta(days=1)
        if end > now:
            end, last_day = now, today
        found.append(Period(f"{year:04d}-{month:02d}", year, start, end, last_day))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found[::-1]


def two_years(today: dt.date, now: dt.datetime) -> list[Period]:
    """January last year to this month: the politician's this-year-vs-last-year, and the
    director's last twelve months, from one protected table."""
    return months(today, now, count=12 + today.month)


@dataclass(frozen=True)
class Scope:
    """What a view may count: a municipality, and optionally only some units (a leader's)."""

    municipality: Any
    unit_ids: tuple[Any, ...] | None = None


# --- Protected result ---------------------------------------------------------------------------

SHOWN, SMALL, HIDDEN, NO_DATA = "shown", "small", "hidden", "no_data"


@dataclass
class Cell:
    status: str
    value: float | None = None  # the number shown (count, or share 0..1); None when not shown
    count: int | None = None  # the numerator when shown (drill-down needs it)
    base: int | None = None  # the denominator when shown (shares)

    @property
    def shown(self) -> bool:
        return self.status == SHOWN


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]  # one per period
    years: dict[int, Cell] = field(default_factory=dict)


@dataclass
class Quality:
    coverage: str  # "97 %", "næsten alle", "–"
    missing: str  # "12", "<5", "0", "–"
    late: str
    computed_at: dt.datetime
    newest: dt.datetime | dt.date | None
    stale: bool
    changes: list[Definition]


@dataclass
class FigureResult:
    definition: Definition
    periods: list[Period]
    rows: list[Row]  # by area or by unit
    total: Row
    categories: list[Row]
    quality: Quality
    years: list[int]

    @property
    def any_shown(self) -> bool:
        return any(c.shown for c in self.total.cells)


def _spine(periods: Sequence[Period], definition: Definition) -> tuple[str, list[Any]]:
    window = dt.timedelta(days=int(definition.parameters.get("current_days", 0)))
    values, params = [], []
    for p in periods:
        values.append("(%s, %s, %s, %s, %s)")
        params += [
            p.key,
            db_datetime(p.start),
            db_datetime(p.end),
            db_date(p.as_of),
            db_datetime(p.end - window),
        ]
    return "p(pkey, p_start, p_end, as_of, fresh_from) AS (VALUES " + ", ".join(
        values
    ) + ")", params


def facts_cte(
    definition: Definition, scope: Scope, periods: Sequence[Period]
) -> tuple[str, list[Any]]:
    """`WITH p(...) AS (VALUES ...), f AS (<the figure's fact rows>)` and its parameters."""
    query = REGISTRY[definition.query]
    spine, spine_params = _spine(periods, definition)
    facts, fact_params = query.facts(_context(definition, scope, periods))
    return f"WITH {spine}, f AS ({facts}) ", spine_params + fact_params


def figure_sql(
    definition: Definition, scope: Scope, periods: Sequence[Period], *, by: str
) -> tuple[str, list[Any]]:
    """The one statement that counts a figure per row (`by`: area or unit), per category and
    in total, per period."""
    cte, params = facts_cte(definition, scope, periods)
    where, where_params = "", []
    if scope.unit_ids is not None:
        marks = ", ".join(["%s"] * len(scope.unit_ids)) or "NULL"
        where = f" WHERE f.unit_id IN ({marks})"
        where_params = [db_id(u) for u in scope.unit_ids]
    counts = (
        "COUNT(DISTINCT CASE WHEN f.hit = 1 THEN f.subject_id END), COUNT(DISTINCT f.subject_id)"
    )
    column = {"area": "CAST(f.area AS TEXT)", "unit": "CAST(f.unit_id AS TEXT)"}[by]
    parts = [
        f"SELECT 'r', f.pkey, {column}, {counts} FROM f{where} GROUP BY f.pkey, {column}",  # noqa: S608 - constant SQL, values as parameters
        f"SELECT 't', f.pkey, '', {counts} FROM f{where} GROUP BY f.pkey",  # noqa: S608 - constant SQL, values as parameters
    ]
    params = params + where_params + where_params
    if definition.categories:
        parts.append(
            f"SELECT 'c', f.pkey, f.category, {counts} FROM f{where} GROUP BY f.pkey, f.category"  # noqa: S608 - constant SQL, values as parameters
        )
        params += where_params
    return cte + " UNION ALL ".join(parts), params


def _context(definition: Definition, scope: Scope, periods: Sequence[Period]) -> QueryContext:
    return QueryContext(
        municipality_id=db_id(scope.municipality.pk),
        parameters=definition.parameters,
        as_of=periods[-1].as_of,
        period_start=periods[0].start,
        period_end=periods[-1].end,
    )


def figure_compute(
    definition: Definition,
    scope: Scope,
    periods: Sequence[Period],
    *,
    by: str,
    rows: Sequence[tuple[str, str]],
) -> FigureResult:
    """Count, protect and present a figure. `rows` are the (key, label) pairs to show (every
    area, or the scope's units), so an empty row still shows as 0 rather than vanishing."""
    sql, params = figure_sql(definition, scope, periods, by=by)
    raw: dict[tuple[str, str, str], tuple[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, pkey, key, n, base in cursor.fetchall():
            raw[(kind, _key(key), pkey)] = (int(n or 0), int(base or 0))
    categories = list(definition.categories.items())
    result = _protect_and_present(definition, periods, raw, rows, categories)
    result.quality = _quality(definition, scope, periods)
    return result


def _key(value: Any) -> str:
    """Row keys as text: a unit id the same on SQLite (hex) and PostgreSQL (uuid)."""
    if value is None:
        return ""
    text = str(value)
    return text.replace("-", "") if len(text) == 36 else text


def _protect_and_present(
    definition: Definition,
    periods: Sequence[Period],
    raw: dict[tuple[str, str, str], tuple[int, int]],
    rows: Sequence[tuple[str, str]],
    categories: Sequence[tuple[str, str]],
) -> FigureResult:
    k = definition.threshold
    events = definition.measure == "events"
    keys = [p.key for p in periods]
    years = sorted({p.year for p in periods})
    by_year: dict[int, list[str]] = defaultdict(list)
    for p in periods:
        by_year[p.year].append(p.key)
    lines = [("r", _key(r), label) for r, label in rows] + [
        ("c", c, label) for c, label in categories
    ]

    n: dict[tuple[str, ...], int] = {}
    base: dict[tuple[str, ...], int] = {}
    for kind, key, _label in [*lines, ("t", "", "")]:
        for pk in keys:
            n[(kind, key, pk)], base[(kind, key, pk)] = raw.get((kind, key, pk), (0, 0))
        for year in years:
            # A year: the sum of its months (events) or its last month (a snapshot).
            ymonths = by_year[year]
            if events:
                n[(kind, key, str(year))] = sum(n[(kind, key, m)] for m in ymonths)
                base[(kind, key, str(year))] = sum(base[(kind, key, m)] for m in ymonths)

    equations: list[Equation] = []
    row_keys = [("r", key) for kind, key, _l in lines if kind == "r"]
    cat_keys = [("c", key) for kind, key, _l in lines if kind == "c"]
    columns = keys + ([str(y) for y in years] if events else [])
    for col in columns:
        equations.append(Equation(("t", "", col), tuple((*rk, col) for rk in row_keys)))
        if cat_keys:
            equations.append(Equation(("t", "", col), tuple((*ck, col) for ck in cat_keys)))
    if events:
        for kind, key in [*row_keys, *cat_keys, ("t", "")]:
            for year in years:
                equations.append(
                    Equation((kind, key, str(year)), tuple((kind, key, m) for m in by_year[year]))
                )

    complement_small = set()
    if definition.unit == "share":
        complement_small = {c for c in n if 0 < base[c] - n[c] < k}
    hidden_n = protect(n, equations, threshold=k, also_primary=complement_small)
    hidden_base = protect(base, equations, threshold=k) if definition.unit == "share" else None

    def cell(c: tuple[str, ...]) -> Cell:
        if definition.unit == "share":
            assert hidden_base is not None
            if base[c] == 0 and c not in hidden_base.hidden:
                return Cell(NO_DATA)
            if c in hidden_n.hidden or c in hidden_base.hidden:
                small = c in hidden_n.primary or c in hidden_base.primary
                return Cell(SMALL if small else HIDDEN)
            return Cell(SHOWN, n[c] / base[c], n[c], base[c])
        if c in hidden_n.primary:
            return Cell(SMALL)
        if c in hidden_n.secondary:
            return Cell(HIDDEN)
        return Cell(SHOWN, float(n[c]), n[c], base[c])

    def row(kind: str, key: str, label: str) -> Row:
        years_cells = {}
        for year in years:
            last = by_year[year][-1]
            years_cells[year] = cell((kind, key, str(year) if events else last))
        return Row(key, label, [cell((kind, key, pk)) for pk in keys], years_cells)

    return FigureResult(
        definition=definition,
        periods=list(periods),
        rows=[row(kind, key, label) for kind, key, label in lines if kind == "r"],
        total=row("t", "", _("I alt")),
        categories=[row(kind, key, label) for kind, key, label in lines if kind == "c"],
        quality=None,  # type: ignore[arg-type]
        years=years,
    )


def _moment(value: Any) -> dt.datetime | dt.date | None:
    """A timestamp from raw SQL: SQLite gives text (UTC), PostgreSQL a datetime."""
    if value is None or isinstance(value, dt.date):
        return value
    parsed = parse_datetime(str(value))
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=dt.UTC)


def _quality(definition: Definition, scope: Scope, periods: Sequence[Period]) -> Quality:
    counts: QualityCounts = REGISTRY[definition.query].quality(_context(definition, scope, periods))
    k = definition.threshold
    now = timezone.now()

    def small(value: int | None) -> str:
        if value is None:
            return "–"
        return f"<{k}" if 0 < value < k else str(value)

    coverage = "–"
    if counts.population:
        missing = (counts.population or 0) - (counts.covered or 0)
        if 0 < missing < k:
            coverage = _("næsten alle")
        else:
            coverage = f"{round(100 * (counts.covered or 0) / counts.population)} %"
    newest = _moment(counts.newest)
    stale = True
    if newest is not None:
        newest_day = newest.date() if isinstance(newest, dt.datetime) else newest
        stale = (periods[-1].as_of - newest_day).days > definition.stale_after_days
    return Quality(
        coverage=coverage,
        missing=small(counts.missing),
        late=small(counts.late),
        computed_at=now,
        newest=newest,
        stale=stale,
        changes=definition_changes(definition.id, periods[0].start.date(), periods[-1].as_of),
    )
