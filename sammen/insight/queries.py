"""One query function per figure: the SQL of the figure's fact rows, and its data quality.

A query function gets a `QueryContext` and returns `(sql, params)` for rows with exactly these
columns, one row per fact (a citizen in a unit at a period's end, a grant made in a month ...):

    pkey        the period's key ("2026-03"), from the period spine `p` the SQL joins
    unit_id     the unit the fact belongs to
    area        the municipal area (organisation.Area)
    category    a category of the fact ('' when the figure has none)
    subject_id  what is counted (a citizen, a grant); counted distinct
    hit         1 when the fact is in the numerator, else 0 (counts: always 1)
    citizen_id  the citizen behind the fact (for a leader's drill-down; never shown otherwise)

The framework (`figures.py`) puts the period spine `p(pkey, p_start, p_end, as_of, fresh_from)`
in front as a WITH clause, narrows to the actor's units and groups in SQL. The tables a query
reads are declared with it and must be listed in its definition's `sources` (checked at load).
A new figure is one definition file plus one function here; see README.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models

from sammen.organisation.models import Area


@dataclass(frozen=True)
class QueryContext:
    municipality_id: Any  # as the database wants it (db_id)
    parameters: dict[str, Any]
    as_of: dt.date  # the last period's end (quality is measured there)
    period_start: dt.datetime  # the first period's start
    period_end: dt.datetime  # the last period's end (exclusive)


@dataclass(frozen=True)
class QualityCounts:
    """Raw data-quality numbers; the framework protects and presents them."""

    covered: int | None  # of the population, how many have the data
    population: int | None
    missing: int | None  # e.g. active citizens without a responsible unit
    late: int | None  # registrations made late
    newest: dt.datetime | dt.date | None  # the newest source registration


FactQuery = Callable[[QueryContext], tuple[str, list[Any]]]
QualityQuery = Callable[[QueryContext], QualityCounts]


@dataclass(frozen=True)
class RegisteredQuery:
    key: str
    facts: FactQuery
    quality: QualityQuery
    tables: frozenset[str]
    breakdowns: frozenset[str]
    measures: frozenset[str] = field(default=frozenset({"snapshot", "events"}))


REGISTRY: dict[str, RegisteredQuery] = {}


def figure_query(
    key: str,
    *,
    tables: set[str],
    breakdowns: set[str],
    quality: QualityQuery,
) -> Callable[[FactQuery], FactQuery]:
    def register(facts: FactQuery) -> FactQuery:
        REGISTRY[key] = RegisteredQuery(
            key, facts, quality, frozenset(tables), frozenset(breakdowns)
        )
        return facts

    return register


def db_id(value: Any) -> Any:
    """A UUID as this database stores it (hex on SQLite, uuid on PostgreSQL)."""
    return models.UUIDField().get_db_prep_value(value, connection)


def db_date(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def db_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _one(sql: str, params: list[Any]) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(row) if row else ()


# --- Responsibilities: who has which citizens -------------------------------------------------

_OPEN_AT = "r.since <= p.as_of AND (r.until IS NULL OR r.until > p.as_of)"


def _responsibility_quality(ctx: QueryContext) -> QualityCounts:
    population, covered, newest = _one(
        "SELECT COUNT(*),"
        " SUM(CASE WHEN EXISTS (SELECT 1 FROM citizens_responsibility r"
        "   WHERE r.citizen_id = c.id AND r.since <= %s AND (r.until IS NULL OR r.until > %s))"
        "   THEN 1 ELSE 0 END),"
        " (SELECT MAX(r2.updated_at) FROM citizens_responsibility r2"
        "   WHERE r2.municipality_id = %s)"
        " FROM citizens_citizen c WHERE c.municipality_id = %s AND c.status = 'active'",
        [db_date(ctx.as_of), db_date(ctx.as_of), ctx.municipality_id, ctx.municipality_id],
    )
    population, covered = int(population or 0), int(covered or 0)
    return QualityCounts(covered, population, population - covered, None, newest)


@figure_query(
    "citizens_per_area",
    tables={"citizens_responsibility"},
    breakdowns={"area", "unit", "month"},
    quality=_responsibility_quality,
)
def citizens_per_area(ctx: QueryContext) -> tuple[str, list[Any]]:
    sql = (
        "SELECT p.pkey AS pkey, r.unit_id AS unit_id, r.area AS area, '' AS category,"  # noqa: S608 - constant SQL, values as parameters
        " r.citizen_id AS subject_id, 1 AS hit, r.citizen_id AS citizen_id"
        f" FROM p JOIN citizens_responsibility r ON {_OPEN_AT}"
        " WHERE r.municipality_id = %s"
    )
    return sql, [ctx.municipality_id]


@figure_query(
    "citizens_in_several_areas",
    tables={"citizens_responsibility"},
    breakdowns={"area", "unit", "month"},
    quality=_responsibility_quality,
)
def citizens_in_several_areas(ctx: QueryContext) -> tuple[str, list[Any]]:
    sql = (
        "SELECT p.pkey AS pkey, r.unit_id AS unit_id, r.area AS area, '' AS category,"  # noqa: S608 - constant SQL, values as parameters
        " r.citizen_id AS subject_id,"
        " CASE WHEN m.areas >= 2 THEN 1 ELSE 0 END AS hit, r.citizen_id AS citizen_id"
        f" FROM p JOIN citizens_responsibility r ON {_OPEN_AT}"
        " JOIN (SELECT p.pkey AS pkey, r.citizen_id AS citizen_id,"
        "       COUNT(DISTINCT r.area) AS areas"
        f"      FROM p JOIN citizens_responsibility r ON {_OPEN_AT}"
        "       WHERE r.municipality_id = %s GROUP BY p.pkey, r.citizen_id) m"
        "   ON m.pkey = p.pkey AND m.citizen_id = r.citizen_id"
        " WHERE r.municipality_id = %s"
    )
    return sql, [ctx.municipality_id, ctx.municipality_id]


# --- Documentation: current FSIII assessment ---------------------------------------------------

_FSIII_TEMPLATE = "fsiii-funktionsevnetilstand"


def _documentation_quality(ctx: QueryContext) -> QualityCounts:
    late_days = int(ctx.parameters.get("late_days", 7))
    population, covered, newest = _one(
        "SELECT COUNT(DISTINCT r.citizen_id),"
        " COUNT(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM journal_entry e"
        "   WHERE e.citizen_id = r.citizen_id AND e.status = 'valid' AND e.template_id IN"
        "   (SELECT t.id FROM journal_template t WHERE t.key = %s)) THEN r.citizen_id END),"
        " (SELECT MAX(e2.written_at) FROM journal_entry e2 WHERE e2.municipality_id = %s)"
        " FROM citizens_responsibility r WHERE r.municipality_id = %s AND r.area = %s"
        " AND r.since <= %s AND (r.until IS NULL OR r.until > %s)",
        [
            _FSIII_TEMPLATE,
            ctx.municipality_id,
            ctx.municipality_id,
            Area.ELDERLY_HEALTH.value,
            db_date(ctx.as_of),
            db_date(ctx.as_of),
        ],
    )
    # Late: written more than `late_days` after the moment it is about, in the periods shown.
    # Compared in Python per row would loop over entries; instead count in SQL with the
    # delay bound computed per row by the database on both backends: julianday / epoch.
    delay = (
        "(julianday(e.written_at) - julianday(e.refers_to))"
        if connection.vendor == "sqlite"
        else "(EXTRACT(EPOCH FROM (e.written_at - e.refers_to)) / 86400.0)"
    )
    (late,) = _one(
        f"SELECT COUNT(*) FROM journal_entry e WHERE e.municipality_id = %s"  # noqa: S608 - constant SQL, values as parameters
        " AND e.template_id IN (SELECT t.id FROM journal_template t WHERE t.key = %s)"
        f" AND e.written_at >= %s AND e.written_at < %s AND {delay} > %s",
        [
            ctx.municipality_id,
            _FSIII_TEMPLATE,
            db_datetime(ctx.period_start),
            db_datetime(ctx.period_end),
            late_days,
        ],
    )
    population, covered = int(population or 0), int(covered or 0)
    return QualityCounts(covered, population, population - covered, int(late or 0), newest)


@figure_query(
    "documentation_current_fsiii",
    tables={"citizens_responsibility", "journal_entry", "journal_template"},
    breakdowns={"area", "unit", "month"},
    quality=_documentation_quality,
)
def documentation_current_fsiii(ctx: QueryContext) -> tuple[str, list[Any]]:
    sql = (
        "SELECT p.pkey AS pkey, r.unit_id AS unit_id, r.area AS area, '' AS category,"  # noqa: S608 - constant SQL, values as parameters
        " r.citizen_id AS subject_id,"
        " CASE WHEN EXISTS (SELECT 1 FROM journal_entry e"
        "   WHERE e.citizen_id = r.citizen_id AND e.status = 'valid'"
        "   AND e.template_id IN (SELECT t.id FROM journal_template t WHERE t.key = %s)"
        "   AND e.refers_to >= p.fresh_from AND e.refers_to < p.p_end) THEN 1 ELSE 0 END AS hit,"
        " r.citizen_id AS citizen_id"
        f" FROM p JOIN citizens_responsibility r ON {_OPEN_AT}"
        " WHERE r.municipality_id = %s AND r.area = %s"
    )
    return sql, [_FSIII_TEMPLATE, ctx.municipality_id, Area.ELDERLY_HEALTH.value]


# --- Break-the-glass grants and their review ----------------------------------------------------


def _grant_quality(ctx: QueryContext) -> QualityCounts:
    now = db_datetime(ctx.period_end)
    review_due = (
        "datetime(g.expires_at, '+14 days')"
        if connection.vendor == "sqlite"
        else "g.expires_at + INTERVAL '14 days'"
    )
    total, missing, late, newest = _one(
        "SELECT COUNT(*),"  # noqa: S608 - constant SQL, values as parameters
        " SUM(CASE WHEN g.reviewed_at IS NULL AND g.expires_at < %s THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN g.reviewed_at > {review_due} THEN 1 ELSE 0 END),"
        " MAX(g.created_at)"
        " FROM access_accessgrant g WHERE g.municipality_id = %s"
        " AND g.created_at >= %s AND g.created_at < %s",
        [now, ctx.municipality_id, db_datetime(ctx.period_start), now],
    )
    total = int(total or 0)
    return QualityCounts(total, total, int(missing or 0), int(late or 0), newest)


@figure_query(
    "break_the_glass_grants",
    tables={"access_accessgrant", "organisation_orgunit"},
    breakdowns={"area", "unit", "month", "category"},
    quality=_grant_quality,
)
def break_the_glass_grants(ctx: QueryContext) -> tuple[str, list[Any]]:
    sql = (
        "SELECT p.pkey AS pkey, g.unit_id AS unit_id, u.area AS area,"
        " CASE WHEN g.reviewed_at IS NULL THEN 'not_reviewed'"
        "   WHEN g.review_approved THEN 'approved' ELSE 'not_approved' END AS category,"
        " g.id AS subject_id, 1 AS hit, g.citizen_id AS citizen_id"
        " FROM p JOIN access_accessgrant g ON g.created_at >= p.p_start AND g.created_at < p.p_end"
        " JOIN organisation_orgunit u ON u.id = g.unit_id"
        " WHERE g.municipality_id = %s"
    )
    return sql, [ctx.municipality_id]
